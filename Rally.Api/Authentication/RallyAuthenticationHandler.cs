using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Rally.Api.Notices;
using Rally.Api.Participants;
using Rally.Api.Problems;
using Rally.Grains.Participants;
using Rally.Grains.Partners;

namespace Rally.Api.Authentication;

/// <summary>
/// Authenticates bearer tokens. A token whose MAC is wrong (<see cref="Credentials.Read"/>) is refused here, at the cost
/// of a hash, without asking any grain or writing any log line above Debug; any other is checked against the grain that
/// owns it, on every request, so a revoked token (a participant who left) stops working at once, whichever front it
/// reaches.
/// </summary>
public sealed class RallyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IGrainFactory grains,
    Credentials credentials,
    HubTickets tickets,
    IOptions<OperatorOptions> operatorOptions,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(options, new DebugLoggerFactory(logger), encoder)
{
    private readonly byte[][] _operatorKeyHashes = [.. operatorOptions.Value.AllKeys().Select(Credentials.Hash)];

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var (token, fromQuery) = ReadToken();
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }
        if (OnHub && token.StartsWith(HubTickets.Prefix, StringComparison.Ordinal))
        {
            return await AuthenticateTicketAsync(token);
        }
        if (fromQuery)
        {
            // A URL is logged by proxies: only a ticket, short-lived and single-use, may travel in one.
            return AuthenticateResult.Fail("Only a hub ticket is accepted in the query string.");
        }

        var hash = Credentials.Hash(token);
        if (_operatorKeyHashes.Any(k => CryptographicOperations.FixedTimeEquals(hash, k)))
        {
            return Success(RallyAuth.OperatorRole, subject: null, partnerId: null);
        }
        return credentials.Read(token) switch
        {
            (Credentials.ParticipantPrefix, var participantId) => await AuthenticateParticipantAsync(participantId, hash),
            (Credentials.ResearcherPrefix, var researcherId) =>
                await grains.GetGrain<IResearcherGrain>(researcherId).AuthenticateAsync(hash) is { } researcher
                    ? Success(RallyAuth.ResearcherRole, researcher.ResearcherId, researcher.PartnerId)
                    : AuthenticateResult.Fail("Unknown or revoked researcher key."),
            _ => AuthenticateResult.Fail("Unknown credential."),
        };
    }

    private bool OnHub => Request.Path.StartsWithSegments(NoticeRoutes.Hub, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A hub ticket: sealed and unexpired (no grain asked otherwise), its participant still in Rally, and not used to
    /// open another connection. Negotiating does not use it up; opening a connection does (its later requests, such as
    /// long polls, carry the connection's id and may present it again).
    /// </summary>
    private async Task<AuthenticateResult> AuthenticateTicketAsync(string ticket)
    {
        if (tickets.Read(ticket) is not var (participantId, expiresAt, nonce))
        {
            return AuthenticateResult.Fail("Unknown or expired hub ticket.");
        }
        var negotiating = Request.Path.Value?.EndsWith("/negotiate", StringComparison.OrdinalIgnoreCase) == true;
        var connection = negotiating ? null : Request.Query["id"].ToString() is { Length: > 0 } id ? id : "";
        return await grains.GetGrain<IParticipantGrain>(participantId).AcceptTicketAsync(nonce, expiresAt, connection)
            ? Success(RallyAuth.ParticipantRole, participantId, partnerId: null)
            : AuthenticateResult.Fail("This hub ticket was used already, or its participant left.");
    }

    private async Task<AuthenticateResult> AuthenticateParticipantAsync(Guid participantId, byte[] hash)
    {
        var participant = grains.GetGrain<IParticipantGrain>(participantId);
        if (await participant.AuthenticateAsync(hash))
        {
            return Success(RallyAuth.ParticipantRole, participantId, partnerId: null);
        }
        // A token just replaced opens one route, the replacement itself, so that a resent replacement is answered again.
        return HttpMethods.IsPost(Request.Method) && Request.Path.Equals(ParticipantRoutes.Token, StringComparison.OrdinalIgnoreCase)
            && await participant.IsReplacedTokenAsync(hash)
                ? Success(RallyAuth.ReplacedParticipantRole, participantId, partnerId: null)
                : AuthenticateResult.Fail("Unknown or revoked participant token.");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer");
        await WriteProblemAsync(ProblemTypes.Unauthorized,
            ReadToken().Token is null ? "This route needs a bearer token." : "The bearer token is unknown or no longer valid.");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await WriteProblemAsync(ProblemTypes.Forbidden, "Your credential does not allow this.");
    }

    /// <summary>The bearer header; on the notices hub only, also the <c>access_token</c> query (WebSockets from browsers cannot set headers).</summary>
    private (string? Token, bool FromQuery) ReadToken()
    {
        if (ReadBearer(Request) is { } bearer)
        {
            return (bearer, false);
        }
        return OnHub && Request.Query[NoticeRoutes.AccessTokenQuery].ToString() is { Length: > 0 } query
            ? (query, true)
            : (null, false);
    }

    /// <summary>The token of the <c>Authorization: Bearer</c> header, or null.</summary>
    public static string? ReadBearer(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? header = request.Headers.Authorization;
        return header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7
            ? header[7..].Trim()
            : null;
    }

    private static AuthenticateResult Success(string role, Guid? subject, Guid? partnerId)
    {
        var claims = new List<Claim> { new(ClaimTypes.Role, role) };
        if (subject is not null)
        {
            claims.Add(new Claim(RallyAuth.SubjectClaim, subject.Value.ToString()));
        }
        if (partnerId is not null)
        {
            claims.Add(new Claim(RallyAuth.PartnerClaim, partnerId.Value.ToString()));
        }
        var identity = new ClaimsIdentity(claims, RallyAuth.Scheme, RallyAuth.SubjectClaim, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), RallyAuth.Scheme));
    }

    private ValueTask WriteProblemAsync(ProblemType type, string detail) =>
        problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = type.Create(detail),
        });
}
