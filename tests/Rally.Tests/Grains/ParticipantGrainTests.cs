using Rally.Grains.Deletions;
using Rally.Grains.Participants;
using Rally.Grains.Participants.Demographics;
using Rally.Grains.Refusals;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class ParticipantGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task A_refused_join_stores_nothing()
    {
        var participant = Grains.GetGrain<IParticipantGrain>(Guid.NewGuid());

        var refused = await Assert.ThrowsAsync<RefusedException>(() => participant.JoinAsync(new JoinCommand("1.0", false, true, new byte[32])));

        Assert.Equal(RefusalKind.NotEligible, refused.Kind);
        Assert.False((await GrainScenario.ReadStoredAsync(fixture.Cluster, participant)).Exists);
        Assert.Equal(RefusalKind.NotFound, (await Assert.ThrowsAsync<RefusedException>(() => participant.GetAsync())).Kind);
    }

    [Fact]
    public async Task Joining_twice_is_refused()
    {
        var participant = await GrainScenario.JoinAsync(Grains);

        var refused = await Assert.ThrowsAsync<RefusedException>(() => participant.JoinAsync(new JoinCommand("1.0", true, true, new byte[32])));

        Assert.Equal(RefusalKind.AlreadyExists, refused.Kind);
    }

    [Fact]
    public async Task The_same_join_sent_again_took_effect_once()
    {
        var hash = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var participant = Grains.GetGrain<IParticipantGrain>(Guid.NewGuid());
        await participant.JoinAsync(new JoinCommand("1.0", true, true, hash));

        // A front resends a call that a stopping silo may already have run: the same token hash, so the same join.
        await participant.JoinAsync(new JoinCommand("1.0", true, true, hash));

        Assert.True(await participant.AuthenticateAsync(hash));
    }

    [Fact]
    public async Task Only_the_issued_token_hash_authenticates()
    {
        var hash = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var participant = Grains.GetGrain<IParticipantGrain>(Guid.NewGuid());
        await participant.JoinAsync(new JoinCommand("1.0", true, true, hash));

        Assert.True(await participant.AuthenticateAsync(hash));
        Assert.False(await participant.AuthenticateAsync(new byte[32]));
        Assert.False(await Grains.GetGrain<IParticipantGrain>(Guid.NewGuid()).AuthenticateAsync(hash));
    }

    [Fact]
    public async Task The_same_leave_sent_again_is_answered_with_the_same_receipt_and_another_is_refused()
    {
        var study = await GrainScenario.EnrollingStudyAsync(Grains);
        var participant = await GrainScenario.JoinAsync(Grains);
        await participant.EnrollAsync(new EnrollCommand(study.GetPrimaryKeyString(), "1", false, false));
        var deletionId = Guid.NewGuid();

        var first = await participant.LeaveStudyAsync(study.GetPrimaryKeyString(), deletionId);
        // Resent by a front after a stopping silo ran it: the same request, the same answer.
        var again = await participant.LeaveStudyAsync(study.GetPrimaryKeyString(), deletionId);

        Assert.Equal(first, again);
        var refused = await Assert.ThrowsAsync<RefusedException>(() => participant.LeaveStudyAsync(study.GetPrimaryKeyString(), Guid.NewGuid()));
        Assert.Equal(RefusalKind.NotEnrolled, refused.Kind);
    }

    [Fact]
    public async Task Leaving_Rally_leaves_a_tombstone_with_no_personal_data()
    {
        var study = await GrainScenario.EnrollingStudyAsync(Grains);
        var participant = await GrainScenario.JoinAsync(Grains);
        await participant.SetProfileAsync(new DemographicProfile(AgeRange.From35To44, Gender.Female, true, [Race.Samoan], SchoolLevel.GraduateDegree, IncomeRange.From150000, "90210"));
        await participant.EnrollAsync(new EnrollCommand(study.GetPrimaryKeyString(), "1", true, false));

        var result = await participant.LeaveRallyAsync();

        var receipt = Assert.Single(result.Studies);
        Assert.Equal(DataDeletion.Deleted, receipt.DataDeletion);
        var (state, exists, json) = await GrainScenario.ReadStoredAsync(fixture.Cluster, participant);
        Assert.True(exists);
        Assert.Equal(ParticipantStatus.Left, state.Status);
        Assert.Null(state.TokenHash);
        Assert.Null(state.Profile);
        Assert.Null(state.JoinedAt);
        Assert.Null(state.PlatformConsentVersion);
        Assert.Empty(state.Enrollments);
        Assert.Empty(state.Deletions);
        Assert.DoesNotContain("90210", json, StringComparison.Ordinal);
        Assert.DoesNotContain(study.GetPrimaryKeyString(), json, StringComparison.Ordinal);
        Assert.Equal(RefusalKind.ParticipantLeft, (await Assert.ThrowsAsync<RefusedException>(() => participant.GetAsync())).Kind);

        await GrainScenario.DeletionWhenAsync(Grains, study.GetPrimaryKeyString(), receipt.DeletionId, DeletionStatus.Completed);
        Assert.Equal(0, (await study.GetAsync())!.Enrolled);
    }

    [Fact]
    public async Task State_is_stored_as_plain_json_with_stable_names()
    {
        var participant = await GrainScenario.JoinAsync(Grains);
        await participant.SetProfileAsync(new DemographicProfile(AgeRange.From65, null, null, [Race.OtherPacificIslander], null, null, null));

        var (_, _, json) = await GrainScenario.ReadStoredAsync(fixture.Cluster, participant);

        var stored = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        Assert.Equal("active", (string?)stored["status"]);
        Assert.Equal("65+", (string?)stored["profile"]!["ageRange"]);
        Assert.Equal("other-pacific-islander", (string?)stored["profile"]!["races"]![0]);
        Assert.DoesNotContain("$type", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Rally.Grains", json, StringComparison.Ordinal);
    }
}
