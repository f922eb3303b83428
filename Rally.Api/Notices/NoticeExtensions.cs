using Rally.Api.Authentication;

namespace Rally.Api.Notices;

/// <summary>
/// Live notices over SignalR. Many fronts, no backplane: every front registers an Orleans observer with one registry
/// grain; the fan-out grain pushes each notice, after storing it in the inboxes, to every registered front in one
/// message per chunk of participants, and each front sends it to the connections it holds.
/// </summary>
public static class NoticeExtensions
{
    public static WebApplicationBuilder AddNotices(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<NoticeOptions>()
            .Bind(builder.Configuration.GetSection(NoticeOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.TimeToLive > o.RefreshInterval, "Rally:Notices:TimeToLive must exceed RefreshInterval.")
            .ValidateOnStart();
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<NoticeConnections>();
        builder.Services.AddSingleton<NoticeFront>();
        builder.Services.AddSingleton<NoticeFrontRegistration>();
        builder.Services.AddHostedService(services => services.GetRequiredService<NoticeFrontRegistration>());
        return builder;
    }

    public static IEndpointRouteBuilder MapNotices(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHub<NoticeHub>(NoticeRoutes.Hub).RequireAuthorization(RallyAuth.ParticipantPolicy);
        return endpoints;
    }
}
