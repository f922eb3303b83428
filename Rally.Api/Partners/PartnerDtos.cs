using System.ComponentModel.DataAnnotations;
using Rally.Grains.Partners;

namespace Rally.Api.Partners;

public sealed record CreatePartnerRequest([property: StringLength(200, MinimumLength = 1)] string Name);

public sealed record PartnerResponse(Guid PartnerId, string Name, DateTimeOffset CreatedAt, Guid[] Researchers)
{
    public static PartnerResponse From(PartnerView v) => new(v.PartnerId, v.Name, v.CreatedAt, v.Researchers);
}

public sealed record CreateResearcherRequest([property: StringLength(200, MinimumLength = 1)] string Name);

/// <summary>The researcher's key is shown this once; Rally keeps only its hash.</summary>
public sealed record ResearcherResponse(Guid ResearcherId, Guid PartnerId, string Name, string Key);
