using Rally.Grains.Ingestion;
using Rally.Grains.Privacy.Noise;

namespace Rally.Grains.Privacy;

/// <summary>
/// How a release adds noise: the discrete Laplace mechanism on each count (pure ε-differential privacy, δ = 0), with a
/// release's ε split across its three figures by basic composition. Adding or removing one participant changes the
/// number enrolled by 1 and, its events clipped to C, each histogram by at most C in L1 norm; noise of scale
/// sensitivity/ε on every cell of a histogram therefore makes each figure ε-differentially private for its share.
/// </summary>
public static class ReleaseMechanism
{
    public const string Name = "discrete-laplace";

    /// <summary>The shares of a release's ε spent on the number enrolled, the events by type and the events by day.</summary>
    public const decimal EnrolledShare = 0.2m;

    public const decimal EventsByTypeShare = 0.4m;

    public const decimal EventsByDayShare = 0.4m;

    public static StudyRelease Release(ReleaseBasis basis, StudyEventStats clipped, ReleaseCommand command, int number, DateTimeOffset now, DiscreteSampler sampler)
    {
        ArgumentNullException.ThrowIfNull(basis);
        ArgumentNullException.ThrowIfNull(clipped);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(sampler);
        var enrolledNoise = Noise(basis.Epsilon * EnrolledShare, 1);
        var typeNoise = Noise(basis.Epsilon * EventsByTypeShare, command.EventsPerParticipant);
        var dayNoise = Noise(basis.Epsilon * EventsByDayShare, command.EventsPerParticipant);
        var domain = basis.Domain;
        // Every cell of the domain, zeros included: which cells appear never depends on the data.
        return new StudyRelease(
            command.ReleaseId, number, now, Name, basis.Epsilon, Delta: 0m, basis.Budget, basis.Spent, command.EventsPerParticipant, domain,
            Noisy(basis.Enrolled, enrolledNoise, sampler),
            domain.Types.ToDictionary(t => t, t => Noisy(clipped.EventsByType.GetValueOrDefault(t), typeNoise, sampler), StringComparer.Ordinal),
            domain.Days.ToDictionary(d => d, d => Noisy(clipped.EventsByDay.GetValueOrDefault(d), dayNoise, sampler)),
            enrolledNoise, typeNoise, dayNoise);
    }

    /// <summary>The noise of a figure of sensitivity <paramref name="sensitivity"/> given <paramref name="epsilon"/>.</summary>
    public static FigureNoise Noise(decimal epsilon, long sensitivity)
    {
        var scale = (double)(sensitivity / epsilon);
        return new FigureNoise(epsilon, sensitivity, scale, StandardDeviation(scale));
    }

    /// <summary>√Var of the discrete Laplace of scale b: √(2e^(−1/b)) / (1 − e^(−1/b)), with expm1 for large b.</summary>
    public static double StandardDeviation(double scale) =>
        Math.Sqrt(2 * Math.Exp(-1 / scale)) / -double.ExpM1(-1 / scale);

    private static long Noisy(long count, FigureNoise noise, DiscreteSampler sampler) =>
        checked(count + (long)sampler.Laplace(Fraction.From(noise.Sensitivity) / Fraction.From(noise.Epsilon)));
}
