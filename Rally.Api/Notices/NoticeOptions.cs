using System.ComponentModel.DataAnnotations;

namespace Rally.Api.Notices;

/// <summary>How a front keeps itself known to the cluster as a receiver of notices, bound from <c>Rally:Notices</c>.</summary>
public sealed class NoticeOptions : IValidatableObject
{
    public const string Section = "Rally:Notices";

    /// <summary>How often the front registers again with the front registry. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the registry keeps a front that stopped refreshing (a front that died); its participants reconnect
    /// elsewhere and get their pending notices on connecting. Default 30 s; must exceed <see cref="RefreshInterval"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:02", "01:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the front keeps each delivery for participants who connect just after it (a notice is pushed while
    /// the inboxes are still being written). Must exceed the time the fan-out takes to write a study's inboxes. Default 2 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan RecentRetention { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a hub ticket (<c>POST /v1/me/notices/ticket</c>) may be used to open a connection. Default 1 minute, at most 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TimeToLive <= RefreshInterval)
        {
            yield return new ValidationResult($"expected a duration longer than {Section}:{nameof(RefreshInterval)}", [nameof(TimeToLive)]);
        }
    }
}
