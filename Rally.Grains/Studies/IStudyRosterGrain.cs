namespace Rally.Grains.Studies;

/// <summary>
/// One bucket of a study's roster: the participants enrolled whose id falls in it (<see cref="BucketOf"/>), and the
/// consent version each gave. A study's roster is spread over <see cref="Buckets"/> of them so that an enrollment
/// rewrites a bucket's few dozen entries rather than the whole roster (10,000 participants made 420 KB a write, and
/// enrolling them all quadratic). Only the study calls its buckets.
/// </summary>
[Alias("rally.study-roster-grain")]
public interface IStudyRosterGrain : IGrainWithStringKey
{
    public const int Buckets = 256;

    /// <summary>The bucket's grain key: the study id and the bucket in two hex digits.</summary>
    public static string KeyOf(string studyId, int bucket) => $"{studyId}/{bucket:x2}";

    /// <summary>The bucket of a participant: the last byte of its (random) id.</summary>
    public static int BucketOf(Guid participantId)
    {
        Span<byte> bytes = stackalloc byte[16];
        participantId.TryWriteBytes(bytes);
        return bytes[15];
    }

    /// <summary>Records the participant's consent version (idempotent); returns how many the bucket holds.</summary>
    [Alias("enroll")]
    Task<int> EnrollAsync(Guid participantId, string consentVersion);

    /// <summary>Removes the participant (idempotent); returns how many the bucket holds.</summary>
    [Alias("remove")]
    Task<int> RemoveAsync(Guid participantId);

    /// <summary>Records many at once (a roster moved from an older study record); returns how many the bucket holds.</summary>
    [Alias("enroll-all")]
    Task<int> EnrollAllAsync(Dictionary<Guid, string> enrolled);

    /// <summary>The consent version the participant gave, or null when it is not enrolled.</summary>
    [Alias("version-of")]
    Task<string?> VersionOfAsync(Guid participantId);

    [Alias("list")]
    Task<Guid[]> ListAsync();
}
