namespace Rally.Grains.Notices;

/// <summary>The stored inbox (state name <c>notice-inbox</c>).</summary>
[GenerateSerializer, Alias("rally.notice-inbox-state")]
public sealed class NoticeInboxState
{
    [Id(0)] public List<Notice> Notices { get; set; } = [];
    [Id(1)] public bool Closed { get; set; }

    /// <summary>
    /// Notices acknowledged before they reached the inbox (the push goes out before the inbox write), newest last, at
    /// most <see cref="NoticeInboxGrain.EarlyAcks"/>: they never enter it (older records read as none).
    /// </summary>
    [Id(2)] public List<Guid> AckedEarly { get; set; } = [];
}
