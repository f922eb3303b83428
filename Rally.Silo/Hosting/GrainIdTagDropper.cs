using System.Diagnostics;
using OpenTelemetry;

namespace Rally.Silo.Hosting;

/// <summary>
/// Removes from every span, before it is exported, the tags in which Orleans names a grain. Participant and inbox
/// grains are keyed by the participant's id, so those tags would put the id into every trace a collector keeps.
/// The tags are dropped, not hashed: a hash would still link one participant's spans.
/// </summary>
/// <remarks>
/// The tags are those Orleans 10 sets (<c>Orleans.Diagnostics.ActivityTagKeys</c>): the grain calls' target and
/// source ids, the activation, storage and directory spans' grain ids and grain addresses, and the durable jobs'
/// target. Orleans' exception messages name grains too (e.g. a response timeout names the message's target), so on
/// Orleans' own spans the exception's message and stack trace go as well; its type stays.
/// </remarks>
internal sealed class GrainIdTagDropper : BaseProcessor<Activity>
{
    private const string OrleansSources = "Microsoft.Orleans.";

    private static readonly HashSet<string> GrainTags = new(StringComparer.Ordinal)
    {
        "orleans.rpc.target_id",
        "orleans.rpc.source_id",
        "orleans.grain.id",
        "orleans.directory.registered.address",
        "orleans.rehydrate.previousRegistration",
        "orleans.durable_job.target_grain_id",
    };

    private static readonly HashSet<string> ExceptionTags = new(StringComparer.Ordinal)
    {
        "exception.message",
        "exception.stacktrace",
    };

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var orleans = data.Source.Name.StartsWith(OrleansSources, StringComparison.Ordinal);
        List<string>? drop = null;
        foreach (var (key, _) in data.TagObjects)
        {
            if (GrainTags.Contains(key) || (orleans && ExceptionTags.Contains(key)))
            {
                (drop ??= []).Add(key);
            }
        }
        // Collected first: the tags cannot change while they are enumerated. A null value removes a tag.
        foreach (var key in drop ?? [])
        {
            data.SetTag(key, null);
        }
    }
}
