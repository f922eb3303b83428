using System.Security.Claims;

namespace Rally.Api.Authentication;

public static class ClaimsPrincipalExtensions
{
    public static Guid GetSubjectId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(RallyAuth.SubjectClaim) ?? throw new InvalidOperationException("The caller has no subject."));

    /// <summary>The researcher's partner, or null for anyone else.</summary>
    public static Guid? GetPartnerId(this ClaimsPrincipal user) =>
        user.FindFirstValue(RallyAuth.PartnerClaim) is { } value ? Guid.Parse(value) : null;

    public static bool IsOperator(this ClaimsPrincipal user) => user.IsInRole(RallyAuth.OperatorRole);
}
