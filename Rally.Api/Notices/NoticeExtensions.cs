using Rally.Api.Authentication;
using Rally.Api.RateLimits;
using Rally.Silo.Configuration;

namespace Rally.Api.Notices;

/// <summary>
/// Live notices over SignalR. Many fronts, no backplane: every front registers an Orleans observer with one registry
/// grain; the fan-out grain pushes each notice to every registered front in one message per chunk of participants,
/// and each front sends it to the connections it holds; the fan-out then stores it in the inboxes, from which a
/// participant connecting later reads it.
/// </summary>
public static class NoticeExtensions
{
    public static WebApplicationBuilder AddNotices(this WebApplicationBuilder builder)
    {
        builder.Services.AddRallyOptions<NoticeOptions>(builder.Configuration, NoticeOptions.Section);
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<NoticeConnections>();
        builder.Services.AddSingleton<NoticeFront>();
        builder.Services.AddSingleton<NoticeFrontRegistration>();
        builder.Services.AddHostedService(services => services.GetRequiredService<NoticeFrontRegistration>());
        return builder;
    }

    public static IEndpointRouteBuilder MapNotices(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHub<NoticeHub>(NoticeRoutes.Hub).RequireAuthorization(RallyAuth.ParticipantPolicy).LimitedAs(RateLimited.HubConnections);
        return endpoints;
    }
}
