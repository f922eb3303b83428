using System.Net;
using Microsoft.Playwright;
using Rally.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Rally.Tests.Page;

/// <summary>A study's enroll (consent) form on the catalogue, while the page draws the cards again around it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class EnrollFormTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_boxes_a_participant_ticked_survive_the_redraw_a_live_notice_makes_and_are_what_it_consents_to()
    {
        var api = browser.Api;
        var (joined, _) = await api.EnrollingStudyAsync(RallyApi.StudyCard(edit: card => card["name"] = "Search habits"));
        var (ticked, _) = await api.EnrollingStudyAsync(RallyApi.StudyCard(privateBrowsing: true, edit: card => card["name"] = "News diet"));
        await using var session = await PageSession.OpenAsync(browser, nameof(The_boxes_a_participant_ticked_survive_the_redraw_a_live_notice_makes_and_are_what_it_consents_to));
        var page = session.Page;
        await session.JoinAsync();
        using var participant = api.WithToken(await ParticipantPageTests.StoredTokenAsync(page));
        // In one study, so that its moves reach this page as live notices.
        await session.EnrollAsync(joined);

        // The participant ticks both boxes of the other study's form, and is about to consent.
        var tickedCard = page.Locator($"[data-study-id=\"{ticked}\"]");
        var share = tickedCard.GetByLabel("Share my answers about myself with");
        var acknowledge = tickedCard.GetByLabel("I have read the private browsing warning above and accept it");
        await session.TickAsync(share);
        await session.TickAsync(acknowledge);

        // A notice arrives meanwhile: the page reads the catalogue and the participant again, and draws every card anew
        // (the paused state shown on the first card is that redraw, which draws the second card in the same pass).
        var joinedCard = page.Locator($"[data-study-id=\"{joined}\"]");
        await api.MoveAsync(joined, "pause");
        await Expect(joinedCard.Locator(".state")).ToContainTextAsync("Paused");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("New notice");
        await api.MoveAsync(joined, "resume");
        await Expect(joinedCard.Locator(".state")).ToContainTextAsync("Open");

        // What the participant ticked is still ticked, with the focus where it was; consenting sends exactly that.
        await Expect(share).ToBeCheckedAsync();
        await Expect(acknowledge).ToBeCheckedAsync();
        await Expect(acknowledge).ToBeFocusedAsync();
        await session.PressAsync(tickedCard.GetByRole(AriaRole.Button, new() { Name = "I consent to version 1 and take part" }));
        await Expect(tickedCard.Locator(".enrolled")).ToContainTextAsync("You are taking part");
        await Expect(tickedCard.Locator(".sharing")).ToContainTextAsync("are shared with this study");
        var me = await (await participant.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        var enrollment = me["enrollments"]!.AsArray().Single(e => (string?)e!["studyId"] == ticked)!;
        Assert.True((bool)enrollment["shareDemographics"]!);
        await session.ScreenAsync("enrolled-after-redraw");

        // Once used, the ticks are spent: leaving the study shows its form again, unticked.
        await session.PressAsync(tickedCard.GetByRole(AriaRole.Button, new() { Name = "Leave News diet" }));
        await session.PressAsync(tickedCard.GetByRole(AriaRole.Button, new() { Name = "Yes, leave News diet" }));
        await Expect(tickedCard.Locator(".deletion-status")).ToHaveTextAsync("completed");
        await Expect(share).Not.ToBeCheckedAsync();
        await Expect(acknowledge).Not.ToBeCheckedAsync();
        Assert.Empty(session.Problems);
    }
}
