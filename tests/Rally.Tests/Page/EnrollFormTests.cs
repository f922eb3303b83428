using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rally.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Rally.Tests.Page;

/// <summary>A study's enroll (consent) form on the catalogue, while the page draws the cards again around it.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class EnrollFormTests(BrowserFixture browser)
{
    /// <summary>A study id as Rally makes them (<c>StudyIds</c>): never shown to a participant, who knows the study by its name.</summary>
    [GeneratedRegex(@"\bs-[a-z2-7]{24}-[a-z2-7]{16}\b")]
    private static partial Regex StudyId();

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
        // Every control of a card keeps the focus through a redraw, the add-on's link too (the page finds it again by its id).
        var addOn = tickedCard.GetByRole(AriaRole.Link, new() { Name = "Install the add-on of News diet" });
        await addOn.FocusAsync();
        await api.MoveAsync(joined, "pause");
        await Expect(joinedCard.Locator(".state")).ToContainTextAsync("Paused");
        await Expect(addOn).ToBeFocusedAsync();
        await api.MoveAsync(joined, "resume");
        await Expect(joinedCard.Locator(".state")).ToContainTextAsync("Open");
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

    [Fact]
    public async Task A_consent_Rally_refuses_while_the_cards_are_drawn_again_is_shown_on_the_study_card_until_the_participant_acts_again()
    {
        var api = browser.Api;
        var (joined, joinedPartner) = await api.EnrollingStudyAsync(RallyApi.StudyCard(edit: card => card["name"] = "Search habits"));
        var (target, _) = await api.EnrollingStudyAsync(RallyApi.StudyCard(edit: card => card["name"] = "News diet"));
        await using var session = await PageSession.OpenAsync(browser, nameof(A_consent_Rally_refuses_while_the_cards_are_drawn_again_is_shown_on_the_study_card_until_the_participant_acts_again));
        var page = session.Page;
        await session.JoinAsync();
        using var participant = api.WithToken(await ParticipantPageTests.StoredTokenAsync(page));
        // In one study, so that its moves reach this page as live notices.
        await session.EnrollAsync(joined);
        var joinedCard = page.Locator($"[data-study-id=\"{joined}\"]");
        var targetCard = page.Locator($"[data-study-id=\"{target}\"]");

        // The participant consents to the other study; the request is held in flight, as a loaded server answers late.
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(url => new Uri(url).AbsolutePath == "/v1/me/enrollments", async route =>
        {
            arrived.TrySetResult();
            await release.Task;
            await route.ContinueAsync();
        });
        await session.PressAsync(targetCard.GetByRole(AriaRole.Button, new() { Name = "I consent to version 1 and take part" }));
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Meanwhile the operators pause that study (no notice of it reaches a participant not in it), and the joined study
        // asks for a new consent: a live notice, so the page reads the catalogue and the participant again and draws every
        // card anew (the joined card asking again is the last of those redraws; the paused card shows no form to consent).
        await api.MoveAsync(target, "pause");
        (await joinedPartner.Researcher.PutAsJsonAsync($"/v1/studies/{joined}/consent", new { consentVersion = "2" })).EnsureSuccessStatusCode();
        await Expect(joinedCard.GetByRole(AriaRole.Group, new() { Name = "Search habits changed what you consent to" })).ToBeVisibleAsync();
        await Expect(targetCard.Locator(".state")).ToContainTextAsync("Paused");

        // Rally answers: refused, the study is paused. The participant is told why, on the study's card, in its words (the
        // study by the name it knows, never by its id), and is not in it.
        release.SetResult();
        var refusal = targetCard.GetByRole(AriaRole.Alert);
        await Expect(refusal).ToContainTextAsync("Your consent was not taken: News diet is paused by Rally's operators");
        await Expect(refusal).Not.ToContainTextAsync(target);
        await Expect(refusal).Not.ToContainTextAsync(StudyId());
        await Expect(refusal).ToBeFocusedAsync(); // the button it pressed is gone with the form: the focus goes to the answer
        await Expect(targetCard.Locator(".enrolled")).ToHaveCountAsync(0);
        var me = await (await participant.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(me["enrollments"]!.AsArray(), e => (string?)e!["studyId"] == target);
        await session.ScreenAsync("consent-refused");

        // The study resumes, and a notice draws the cards again: the form is back, and the refusal stays on the card until
        // the participant acts again, shown but not announced a second time (no longer an alert).
        await api.MoveAsync(target, "resume");
        await api.MoveAsync(joined, "pause");
        await Expect(joinedCard.Locator(".state")).ToContainTextAsync("Paused");
        await Expect(targetCard.Locator(".state")).ToContainTextAsync("Open");
        var shown = targetCard.Locator(".problem");
        await Expect(shown).ToContainTextAsync("News diet is paused by Rally's operators");
        await Expect(shown).Not.ToContainTextAsync(StudyId());
        await Expect(shown).ToBeVisibleAsync();
        await Expect(refusal).ToHaveCountAsync(0);

        // Consenting again: the refusal goes at once, and this time the participant is in.
        await session.PressAsync(targetCard.GetByRole(AriaRole.Button, new() { Name = "I consent to version 1 and take part" }));
        await Expect(targetCard.Locator(".enrolled")).ToContainTextAsync("You are taking part");
        await Expect(targetCard.Locator(".problem")).ToHaveCountAsync(0);
        Assert.Empty(session.Problems);
    }

    [Fact]
    public async Task A_consent_to_a_version_the_partner_replaced_meanwhile_is_refused_in_words_that_say_to_read_the_new_one()
    {
        var api = browser.Api;
        var (target, partner) = await api.EnrollingStudyAsync(RallyApi.StudyCard(edit: card => card["name"] = "News diet"));
        await using var session = await PageSession.OpenAsync(browser, nameof(A_consent_to_a_version_the_partner_replaced_meanwhile_is_refused_in_words_that_say_to_read_the_new_one));
        var page = session.Page;
        await session.JoinAsync();
        using var participant = api.WithToken(await ParticipantPageTests.StoredTokenAsync(page));
        var targetCard = await session.StudyCardAsync(target);
        var consentToFirst = targetCard.GetByRole(AriaRole.Button, new() { Name = "I consent to version 1 and take part" });
        await Expect(consentToFirst).ToBeVisibleAsync();

        // While the participant reads version 1, the partner publishes version 2 (no notice reaches a participant not in
        // the study): the page still shows version 1, and consents to it.
        (await partner.Researcher.PutAsJsonAsync($"/v1/studies/{target}/consent", new { consentVersion = "2" })).EnsureSuccessStatusCode();
        await session.PressAsync(consentToFirst);

        // Refused: the card is read again and shows version 2, and the refusal says so by the study's name, never its id.
        var refusal = targetCard.GetByRole(AriaRole.Alert);
        await Expect(refusal).ToContainTextAsync("Your consent was not taken: News diet changed what you consent to");
        await Expect(refusal).ToContainTextAsync("Read its card again");
        await Expect(refusal).Not.ToContainTextAsync(StudyId());
        await Expect(targetCard.Locator(".consent-version")).ToHaveTextAsync("Consent version 2");
        await Expect(targetCard.Locator(".enrolled")).ToHaveCountAsync(0);
        await session.ScreenAsync("consent-version-replaced");

        // Consenting to the version now shown takes: the participant is in, with version 2, and the refusal is gone.
        await session.PressAsync(targetCard.GetByRole(AriaRole.Button, new() { Name = "I consent to version 2 and take part" }));
        await Expect(targetCard.Locator(".enrolled")).ToContainTextAsync("You are taking part (consent version 2)");
        await Expect(targetCard.Locator(".problem")).ToHaveCountAsync(0);
        var me = await (await participant.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        var enrollment = me["enrollments"]!.AsArray().Single(e => (string?)e!["studyId"] == target)!;
        Assert.Equal("2", (string?)enrollment["consentVersion"]);
        Assert.Empty(session.Problems);
    }

    [Fact]
    public async Task A_consent_Rally_took_is_shown_taken_even_when_reading_the_participant_back_fails_once()
    {
        var api = browser.Api;
        var (target, _) = await api.EnrollingStudyAsync(RallyApi.StudyCard(edit: card => card["name"] = "News diet"));
        await using var session = await PageSession.OpenAsync(browser, nameof(A_consent_Rally_took_is_shown_taken_even_when_reading_the_participant_back_fails_once));
        var page = session.Page;
        await session.JoinAsync();
        using var participant = api.WithToken(await ParticipantPageTests.StoredTokenAsync(page));
        var targetCard = await session.StudyCardAsync(target);

        // Rally takes the consent; the page's next read of the participant meets a front restarting (503, once).
        var consented = false;
        var failed = 0;
        await page.RouteAsync(url => new Uri(url).AbsolutePath is "/v1/me" or "/v1/me/enrollments", async route =>
        {
            if (route.Request.Url.EndsWith("/enrollments", StringComparison.Ordinal))
            {
                Volatile.Write(ref consented, true);
                await route.ContinueAsync();
            }
            else if (Volatile.Read(ref consented) && Interlocked.Increment(ref failed) == 1)
            {
                await route.FulfillAsync(new()
                {
                    Status = 503,
                    ContentType = "application/problem+json",
                    Body = """{"type":"urn:rally:problem:unavailable","title":"Temporarily unavailable; retry shortly.","status":503}""",
                });
            }
            else
            {
                await route.ContinueAsync();
            }
        });
        await session.PressAsync(targetCard.GetByRole(AriaRole.Button, new() { Name = "I consent to version 1 and take part" }));

        // Not told that the consent was refused: the page reads the participant again and shows it in. Once read, the
        // status says what was done, not that Rally could not be reached (which it said while retrying).
        await Expect(targetCard.Locator(".enrolled")).ToContainTextAsync("You are taking part");
        await Expect(targetCard.Locator(".problem")).ToHaveCountAsync(0);
        Assert.True(Volatile.Read(ref failed) >= 1, "the page read the participant back through the failing front");
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("You are taking part in News diet.");
        await Expect(targetCard.Locator(".enrolled")).ToBeFocusedAsync();
        var me = await (await participant.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Contains(me["enrollments"]!.AsArray(), e => (string?)e!["studyId"] == target);
        Assert.Empty(session.Problems);
    }
}
