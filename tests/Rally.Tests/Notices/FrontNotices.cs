using Rally.Grains.Notices;

namespace Rally.Tests.Notices;

/// <summary>What the front's own tests hand it: a notice, and a connection's abort that does nothing.</summary>
internal static class FrontNotices
{
    public static Notice NewNotice() =>
        new(Guid.NewGuid(), NoticeKind.StudyEnded, "study", "Study 'study' has ended.", null, DateTimeOffset.UtcNow);

    public static void Nothing()
    {
    }
}
