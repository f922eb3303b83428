using System.Text.Json.Serialization;

namespace Rally.Grains.Ingestion;

/// <summary>
/// The fixed, public set of cells a release counts events in: the study's declared types × the UTC days from
/// <see cref="FirstDay"/> to <see cref="LastDay"/>. It is known before the data is read (nothing in it depends on what
/// participants sent), so every cell is released, empty or not.
/// </summary>
[GenerateSerializer, Immutable, Alias("rally.event-domain")]
public sealed record EventDomain(
    [property: Id(0)] string[] Types,
    [property: Id(1)] DateOnly FirstDay,
    [property: Id(2)] DateOnly LastDay)
{
    [JsonIgnore]
    public DateTimeOffset Start => new(FirstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The first instant after the domain.</summary>
    [JsonIgnore]
    public DateTimeOffset End => new(LastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    [JsonIgnore]
    public IEnumerable<DateOnly> Days
    {
        get
        {
            for (var day = FirstDay; day <= LastDay; day = day.AddDays(1))
            {
                yield return day;
            }
        }
    }
}
