using Rally.Grains.Partners;
using Rally.Grains.Refusals;
using Rally.Grains.Studies;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class PartnerGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task A_partner_holds_at_most_the_configured_number_of_drafts_and_a_launched_study_frees_its_place()
    {
        var (partnerId, partner) = await NewPartnerAsync();
        var max = new PartnerOptions().MaxDrafts;
        var drafts = new List<string>();
        for (var i = 0; i < max; i++)
        {
            drafts.Add((await partner.DraftStudyAsync(NewStudyId(), GrainScenario.Card(partnerId))).StudyId);
        }

        var oneMore = NewStudyId();
        var refused = await Assert.ThrowsAsync<RefusedException>(() => partner.DraftStudyAsync(oneMore, GrainScenario.Card(partnerId)));

        Assert.Equal(RefusalKind.LimitReached, refused.Kind);
        Assert.Null(await Grains.GetGrain<IStudyGrain>(oneMore).GetAsync());

        await Grains.GetGrain<IStudyGrain>(drafts[0]).LaunchAsync();

        Assert.Equal(StudyLifecycle.Draft, (await partner.DraftStudyAsync(oneMore, GrainScenario.Card(partnerId))).State);
        await Assert.ThrowsAsync<RefusedException>(() => partner.DraftStudyAsync(NewStudyId(), GrainScenario.Card(partnerId)));
    }

    [Fact]
    public async Task A_draft_that_failed_after_its_place_was_taken_does_not_hold_it()
    {
        var (partnerId, partner) = await NewPartnerAsync();
        var max = new PartnerOptions().MaxDrafts;
        for (var i = 0; i < max - 1; i++)
        {
            await partner.DraftStudyAsync(NewStudyId(), GrainScenario.Card(partnerId));
        }
        // Drafting under an id already taken fails in the study grain, after the partner stored the id.
        var taken = (await GrainScenario.EnrollingStudyAsync(Grains)).GetPrimaryKeyString();
        for (var i = 0; i < 3; i++)
        {
            var failed = await Assert.ThrowsAsync<RefusedException>(() => partner.DraftStudyAsync(taken, GrainScenario.Card(partnerId)));
            Assert.Equal(RefusalKind.AlreadyExists, failed.Kind);
        }

        await partner.DraftStudyAsync(NewStudyId(), GrainScenario.Card(partnerId));

        var refused = await Assert.ThrowsAsync<RefusedException>(() => partner.DraftStudyAsync(NewStudyId(), GrainScenario.Card(partnerId)));
        Assert.Equal(RefusalKind.LimitReached, refused.Kind);
    }

    [Fact]
    public async Task A_partner_holds_at_most_the_configured_number_of_researcher_keys_not_revoked()
    {
        var (_, partner) = await NewPartnerAsync();
        var max = new PartnerOptions().MaxResearchers;
        var first = Guid.NewGuid();
        await partner.AddResearcherAsync(first, "R", new byte[32]);
        for (var i = 1; i < max; i++)
        {
            await partner.AddResearcherAsync(Guid.NewGuid(), "R", new byte[32]);
        }

        var oneMore = Guid.NewGuid();
        var refused = await Assert.ThrowsAsync<RefusedException>(() => partner.AddResearcherAsync(oneMore, "R", new byte[32]));

        Assert.Equal(RefusalKind.LimitReached, refused.Kind);
        Assert.Null(await Grains.GetGrain<IResearcherGrain>(oneMore).GetAsync());
        Assert.Equal(max, (await partner.GetAsync())!.Researchers.Length);

        await partner.RevokeResearcherAsync(first);

        await partner.AddResearcherAsync(oneMore, "R", new byte[32]);
        Assert.Equal(max + 1, (await partner.GetAsync())!.Researchers.Length);
    }

    private async Task<(Guid PartnerId, IPartnerGrain Partner)> NewPartnerAsync()
    {
        var partnerId = Guid.NewGuid();
        var partner = Grains.GetGrain<IPartnerGrain>(partnerId);
        await partner.CreateAsync("Lab");
        return (partnerId, partner);
    }

    private static string NewStudyId() => $"grain-{Guid.NewGuid():N}";
}
