using System.ComponentModel.DataAnnotations;
using Rally.Grains.Partners;

namespace Rally.Api.Partners;

public sealed record CreatePartnerRequest([property: StringLength(200, MinimumLength = 1)] string Name);

/// <summary>
/// A partner: <c>suspendedAt</c> is null unless operators suspended it; <c>researcherKeys</c> (on reads only) tells when
/// each researcher's key was last used, to the minute, and whether it was revoked.
/// </summary>
public sealed record PartnerResponse(Guid PartnerId, string Name, DateTimeOffset CreatedAt, Guid[] Researchers, DateTimeOffset? SuspendedAt, ResearcherKeyResponse[]? ResearcherKeys = null)
{
    public static PartnerResponse From(PartnerView v, ResearcherView[]? researchers = null) =>
        new(v.PartnerId, v.Name, v.CreatedAt, v.Researchers, v.SuspendedAt, researchers?.Select(ResearcherKeyResponse.From).ToArray());
}

/// <summary>A researcher's key as operators see it: never the key itself.</summary>
public sealed record ResearcherKeyResponse(Guid ResearcherId, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static ResearcherKeyResponse From(ResearcherView v) => new(v.ResearcherId, v.Name, v.CreatedAt, v.LastUsedAt, v.RevokedAt);
}

/// <summary>A researcher's new key, shown this once.</summary>
public sealed record RotatedKeyResponse(Guid ResearcherId, string Key);

public sealed record CreateResearcherRequest([property: StringLength(200, MinimumLength = 1)] string Name);

/// <summary>The researcher's key is shown this once; Rally keeps only its hash.</summary>
public sealed record ResearcherResponse(Guid ResearcherId, Guid PartnerId, string Name, string Key);
