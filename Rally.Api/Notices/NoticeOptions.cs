using System.ComponentModel.DataAnnotations;

namespace Rally.Api.Notices;

/// <summary>How a front keeps itself known to the cluster as a receiver of notices, bound from <c>Rally:Notices</c>.</summary>
public sealed class NoticeOptions
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
}
