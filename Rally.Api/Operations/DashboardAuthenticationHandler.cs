using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Rally.Api.Authentication;

namespace Rally.Api.Operations;

/// <summary>
/// The dashboard is a browser application that cannot add a bearer header to its own requests, so its pages
/// take the operator key by HTTP Basic authentication (any user name; the key as password): the browser asks
/// once and sends it with every request under <c>/dashboard/</c>. A bearer operator key works as well.
/// </summary>
public sealed class DashboardAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<OperatorOptions> operatorOptions) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "RallyDashboard";

    private readonly byte[][] _operatorKeyHashes = [.. operatorOptions.Value.AllKeys().Select(Credentials.Hash)];

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey();
        if (key is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var hash = Credentials.Hash(key);
        if (!_operatorKeyHashes.Any(k => CryptographicOperations.FixedTimeEquals(hash, k)))
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown operator key."));
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, RallyAuth.OperatorRole)], SchemeName, RallyAuth.SubjectClaim, ClaimTypes.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Basic realm=\"Rally operators\", charset=\"UTF-8\"");
        return Task.CompletedTask;
    }

    private string? ReadKey()
    {
        string? header = Request.Headers.Authorization;
        if (header is null)
        {
            return null;
        }
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header[7..].Trim();
        }
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : pair[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
