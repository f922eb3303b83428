using Rally.Grains.Deletions;

namespace Rally.Grains.Participants;

/// <summary>What leaving Rally did, study by study.</summary>
[GenerateSerializer, Immutable, Alias("rally.leave-rally-result")]
public sealed record LeaveRallyResult(
    [property: Id(0)] DateTimeOffset LeftAt,
    [property: Id(1)] DeletionReceipt[] Studies);
