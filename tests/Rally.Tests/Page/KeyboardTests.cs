using Microsoft.Playwright;
using Rally.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Rally.Tests.Page;

/// <summary>The participant page used with the keyboard alone: Tab and Shift+Tab to move, Enter and Space to act, the focus always shown.</summary>
[Collection(BrowserCollection.Name)]
public sealed class KeyboardTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_participant_joins_consents_to_a_study_leaves_it_and_leaves_Rally_with_Tab_Enter_and_Space_alone()
    {
        var (studyId, _) = await browser.Api.EnrollingStudyAsync(RallyApi.StudyCard(edit: card => card["name"] = "Keyboard habits"));
        await using var session = await PageSession.OpenAsync(browser, nameof(A_participant_joins_consents_to_a_study_leaves_it_and_leaves_Rally_with_Tab_Enter_and_Space_alone));
        var page = session.Page;
        var nav = page.GetByRole(AriaRole.Navigation);

        // Joining: from the top of the page, the skip link first, then the navigation.
        await session.TabToAsync(page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" }), most: 1);
        await session.TabToAsync(nav.GetByRole(AriaRole.Link, new() { Name = "Join Rally" }));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Join Rally" })).ToBeFocusedAsync();
        var resident = page.GetByLabel("I live in the United States");
        await session.TabToAsync(resident);
        await page.Keyboard.PressAsync("Space");
        await Expect(resident).ToBeCheckedAsync();
        var adult = page.GetByLabel("I am 19 years old or older");
        await session.TabToAsync(adult);
        await page.Keyboard.PressAsync("Space");
        await Expect(adult).ToBeCheckedAsync();
        await session.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = "I agree to version 1.0 and join" }));
        await page.Keyboard.PressAsync("Space");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "About you" })).ToBeFocusedAsync();
        await session.FocusShownAsync();

        // A study's consent: back up to the navigation, to the catalogue, into the study's form.
        await session.TabToAsync(nav.GetByRole(AriaRole.Link, new() { Name = "Studies" }), backwards: true);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Studies you can join" })).ToBeFocusedAsync();
        var card = page.Locator($"[data-study-id=\"{studyId}\"]");
        var share = card.GetByLabel("Share my answers about myself with");
        await session.TabToAsync(share);
        await page.Keyboard.PressAsync("Space");
        await Expect(share).ToBeCheckedAsync();
        await session.TabToAsync(card.GetByRole(AriaRole.Button, new() { Name = "I consent to version 1 and take part" }));
        await page.Keyboard.PressAsync("Enter");
        // The form is gone once enrolled: the focus goes to what replaced it, not to the top of the page.
        var enrolled = card.Locator(".enrolled");
        await Expect(enrolled).ToContainTextAsync("You are taking part");
        await Expect(card.Locator(".sharing")).ToContainTextAsync("are shared with this study");
        await Expect(enrolled).ToBeFocusedAsync();
        await session.FocusShownAsync();

        // Leaving the study: its button, then the confirmation; the focus follows the deletion until it is done.
        await session.TabToAsync(card.GetByRole(AriaRole.Button, new() { Name = "Leave Keyboard habits" }));
        await page.Keyboard.PressAsync("Enter");
        var yes = card.GetByRole(AriaRole.Button, new() { Name = "Yes, leave Keyboard habits" });
        await Expect(yes).ToBeFocusedAsync();
        await session.FocusShownAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(card.Locator(".deletion-status")).ToHaveTextAsync("completed");
        await Expect(card.Locator(".left")).ToBeFocusedAsync();
        await session.FocusShownAsync();

        // Leaving Rally: back up to the navigation, then the confirmation box and the button.
        await session.TabToAsync(nav.GetByRole(AriaRole.Link, new() { Name = "Leave Rally" }), backwards: true);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Leave Rally" })).ToBeFocusedAsync();
        var confirm = page.GetByLabel("I understand, and I want to leave Rally");
        await session.TabToAsync(confirm);
        await page.Keyboard.PressAsync("Space");
        await Expect(confirm).ToBeCheckedAsync();
        await session.TabToAsync(page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Button, new() { Name = "Leave Rally" }));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You have left Rally" })).ToBeFocusedAsync();
        await session.FocusShownAsync();
        await session.ScreenAsync("left-by-keyboard");
        Assert.Empty(session.Problems);
    }
}
