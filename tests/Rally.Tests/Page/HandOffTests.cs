using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Rally.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Rally.Tests.Page;

/// <summary>
/// One participant per browser: a study add-on's content script asks the page for the credential, the participant
/// confirms on the page which add-on may act for it, and the add-on then sends as the participant the page shows.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HandOffTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_add_on_the_participant_allows_sends_as_the_participant_the_page_shows_until_the_page_leaves_the_study()
    {
        var addOnId = $"news-{Guid.NewGuid():N}@rally.test";
        var (studyId, partner) = await browser.Api.EnrollingStudyAsync(RallyApi.StudyCard(edit: card =>
        {
            card["name"] = "Reading the news";
            card["addOn"]!["id"] = addOnId;
        }));
        await using var session = await PageSession.OpenAsync(browser, nameof(An_add_on_the_participant_allows_sends_as_the_participant_the_page_shows_until_the_page_leaves_the_study));
        var page = session.Page;
        var participantId = await session.JoinAsync();
        await session.EnrollAsync(studyId);

        // The add-on asks; the page asks the participant, naming the add-on and its study.
        var addOn = await AddOnContentScript.InjectAsync(page);
        await addOn.RunAsync($$"""
            globalThis.asked = kit.Rally.fromRallyPage({ baseUrl: location.origin, addOnId: '{{addOnId}}' })
              .then(c => ({ participantId: c.participantId, token: c.token }), e => ({ refused: e.code }));
            """);
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Let a study add-on act for you?" });
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync(addOnId);
        await Expect(dialog).ToContainTextAsync("Reading the news (by Test Lab)");
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Refuse" })).ToBeFocusedAsync();
        await session.ScreenAsync("hand-off");
        await session.PressAsync(dialog.GetByRole(AriaRole.Button, new() { Name = "Allow this add-on" }));
        await Expect(dialog).ToBeHiddenAsync();

        var credential = await addOn.RunAsync("return await asked;");
        Assert.Equal(participantId, Guid.Parse(credential.GetProperty("participantId").GetString()!));
        Assert.Equal(await ParticipantPageTests.StoredTokenAsync(page), credential.GetProperty("token").GetString());

        // The add-on sends with the kit, as that participant: enrolled by the page, so the study takes its events.
        var state = await addOn.RunAsync($$"""
            const { token } = await asked;
            globalThis.rally = new kit.Rally({ baseUrl: location.origin, token, studyId: '{{studyId}}', uploadDelayMs: 0 });
            return await rally.start();
            """);
        Assert.Equal("running", state.GetString());
        var left = await addOn.RunAsync("""
            for (let i = 0; i < 3; i++) await rally.send('page-visit', { url: 'https://news.example/' + i, seconds: 30 + i });
            return await rally.flush();
            """);
        Assert.Equal(0, left.GetInt32());
        // Accepted (202) means queued durably; the study's sink stores it a moment later.
        await Eventually.HoldsAsync(async () => (await ExportAsync(partner.Researcher, studyId)).Length == 3, "the add-on's 3 events in the export", []);
        var exported = await ExportAsync(partner.Researcher, studyId);
        Assert.Single(exported.Select(e => e.GetProperty("participant").GetString()).Distinct());
        var stats = await (await partner.Researcher.GetAsync($"/v1/studies/{studyId}/stats")).ShouldBeAsync(HttpStatusCode.OK);
        Assert.Equal(1, (int)stats["enrolled"]!); // the page's participant, and no other: the add-on did not join on its own

        // Leaving on the page stops the add-on: what it sends is no longer taken, and what it sent is deleted.
        var card = await session.StudyCardAsync(studyId);
        await session.PressAsync(card.GetByRole(AriaRole.Button, new() { Name = "Leave Reading the news" }));
        await session.PressAsync(card.GetByRole(AriaRole.Button, new() { Name = "Yes, leave Reading the news" }));
        await Expect(card.Locator(".deletion-status")).ToHaveTextAsync("completed");
        var after = await addOn.RunAsync("""
            const queued = await rally.send('page-visit', { url: 'https://news.example/after' }) ? await rally.flush() : 0;
            return { queued, state: await rally.refresh() };
            """);
        Assert.Equal("not-enrolled", after.GetProperty("state").GetString());
        Assert.Equal(0, after.GetProperty("queued").GetInt32());
        Assert.Empty(await ExportAsync(partner.Researcher, studyId));
        Assert.False(await addOn.RunAsync("return await rally.send('page-visit', { url: 'https://news.example/later' });") is { ValueKind: JsonValueKind.True });
        Assert.Empty(await ExportAsync(partner.Researcher, studyId));
        Assert.Empty(session.Problems);
    }

    [Fact]
    public async Task The_page_refuses_an_add_on_the_participant_refuses_and_those_of_studies_it_is_not_in()
    {
        var addOnId = $"search-{Guid.NewGuid():N}@rally.test";
        var otherAddOnId = $"other-{Guid.NewGuid():N}@rally.test";
        var (studyId, _) = await browser.Api.EnrollingStudyAsync(RallyApi.StudyCard(edit: card => card["addOn"]!["id"] = addOnId));
        await browser.Api.EnrollingStudyAsync(RallyApi.StudyCard(edit: card => card["addOn"]!["id"] = otherAddOnId));
        await using var session = await PageSession.OpenAsync(browser, nameof(The_page_refuses_an_add_on_the_participant_refuses_and_those_of_studies_it_is_not_in));
        var page = session.Page;
        await session.JoinAsync();
        await session.EnrollAsync(studyId);
        var addOn = await AddOnContentScript.InjectAsync(page);

        // The add-on of a study the participant is not in, or of no study at all, is refused without asking.
        foreach (var id in new[] { otherAddOnId, "unknown@rally.test" })
        {
            var refused = await addOn.RunAsync($$"""
                return await kit.Rally.fromRallyPage({ baseUrl: location.origin, addOnId: '{{id}}' }).then(() => 'answered', e => e.code);
                """);
            Assert.Equal("credential-refused", refused.GetString());
        }

        // The participant says no (Escape closes the dialog as a refusal).
        await addOn.RunAsync($$"""
            globalThis.asked = kit.Rally.fromRallyPage({ baseUrl: location.origin, addOnId: '{{addOnId}}' })
              .then(() => 'answered', e => e.code);
            """);
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Let a study add-on act for you?" });
        await Expect(dialog).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        Assert.Equal("credential-refused", (await addOn.RunAsync("return await asked;")).GetString());

        // A request from another window of this origin (a frame, a popup) is no content script on this page: ignored.
        await page.EvaluateAsync("""
            () => {
              globalThis.answers = [];
              window.addEventListener('message', e => { if (e.data?.type !== 'rally:credential-request') answers.push(e.data.nonce); });
              const frame = document.createElement('iframe');
              frame.title = 'another window';
              document.body.append(frame);
            }
            """);
        var frame = page.Frames.Single(f => f != page.MainFrame);
        await frame.EvaluateAsync($"() => parent.postMessage({{ type: 'rally:credential-request', addOnId: '{addOnId}', nonce: 'from-a-frame' }}, parent.location.origin)");
        // Messages are handled in order: once a later request is answered, the frame's has been read.
        Assert.Equal("credential-refused", (await addOn.RunAsync("""
            return await kit.Rally.fromRallyPage({ baseUrl: location.origin, addOnId: 'unknown@rally.test' }).then(() => 'answered', e => e.code);
            """)).GetString());
        await Expect(dialog).ToBeHiddenAsync();
        var ignored = !(await page.EvaluateAsync<string[]>("() => answers")).Contains("from-a-frame");
        Assert.True(ignored);
        Assert.Empty(session.Problems);
    }

    private static async Task<JsonElement[]> ExportAsync(HttpClient researcher, string studyId)
    {
        var response = await researcher.GetAsync($"/v1/studies/{studyId}/events");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return [.. lines.Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }
}
