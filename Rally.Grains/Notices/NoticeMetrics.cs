using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Rally.Grains.Notices;

/// <summary>Meter <c>Rally.Notices</c>: notices stored in participants' inboxes by kind, and pushes to API fronts.</summary>
public sealed class NoticeMetrics
{
    public const string MeterName = "Rally.Notices";

    private readonly Counter<long> _sent;
    private readonly Counter<long> _pushes;

    public NoticeMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _sent = meter.CreateCounter<long>("rally.notices.sent", "{notice}", "Notices sent to participants (stored in their inboxes), by kind");
        _pushes = meter.CreateCounter<long>("rally.notices.pushes", "{message}", "Messages pushed to API fronts for their connected participants");
    }

    public void Sent(NoticeKind kind, int participants) =>
        _sent.Add(participants, new KeyValuePair<string, object?>("kind", KindNames[kind]));

    /// <summary>Each kind as participants see it (<c>study-ended</c>, …), so dashboards and the API speak alike.</summary>
    private static readonly Dictionary<NoticeKind, string> KindNames = Enum.GetValues<NoticeKind>().ToDictionary(
        kind => kind,
        kind => typeof(NoticeKind).GetField(kind.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()!.Name);

    public void Pushed(int messages) => _pushes.Add(messages);
}
