using Rally.Grains.Studies;

namespace Rally.Grains.Participants;

/// <summary>One participant, i.e. one browser install, keyed by its participant id.</summary>
[Alias("rally.participant-grain")]
public interface IParticipantGrain : IGrainWithGuidKey
{
    /// <summary>Joins the platform; refused unless eligible and consenting to the current platform consent.</summary>
    [Alias("join")]
    Task JoinAsync(JoinCommand command);

    /// <summary>True when the token hash is this active participant's.</summary>
    [Alias("authenticate")]
    ValueTask<bool> AuthenticateAsync(byte[] tokenHash);

    [Alias("get")]
    Task<ParticipantView> GetAsync();

    [Alias("get-profile")]
    ValueTask<DemographicProfile?> GetProfileAsync();

    [Alias("set-profile")]
    Task SetProfileAsync(DemographicProfile profile);

    /// <summary>Deletes the profile; false when there was none.</summary>
    [Alias("delete-profile")]
    Task<bool> DeleteProfileAsync();

    [Alias("enroll")]
    Task<EnrollResult> EnrollAsync(EnrollCommand command);

    [Alias("leave-study")]
    Task<DeletionReceipt> LeaveStudyAsync(string studyId);

    [Alias("leave-rally")]
    Task<LeaveRallyResult> LeaveRallyAsync();

    [Alias("get-deletion")]
    Task<DeletionView> GetDeletionAsync(Guid deletionId);
}
