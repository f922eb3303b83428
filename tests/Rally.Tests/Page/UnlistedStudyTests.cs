using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Rally.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Rally.Tests.Page;

/// <summary>
/// Studies the catalogue no longer lists (their analysis completed) that a participant is still in, left, or has
/// notices about: the page names them by their name, never by their id.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class UnlistedStudyTests(BrowserFixture browser)
{
    /// <summary>A study id as Rally makes them (<c>StudyIds</c>): a meaningless MAC to a participant.</summary>
    [GeneratedRegex(@"\bs-[a-z2-7]{24}-[a-z2-7]{16}\b")]
    private static partial Regex StudyId();

    [Fact]
    public async Task Studies_whose_analysis_completed_are_named_by_their_names_and_never_by_their_ids()
    {
        var api = browser.Api;
        var (kept, _) = await api.EnrollingStudyAsync(RallyApi.StudyCard(edit: card => card["name"] = "Search habits"));
        var (left, _) = await api.EnrollingStudyAsync(RallyApi.StudyCard(edit: card => card["name"] = "News diet"));
        await using var session = await PageSession.OpenAsync(browser, nameof(Studies_whose_analysis_completed_are_named_by_their_names_and_never_by_their_ids));
        var page = session.Page;
        await session.JoinAsync();
        await session.EnrollAsync(kept);
        await session.EnrollAsync(left);

        // Both studies end; the participant leaves one (its data locked until the analysis completes), stays in the other.
        await api.MoveAsync(kept, "end");
        await api.MoveAsync(left, "end");
        await Expect(page.Locator(".notice-study-ended")).ToHaveCountAsync(2);
        var leftCard = await session.StudyCardAsync(left);
        await session.PressAsync(leftCard.GetByRole(AriaRole.Button, new() { Name = "Leave News diet" }));
        await session.PressAsync(leftCard.GetByRole(AriaRole.Button, new() { Name = "Yes, leave News diet" }));
        await Expect(leftCard.Locator(".data-deletion")).ToHaveTextAsync("locked");

        // Both analyses complete: the locked data is deleted (a data-deleted notice), and neither study is listed any more.
        await api.MoveAsync(kept, "complete-analysis");
        await api.MoveAsync(left, "complete-analysis");
        await Expect(page.Locator(".notice-data-deleted")).ToHaveCountAsync(1);
        await Expect(page.Locator("#data-deletions")).ToContainTextAsync("request completed");

        // A new visit: the catalogue lists neither study, yet the participant reads their names on every screen.
        await page.ReloadAsync();
        await session.ReadyAsync();
        await Expect(page.Locator($"[data-study-id=\"{kept}\"], [data-study-id=\"{left}\"]")).ToHaveCountAsync(0);
        await Expect(page.Locator(".notice-study-ended")).ToHaveCountAsync(2);
        await Expect(page.Locator("#data-enrollments")).ToContainTextAsync("Search habits: since");
        await Expect(page.Locator("#data-deletions")).ToContainTextAsync("News diet: data locked, request completed");
        await Expect(page.Locator(".notice-data-deleted")).ToContainTextAsync("News diet");
        await Expect(page.Locator(".notice-study-ended").Filter(new() { HasText = "Search habits" })).ToHaveCountAsync(1);
        await Expect(page.Locator("#leave-studies")).ToContainTextAsync("Search habits: its analysis is complete");
        await Expect(page.Locator("body")).Not.ToContainTextAsync(StudyId());
        await session.PressAsync(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Notices" }));
        await session.ScreenAsync("notices-of-unlisted-studies");
        await session.PressAsync(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "My data" }));
        await session.ScreenAsync("data-of-unlisted-studies");
        Assert.Empty(session.Problems);
    }

    [Fact]
    public async Task Studies_Rally_gives_no_name_for_are_told_apart_in_words_and_never_by_their_ids()
    {
        var api = browser.Api;
        var (kept, _) = await api.EnrollingStudyAsync(RallyApi.StudyCard(edit: card => card["name"] = "Search habits"));
        var (left, _) = await api.EnrollingStudyAsync(RallyApi.StudyCard(edit: card => card["name"] = "News diet"));
        await using var session = await PageSession.OpenAsync(browser, nameof(Studies_Rally_gives_no_name_for_are_told_apart_in_words_and_never_by_their_ids));
        var page = session.Page;
        await session.JoinAsync();
        await session.EnrollAsync(kept);
        await session.EnrollAsync(left);
        var leftCard = await session.StudyCardAsync(left);
        await session.PressAsync(leftCard.GetByRole(AriaRole.Button, new() { Name = "Leave News diet" }));
        await session.PressAsync(leftCard.GetByRole(AriaRole.Button, new() { Name = "Yes, leave News diet" }));
        await Expect(leftCard.Locator(".deletion-status")).ToHaveTextAsync("completed");
        await Expect(page.Locator(".notice-data-deleted")).ToHaveCountAsync(1);

        // A new visit to a Rally that no longer knows either study (as after its study-id key changed): not listed, and
        // their own pages answer 404.
        await page.RouteAsync(url => new Uri(url).AbsolutePath is var path
            && (path == "/v1/studies" || path == $"/v1/studies/{kept}" || path == $"/v1/studies/{left}"), async route =>
        {
            if (new Uri(route.Request.Url).AbsolutePath == "/v1/studies")
            {
                await route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = "[]" });
                return;
            }
            await route.FulfillAsync(new()
            {
                Status = 404,
                ContentType = "application/problem+json",
                Body = """{"type":"urn:rally:problem:not-found","title":"Not found.","status":404}""",
            });
        });
        // And the data-deleted notice as Rally worded it before it named studies: by id, which the page must not show.
        await page.RouteAsync(url => new Uri(url).AbsolutePath == "/v1/me", async route =>
        {
            if (route.Request.Method != "GET")
            {
                await route.ContinueAsync();
                return;
            }
            var response = await route.FetchAsync();
            var me = JsonNode.Parse(await response.TextAsync())!;
            foreach (var notice in me["notices"]!.AsArray())
            {
                OldWording(notice!, left);
            }
            await route.FulfillAsync(new() { Response = response, Body = me.ToJsonString() });
        });
        // The live connection too: on connecting it sends the notices still pending, and the page takes a notice it is
        // sent over the one it read, so a push arriving after /v1/me's answer would otherwise bring the new wording back.
        await page.RouteWebSocketAsync(new Regex("/hubs/notices"), socket =>
        {
            var server = socket.ConnectToServer();
            socket.OnMessage(frame => Forward(frame, server, text => text));
            server.OnMessage(frame => Forward(frame, socket, text => OldWordingInFrames(text, left)));
        });
        await page.ReloadAsync();
        await session.ReadyAsync();

        // Each is "a study no longer listed", numbered so that they are told apart, with the same number on every screen.
        await Expect(page.Locator("#data-enrollments")).ToContainTextAsync("a study no longer listed (1): since");
        await Expect(page.Locator("#data-deletions")).ToContainTextAsync("a study no longer listed (2): data deleted, request completed");
        await Expect(page.Locator(".notice-data-deleted")).ToContainTextAsync("a study no longer listed (2)");
        await Expect(page.Locator(".notice-data-deleted .notice-message")).ToHaveTextAsync(
            "The data study (a study no longer listed (2)) collected from you has been deleted.");
        await Expect(page.Locator("#leave-studies")).ToContainTextAsync("a study no longer listed (1): ");
        await Expect(page.Locator("body")).Not.ToContainTextAsync(StudyId());
        await session.PressAsync(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "My data" }));
        await session.ScreenAsync("data-of-unnamed-studies");

        // Leaving Rally: the outcome names the study it was still in the same way.
        await session.PressAsync(page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Leave Rally" }));
        await session.TickAsync(page.GetByLabel("I understand, and I want to leave Rally"));
        await session.PressAsync(page.GetByRole(AriaRole.Button, new() { Name = "Leave Rally" }));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You have left Rally" })).ToBeFocusedAsync();
        await Expect(page.Locator("#leave-outcome")).ToContainTextAsync("a study no longer listed");
        await Expect(page.Locator("body")).Not.ToContainTextAsync(StudyId());
        Assert.Empty(session.Problems);
    }

    /// <summary>A data-deleted notice as Rally worded it before it named studies: by the study's id.</summary>
    private static void OldWording(JsonNode notice, string studyId)
    {
        if ((string?)notice["kind"] == "data-deleted")
        {
            notice["message"] = $"The data study '{studyId}' collected from you has been deleted.";
        }
    }

    private static void Forward(IWebSocketFrame frame, IWebSocketRoute to, Func<string, string> text)
    {
        if (frame.Text is { } sent)
        {
            to.Send(text(sent));
        }
        else
        {
            to.Send(frame.Binary ?? []);
        }
    }

    /// <summary>SignalR's JSON frames (records ended by 0x1E) with each notice pushed in the old wording.</summary>
    private static string OldWordingInFrames(string frames, string studyId) => !frames.EndsWith('\u001e') ? frames : string.Concat(frames.Split('\u001e', StringSplitOptions.RemoveEmptyEntries).Select(record =>
    {
        var message = JsonNode.Parse(record)!;
        if ((int?)message["type"] == 1 && (string?)message["target"] == "notice")
        {
            OldWording(message["arguments"]![0]!, studyId);
        }
        return message.ToJsonString() + '\u001e';
    }));
}
