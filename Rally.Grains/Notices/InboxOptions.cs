using System.ComponentModel.DataAnnotations;

namespace Rally.Grains.Notices;

/// <summary>How many notices a participant's inbox keeps, bound from <c>Rally:Inbox</c>.</summary>
public sealed class InboxOptions
{
    public const string Section = "Rally:Inbox";

    /// <summary>
    /// Unacknowledged notices kept per participant. A newer notice of the same kind and study replaces the older one
    /// anyway; past this cap the oldest are dropped, except <c>data-deleted</c> notices, which are never dropped.
    /// Default 100.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxNotices { get; set; } = 100;
}
