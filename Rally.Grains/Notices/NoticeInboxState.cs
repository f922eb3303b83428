namespace Rally.Grains.Notices;

/// <summary>The stored inbox (state name <c>notice-inbox</c>).</summary>
[GenerateSerializer, Alias("rally.notice-inbox-state")]
public sealed class NoticeInboxState
{
    [Id(0)] public List<Notice> Notices { get; set; } = [];
    [Id(1)] public bool Closed { get; set; }
}
