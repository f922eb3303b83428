namespace Rally.Grains.Privacy;

/// <summary>
/// The noise added to each count of one figure: discrete Laplace of scale <see cref="Scale"/> = sensitivity / ε,
/// whose standard deviation is √(2e^(−1/scale)) / (1 − e^(−1/scale)).
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.figure-noise")]
public sealed record FigureNoise(
    [property: Id(0)] decimal Epsilon,
    [property: Id(1)] long Sensitivity,
    [property: Id(2)] double Scale,
    [property: Id(3)] double StandardDeviation);
