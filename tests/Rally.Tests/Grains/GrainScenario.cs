using Orleans.Storage;
using Rally.Grains.Deletions;
using Rally.Grains.Participants;
using Rally.Grains.Partners;
using Rally.Grains.Studies;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Rally.Grains.Storage;

namespace Rally.Tests.Grains;

/// <summary>Fresh participants, partners and studies straight on the grains, for one test.</summary>
internal static class GrainScenario
{
    public static async Task<IParticipantGrain> JoinAsync(IGrainFactory grains)
    {
        var participant = grains.GetGrain<IParticipantGrain>(Guid.NewGuid());
        await participant.JoinAsync(new JoinCommand("1.0", true, true, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        return participant;
    }

    public static StudyCard Card(Guid partnerId, string consentVersion = "1") => new(
        partnerId, "Lab", "A study", "About a study", [new DataType("page-visit", "Pages visited")], "The lab", "Research",
        CollectsInPrivateBrowsing: false, PrivateBrowsingWarning: null, consentVersion,
        new StudyKey("EC", "P-256", "x", "y", "kid"), new AddOnInfo("study@rally.test", new Uri("https://rally.test/a.xpi")));

    public static async Task<IStudyGrain> EnrollingStudyAsync(IGrainFactory grains)
    {
        var partnerId = Guid.NewGuid();
        await grains.GetGrain<IPartnerGrain>(partnerId).CreateAsync("Lab");
        var study = grains.GetGrain<IStudyGrain>($"grain-{Guid.NewGuid():N}");
        await study.DraftAsync(Card(partnerId));
        await study.LaunchAsync();
        return study;
    }

    /// <summary>Waits (polling, with a deadline) until the ledger shows the request in this status; deletions run after the answer.</summary>
    public static async Task<DeletionView> DeletionWhenAsync(IGrainFactory grains, string studyId, Guid deletionId, DeletionStatus status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var view = await grains.GetGrain<IDeletionLedgerGrain>(studyId).GetAsync(deletionId);
            if (view?.Status == status)
            {
                return view;
            }
            Assert.True(DateTime.UtcNow < deadline, $"deletion {deletionId} is {view?.Status}, not {status}");
            await Task.Delay(20);
        }
    }

    /// <summary>The participant's record exactly as the storage provider holds it, serialized as it would be written.</summary>
    public static async Task<(ParticipantState State, bool Exists, string Json)> ReadStoredAsync(InProcessTestCluster cluster, IParticipantGrain participant)
    {
        var services = cluster.Silos[0].ServiceProvider;
        var storage = services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Rally);
        var state = new GrainState<ParticipantState>(new ParticipantState());
        await storage.ReadStateAsync("participant", participant.GetGrainId(), state);
        var json = services.GetRequiredService<IGrainStorageSerializer>().Serialize(state.State).ToString();
        return (state.State!, state.RecordExists, json);
    }
}
