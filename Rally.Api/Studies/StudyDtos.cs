using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Rally.Grains.Studies;
using DataType = Rally.Grains.Studies.DataType;

namespace Rally.Api.Studies;

/// <summary>One event type a study declares; checked by <see cref="StudyRules.ValidateDataTypes"/>.</summary>
public sealed record DataTypeBody(string Type, string Description)
{
    public DataType ToDataType() => new(Type, Description);

    public static DataTypeBody From(DataType d) => new(d.Type, d.Description);
}

/// <summary>
/// The study's public key as a JWK (RFC 7517/7518, EC P-256), as key tools write it: members Rally does not use are
/// ignored (RFC 7517), those it understands must fit a public ECDH-ES key, and <c>kid</c>, when given, must be the RFC 7638
/// thumbprint (<see cref="StudyKeys.Validate"/>). Rally keeps and publishes only the canonical public key (<see cref="PublicJwk"/>).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record JwkBody(
    [property: StringLength(8)] string Kty,
    [property: StringLength(16)] string Crv,
    [property: StringLength(64)] string X,
    [property: StringLength(64)] string Y,
    [property: StringLength(64)] string? Kid = null,
    [property: StringLength(16)] string? Use = null,
    [property: StringLength(32)] string? Alg = null,
    [property: JsonPropertyName("key_ops"), MaxLength(16)] string[]? KeyOps = null,
    // Accepted only to refuse it with a clear message: Rally never holds a study's private key.
    [property: JsonPropertyName("d")] string? D = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StudyKeys.Validate(this) is { } error)
        {
            yield return new ValidationResult(error, [nameof(Kid)]);
        }
    }

    public StudyKey ToStudyKey() => new(Kty, Crv, X, Y, StudyKeys.Thumbprint(this));
}

/// <summary>
/// A study's public key as Rally publishes it: the canonical members only, never a null one, so that any JOSE library
/// (e.g. <c>jose</c>'s <c>importJWK</c>) imports it as the public ECDH-ES key it is.
/// </summary>
public sealed record PublicJwk(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg)
{
    public static PublicJwk From(StudyKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(key.Kty, key.Crv, key.X, key.Y, key.Kid, StudyKeys.Use, StudyKeys.Algorithm);
    }
}

public sealed record AddOnBody(
    [property: StringLength(200, MinimumLength = 1)] string Id,
    Uri DownloadUrl) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!DownloadUrl.IsAbsoluteUri || DownloadUrl.Scheme != Uri.UriSchemeHttps)
        {
            yield return new ValidationResult("addOn.downloadUrl must be an absolute https URL.", [nameof(DownloadUrl)]);
        }
    }
}

/// <summary>A study card to draft. Operators name the partner; a researcher drafts for its own.</summary>
public sealed record DraftStudyRequest(
    [property: StringLength(200, MinimumLength = 1)] string Name,
    [property: StringLength(10000, MinimumLength = 1)] string Description,
    [property: MinLength(1), MaxLength(100)] DataTypeBody[] DataCollected,
    [property: StringLength(5000, MinimumLength = 1)] string WhoHasAccess,
    [property: StringLength(5000, MinimumLength = 1)] string HowDataIsUsed,
    [property: Required, RegularExpression(StudyRules.ConsentVersionPattern)] string ConsentVersion,
    JwkBody EncryptionKey,
    AddOnBody AddOn,
    bool CollectsInPrivateBrowsing = false,
    [property: StringLength(5000)] string? PrivateBrowsingWarning = null,
    [property: RegularExpression(StudyRules.StudyIdPattern, ErrorMessage = "studyId must be 3 to 64 lower-case letters, digits or '-', starting with a letter or digit.")] string? StudyId = null,
    Guid? PartnerId = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CollectsInPrivateBrowsing && string.IsNullOrWhiteSpace(PrivateBrowsingWarning))
        {
            yield return new ValidationResult("A study that collects in private browsing windows must give a privateBrowsingWarning.", [nameof(PrivateBrowsingWarning)]);
        }
        foreach (var error in StudyRules.ValidateDataTypes(DataCollected))
        {
            yield return error;
        }
    }
}

public sealed record DraftStudyResponse(string StudyId, StudyLifecycle State);

/// <summary>A new consent version, with the data it covers when that changes too.</summary>
public sealed record ConsentRequest(
    [property: Required, RegularExpression(StudyRules.ConsentVersionPattern)] string ConsentVersion,
    [property: MinLength(1), MaxLength(100)] DataTypeBody[]? DataCollected = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var error in StudyRules.ValidateDataTypes(DataCollected ?? []))
        {
            yield return error;
        }
    }
}

public sealed record AnnounceEndRequest(DateTimeOffset EndsAt);

/// <summary>A study's card and where it stands: the details page participants read before consenting.</summary>
public sealed record StudyResponse(
    string StudyId,
    string Name,
    string Partner,
    Guid PartnerId,
    string Description,
    DataTypeBody[] DataCollected,
    string WhoHasAccess,
    string HowDataIsUsed,
    bool CollectsInPrivateBrowsing,
    string? PrivateBrowsingWarning,
    string ConsentVersion,
    PublicJwk EncryptionKey,
    AddOnBody AddOn,
    StudyLifecycle State,
    DateTimeOffset? EndsAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LaunchedAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset? AnalysisCompletedAt)
{
    public static StudyResponse From(StudyView s)
    {
        var c = s.Card;
        return new(s.StudyId, c.Name, c.Partner, c.PartnerId, c.Description, [.. c.DataCollected.Select(DataTypeBody.From)],
            c.WhoHasAccess, c.HowDataIsUsed, c.CollectsInPrivateBrowsing, c.PrivateBrowsingWarning, c.ConsentVersion,
            PublicJwk.From(c.EncryptionKey), new AddOnBody(c.AddOn.Id, c.AddOn.DownloadUrl), s.State, s.EndsAt, s.CreatedAt,
            s.LaunchedAt, s.EndedAt, s.AnalysisCompletedAt);
    }
}
