namespace Rally.Grains.Studies;

/// <summary>
/// The clock studies read and schedule their end by: a keyed <see cref="TimeProvider"/> that defaults to the silo's
/// own, so tests can drive study schedules with a fake clock without touching the clocks Orleans itself runs on.
/// </summary>
public static class StudyClock
{
    public const string Key = "rally.study-clock";
}
