using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Rally.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Rally.Tests.Page;

/// <summary>The participant page at <c>/</c>, in headless Chromium against a real Rally, driven from the keyboard.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ParticipantPageTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_visitor_reads_a_card_joins_enrolls_answers_the_survey_hears_the_news_leaves_a_study_and_leaves_Rally()
    {
        var api = browser.Api;
        var (open, openPartner) = await api.EnrollingStudyAsync(RallyApi.StudyCard(edit: card =>
        {
            card["name"] = "Search habits";
            card["whoHasAccess"] = "Only the search team at Test Lab";
            card["howDataIsUsed"] = "To write one paper about how people search";
        }));
        var (ending, endingPartner) = await api.EnrollingStudyAsync(RallyApi.StudyCard(privateBrowsing: true, edit: card => card["name"] = "News diet"));
        await using var session = await PageSession.OpenAsync(browser, nameof(A_visitor_reads_a_card_joins_enrolls_answers_the_survey_hears_the_news_leaves_a_study_and_leaves_Rally));
        var page = session.Page;

        // A visitor reads the full card on the first screen, before joining.
        var openCard = page.Locator($"[data-study-id=\"{open}\"]");
        await Expect(openCard.GetByRole(AriaRole.Heading, new() { Name = "Search habits" })).ToBeVisibleAsync();
        await Expect(openCard).ToContainTextAsync("Only the search team at Test Lab");
        await Expect(openCard).ToContainTextAsync("To write one paper about how people search");
        await Expect(openCard).ToContainTextAsync("Search engine queries");
        await Expect(openCard).ToContainTextAsync("collects nothing in private browsing windows");
        var endingCard = page.Locator($"[data-study-id=\"{ending}\"]");
        await Expect(endingCard.Locator(".warning")).ToContainTextAsync("This study collects data in private windows.");
        await Expect(openCard.GetByRole(AriaRole.Button)).ToHaveCountAsync(0); // nothing to consent to before joining
        await session.ScreenAsync("catalogue");

        // Joining: the eligibility questions and the platform consent, with the version shown.
        await session.PressAsync(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Join Rally" }));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rally's consent, version 1.0" })).ToBeVisibleAsync();
        await session.ScreenAsync("join");
        var join = page.GetByRole(AriaRole.Button, new() { Name = "I agree to version 1.0 and join" });
        await session.PressAsync(join);
        await Expect(page.Locator("#join-problem")).ToContainTextAsync("both must be true");
        await session.TickAsync(page.GetByLabel("I live in the United States"));
        await session.TickAsync(page.GetByLabel("I am 19 years old or older"));
        await session.PressAsync(join);

        // The survey comes next; every answer optional, the fixed answers only.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "About you" })).ToBeFocusedAsync();
        var participantId = Guid.Parse(await page.Locator("#who-id").InnerTextAsync());
        var token = await StoredTokenAsync(page);
        using var participant = api.WithToken(token);
        Assert.Equal("", await page.EvaluateAsync<string>("() => document.cookie"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length"));
        await page.GetByLabel("Your age").SelectOptionAsync("25-34");
        await session.TickAsync(page.GetByLabel("Asian Indian"));
        await session.TickAsync(page.GetByLabel("White"));
        await session.TickAsync(page.GetByRole(AriaRole.Group, new() { Name = "Are you of Hispanic, Latino or Spanish origin?" }).GetByLabel("No", new() { Exact = true }));
        await page.GetByLabel("Your ZIP code (5 digits)").FillAsync("02139");
        await session.ScreenAsync("survey");
        await session.PressAsync(page.GetByRole(AriaRole.Button, new() { Name = "Save my answers" }));
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your answers are saved.");
        var profile = await (await participant.GetAsync("/v1/me/profile")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal("25-34", (string?)profile["ageRange"]);
        Assert.Equal(["asian-indian", "white"], profile["races"]!.AsArray().Select(r => (string?)r));
        Assert.False((bool)profile["hispanicLatinxSpanishOrigin"]!);
        Assert.Equal("02139", (string?)profile["zipCode"]);
        Assert.Null(profile["gender"]);

        // Enrolling, with the version of the card shown; the private-browsing warning must be acknowledged.
        await session.PressAsync(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Studies" }));
        await session.PressAsync(openCard.GetByRole(AriaRole.Button, new() { Name = "I consent to version 1 and take part" }));
        await Expect(openCard.Locator(".enrolled")).ToContainTextAsync("You are taking part");
        await session.PressAsync(endingCard.GetByRole(AriaRole.Button, new() { Name = "I consent to version 1 and take part" }));
        await Expect(endingCard.GetByRole(AriaRole.Alert)).ToContainTextAsync("private windows");
        await session.TickAsync(endingCard.GetByLabel("I have read the private browsing warning above and accept it"));
        await session.PressAsync(endingCard.GetByRole(AriaRole.Button, new() { Name = "I consent to version 1 and take part" }));
        await Expect(endingCard.Locator(".enrolled")).ToContainTextAsync("You are taking part");
        await session.ScreenAsync("enrolled");
        var me = await (await participant.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(participantId, Guid.Parse((string)me["participantId"]!));
        Assert.Equal(2, me["enrollments"]!.AsArray().Count);

        // Sharing the survey answers is chosen study by study, and changed from the card.
        await session.PressAsync(openCard.GetByRole(AriaRole.Button, new() { Name = "Share my survey answers with Search habits" }));
        await Expect(openCard.Locator(".sharing")).ToContainTextAsync("are shared with this study");
        Assert.Contains("\"25-34\"", await openPartner.Researcher.GetStringAsync($"/v1/studies/{open}/demographics"));
        await session.PressAsync(openCard.GetByRole(AriaRole.Button, new() { Name = "Stop sharing my survey answers with Search habits" }));
        await Expect(openCard.Locator(".sharing")).ToContainTextAsync("are not shared with this study");
        Assert.Equal("", (await openPartner.Researcher.GetStringAsync($"/v1/studies/{open}/demographics")).Trim());

        // A new consent arrives live; the card asks again, and consenting to it enrolls again.
        var consent = await endingPartner.Researcher.PutAsJsonAsync($"/v1/studies/{ending}/consent", new { consentVersion = "2" });
        await consent.ShouldBeAsync(HttpStatusCode.OK);
        await Expect(endingCard.GetByRole(AriaRole.Group, new() { Name = "News diet changed what you consent to" })).ToBeVisibleAsync();
        await session.ScreenAsync("reconsent");
        await session.TickAsync(endingCard.GetByLabel("I have read the private browsing warning above and accept it"));
        await session.PressAsync(endingCard.GetByRole(AriaRole.Button, new() { Name = "I consent to version 2 and take part" }));
        await Expect(endingCard.Locator(".enrolled")).ToContainTextAsync("consent version 2");

        // Operators pause a study and resume it: its card says so as the notices arrive.
        await api.MoveAsync(open, "pause");
        await Expect(openCard.Locator(".state")).ToContainTextAsync("Paused");
        await api.MoveAsync(open, "resume");
        await Expect(openCard.Locator(".state")).ToContainTextAsync("Open");

        // The end of a study announced while the page is open: the notice arrives live.
        await session.PressAsync(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Notices" }));
        await api.MoveAsync(open, "announce-end", new { endsAt = DateTimeOffset.UtcNow.AddDays(3) });
        var endingNotice = page.Locator(".notice-study-ending");
        await Expect(endingNotice).ToContainTextAsync("Search habits");
        Assert.Contains(session.WebSockets, url => new Uri(url).AbsolutePath == "/hubs/notices");
        Assert.DoesNotContain(session.WebSockets, url => url.Contains(token, StringComparison.Ordinal));
        await session.ScreenAsync("notices");
        await session.PressAsync(endingNotice.GetByRole(AriaRole.Button));
        await Expect(endingNotice).ToHaveCountAsync(0);
        var inbox = (await (await participant.GetAsync("/v1/me")).ShouldBeAsync(HttpStatusCode.OK))["notices"]!.AsArray();
        Assert.DoesNotContain(inbox, n => (string?)n!["kind"] == "study-ending");

        // The other study ends while the page is open.
        await api.MoveAsync(ending, "end");
        await Expect(page.Locator(".notice-study-ended")).ToContainTextAsync("News diet");

        // Leaving the open study: its data is deleted, and the page follows the request until it is done.
        await session.PressAsync(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Studies" }));
        await session.PressAsync(openCard.GetByRole(AriaRole.Button, new() { Name = "Leave Search habits" }));
        await Expect(openCard.Locator(".confirm")).ToContainTextAsync("everything it collected from you is deleted");
        // Notices arriving meanwhile redraw the cards: the open confirmation and the focus on it survive them.
        await api.MoveAsync(open, "pause");
        await Expect(openCard.Locator(".state")).ToContainTextAsync("Paused");
        await api.MoveAsync(open, "resume");
        await Expect(openCard.Locator(".state")).ToContainTextAsync("Open");
        await Expect(openCard.Locator(".confirm")).ToBeVisibleAsync();
        await Expect(openCard.GetByRole(AriaRole.Button, new() { Name = "Yes, leave Search habits" })).ToBeFocusedAsync();
        await session.PressAsync(openCard.GetByRole(AriaRole.Button, new() { Name = "Yes, leave Search habits" }));
        await Expect(openCard.Locator(".data-deletion")).ToHaveTextAsync("deleted");
        await Expect(openCard.Locator(".deletion-status")).ToHaveTextAsync("completed");
        await session.ScreenAsync("study-left");

        // My data: the identity, the studies, the deletions; the export where the server offers it.
        await session.PressAsync(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "My data" }));
        await Expect(page.Locator("#data-participant")).ToHaveTextAsync(participantId.ToString());
        await Expect(page.Locator("#data-deletions")).ToContainTextAsync("Search habits: data deleted, request completed");
        await session.PressAsync(page.GetByRole(AriaRole.Button, new() { Name = "Download my data" }));
        await Expect(page.Locator("#data-export-result")).Not.ToBeEmptyAsync();
        await session.ScreenAsync("my-data");

        // Leaving Rally: what happens to the data of open and ended studies, confirmed, then done.
        await session.PressAsync(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Leave Rally" }));
        await Expect(page.Locator("#leave-studies")).ToContainTextAsync("News diet: ended, its data about you stays locked");
        await session.ScreenAsync("leave");
        await session.PressAsync(page.GetByRole(AriaRole.Button, new() { Name = "Leave Rally" }));
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Tick the box");
        await session.TickAsync(page.GetByLabel("I understand, and I want to leave Rally"));
        await session.PressAsync(page.GetByRole(AriaRole.Button, new() { Name = "Leave Rally" }));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You have left Rally" })).ToBeFocusedAsync();
        await Expect(page.Locator("#leave-outcome")).ToContainTextAsync("News diet: data locked");
        await session.ScreenAsync("left");
        Assert.Equal(HttpStatusCode.Unauthorized, (await participant.GetAsync("/v1/me")).StatusCode);
        Assert.Null(await StoredCredentialAsync(page));

        // Coming back: a visitor again, nothing of the participant kept by the browser.
        await page.ReloadAsync();
        await session.ReadyAsync();
        await Expect(page.Locator("#who")).ToHaveTextAsync("Not joined");
        Assert.Empty(session.Problems);
    }

    [Fact]
    public async Task The_credential_survives_closing_the_tab_and_the_page_is_served_with_a_strict_policy()
    {
        await using var session = await PageSession.OpenAsync(browser, nameof(The_credential_survives_closing_the_tab_and_the_page_is_served_with_a_strict_policy));
        var page = session.Page;
        var response = await page.ReloadAsync();
        var headers = await response!.AllHeadersAsync();
        Assert.Contains("default-src 'self'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", headers["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("no-cache", headers["cache-control"]);
        await session.ReadyAsync();

        await session.PressAsync(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Join Rally" }));
        await session.TickAsync(page.GetByLabel("I live in the United States"));
        await session.TickAsync(page.GetByLabel("I am 19 years old or older"));
        await session.PressAsync(page.GetByRole(AriaRole.Button, new() { Name = "I agree to version 1.0 and join" }));
        var participantId = await page.Locator("#who-id").InnerTextAsync();

        // The tab closes; a new one in the same browser profile is still the same participant.
        await page.CloseAsync();
        var again = await page.Context.NewPageAsync();
        await again.GotoAsync("/#data");
        await Expect(again.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
        await Expect(again.Locator("#data-participant")).ToHaveTextAsync(participantId);
        Assert.Empty(session.Problems);
    }

    [Fact]
    public async Task A_participant_who_goes_to_another_screen_while_joining_stays_there_and_can_enroll()
    {
        var (studyId, _) = await browser.Api.EnrollingStudyAsync();
        await using var session = await PageSession.OpenAsync(browser, nameof(A_participant_who_goes_to_another_screen_while_joining_stays_there_and_can_enroll));
        var page = session.Page;
        // The page's first read of the new participant is held back, as a loaded server answers it late: the join
        // is shown (its id) while the page still waits for it, and the participant goes on to the catalogue.
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(url => new Uri(url).AbsolutePath == "/v1/me", async route =>
        {
            await held.Task;
            await route.ContinueAsync();
        });
        await session.JoinAsync(untilJoined: false);
        await session.PressAsync(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Studies" }));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Studies you can join" })).ToBeFocusedAsync();
        held.SetResult();

        // The join completes where the participant now is: announced, not a move to the survey nor a stolen focus.
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Welcome to Rally.");
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-screen", "studies");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Studies you can join" })).ToBeFocusedAsync();
        await session.EnrollAsync(studyId);
        Assert.Empty(session.Problems);
    }

    /// <summary>The token as the page keeps it, read from its IndexedDB.</summary>
    internal static async Task<string> StoredTokenAsync(IPage page) =>
        (await StoredCredentialAsync(page))?.GetProperty("token").GetString() ?? throw new InvalidOperationException("No credential stored.");

    private static async Task<JsonElement?> StoredCredentialAsync(IPage page) =>
        await page.EvaluateAsync<JsonElement?>("""
            () => new Promise((resolve, reject) => {
              const open = indexedDB.open('rally-page');
              open.onsuccess = () => {
                const db = open.result;
                if (!db.objectStoreNames.contains('participant')) { db.close(); resolve(null); return; }
                const get = db.transaction('participant').objectStore('participant').get('credential');
                get.onsuccess = () => { db.close(); resolve(get.result ?? null); };
                get.onerror = () => reject(get.error);
              };
              open.onerror = () => reject(open.error);
            })
            """);
}
