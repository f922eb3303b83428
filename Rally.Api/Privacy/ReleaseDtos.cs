using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Rally.Grains.Privacy;

namespace Rally.Api.Privacy;

/// <summary>A release to publish: its ε, and how many events of each participant to count at most (public, like ε).</summary>
public sealed record ReleaseRequest(decimal Epsilon, int? EventsPerParticipant = null) : IValidatableObject
{
    /// <summary>The smallest ε one release may spend: below it, the noise drowns any count a study could have.</summary>
    public const decimal MinEpsilon = 0.01m;

    /// <summary>The largest ε one release may spend, whatever the budget.</summary>
    public const decimal MaxEpsilon = 10m;

    /// <summary>Decimal places ε may carry: the budget adds charges up exactly.</summary>
    public const int EpsilonDecimals = 6;

    public const int DefaultEventsPerParticipant = 100;

    public const int MaxEventsPerParticipant = 10_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Epsilon is < MinEpsilon or > MaxEpsilon || decimal.Round(Epsilon, EpsilonDecimals) != Epsilon)
        {
            yield return new ValidationResult(
                string.Create(CultureInfo.InvariantCulture, $"epsilon must be a number from {MinEpsilon} to {MaxEpsilon}, with at most {EpsilonDecimals} decimals."),
                [nameof(Epsilon)]);
        }
        if (EventsPerParticipant is < 1 or > MaxEventsPerParticipant)
        {
            yield return new ValidationResult(
                string.Create(CultureInfo.InvariantCulture, $"eventsPerParticipant must be from 1 to {MaxEventsPerParticipant}."), [nameof(EventsPerParticipant)]);
        }
    }
}

/// <summary>A published release: noisy figures, and what a reader needs to judge them.</summary>
public sealed record ReleaseResponse(
    Guid ReleaseId,
    int Number,
    string StudyId,
    DateTimeOffset PublishedAt,
    string Mechanism,
    decimal Epsilon,
    decimal Delta,
    ReleaseBudget Budget,
    ContributionBound ContributionBound,
    ReleaseDomain Domain,
    long Enrolled,
    Dictionary<string, long> EventsByType,
    Dictionary<string, long> EventsByDay,
    ReleaseNoise Noise)
{
    public static ReleaseResponse From(string studyId, StudyRelease release)
    {
        ArgumentNullException.ThrowIfNull(release);
        var domain = release.Domain;
        return new(
            release.ReleaseId, release.Number, studyId, release.PublishedAt, release.Mechanism, release.Epsilon, release.Delta,
            new ReleaseBudget(release.Budget, release.Spent),
            new ContributionBound(release.EventsPerParticipant, string.Create(CultureInfo.InvariantCulture,
                $"Each participant's events in the domain are counted up to {release.EventsPerParticipant} in all: its earliest by collection time; the rest are left out before noise is added. One participant therefore changes each event figure by at most {release.EventsPerParticipant} (its sensitivity), and the number enrolled by 1.")),
            new ReleaseDomain(domain.Types, Day(domain.FirstDay), Day(domain.LastDay)),
            release.Enrolled,
            domain.Types.ToDictionary(t => t, t => release.EventsByType.GetValueOrDefault(t), StringComparer.Ordinal),
            domain.Days.ToDictionary(Day, d => release.EventsByDay.GetValueOrDefault(d), StringComparer.Ordinal),
            new ReleaseNoise(FigureNoiseBody.From(release.EnrolledNoise), FigureNoiseBody.From(release.EventsByTypeNoise), FigureNoiseBody.From(release.EventsByDayNoise)));
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>The study's privacy budget (<c>Rally:Privacy:StudyBudget</c>) and the ε spent once this release was charged.</summary>
public sealed record ReleaseBudget(decimal StudyBudget, decimal Spent);

/// <summary>How far one participant can move the figures, and how that is enforced.</summary>
public sealed record ContributionBound(int EventsPerParticipant, string Method);

/// <summary>The cells counted, fixed before the data is read: the declared types × the UTC days from launch.</summary>
public sealed record ReleaseDomain(string[] Types, string FirstDay, string LastDay);

/// <summary>The noise of each figure; the three ε add up to the release's.</summary>
public sealed record ReleaseNoise(FigureNoiseBody Enrolled, FigureNoiseBody EventsByType, FigureNoiseBody EventsByDay);

/// <summary>Discrete Laplace noise on each count of a figure: its share of ε, sensitivity, scale (sensitivity/ε) and standard deviation.</summary>
public sealed record FigureNoiseBody(decimal Epsilon, long Sensitivity, double Scale, double StandardDeviation)
{
    public static FigureNoiseBody From(FigureNoise noise)
    {
        ArgumentNullException.ThrowIfNull(noise);
        return new(noise.Epsilon, noise.Sensitivity, noise.Scale, noise.StandardDeviation);
    }
}
