using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Rally.Tests.Infrastructure;

namespace Rally.Tests.Page;

/// <summary>
/// One browser profile on the participant page: every screen it reaches is checked with axe-core (no serious or
/// critical violation) and photographed under the test output; anything the Content-Security-Policy blocked and any
/// uncaught script error is kept, for the test to assert there was none.
/// </summary>
internal sealed class PageSession : IAsyncDisposable
{
    private static readonly string AxeScript = File.ReadAllText(
        Path.Combine(RallyRepository.Root, "tests", "Rally.Tests", "Page", "axe", "node_modules", "axe-core", "axe.min.js"));

    private readonly IBrowserContext _context;
    private readonly string _screenshots;
    private readonly List<string> _problems = [];
    private readonly List<string> _answers = [];
    private readonly List<string> _webSockets = [];
    private int _screens;

    private PageSession(IBrowserContext context, IPage page, string name)
    {
        _context = context;
        Page = page;
        _screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots", name);
        Directory.CreateDirectory(_screenshots);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                Keep($"CSP: {message.Text}");
            }
        };
        page.PageError += (_, error) => Keep($"script error: {error}");
        // Kept to explain a step that times out; a server error is no failure by itself (the page must cope with it).
        page.Response += (_, response) =>
        {
            if (response.Status >= 500 || response.Status == 429)
            {
                lock (_answers)
                {
                    _answers.Add($"{response.Status} {response.Request.Method} {new Uri(response.Url).AbsolutePath}");
                }
            }
        };
        page.WebSocket += (_, socket) =>
        {
            lock (_webSockets)
            {
                _webSockets.Add(socket.Url);
            }
        };
    }

    public IPage Page { get; }

    /// <summary>CSP violations and uncaught script errors met so far.</summary>
    public string[] Problems
    {
        get
        {
            lock (_problems)
            {
                return [.. _problems];
            }
        }
    }

    /// <summary>The WebSocket URLs the page opened.</summary>
    public string[] WebSockets
    {
        get
        {
            lock (_webSockets)
            {
                return [.. _webSockets];
            }
        }
    }

    /// <summary>A fresh profile with the page open at <c>/</c>, once it has loaded what it shows first.</summary>
    public static async Task<PageSession> OpenAsync(BrowserFixture browser, string name)
    {
        var context = await browser.NewContextAsync();
        var session = new PageSession(context, await context.NewPageAsync(), name);
        var response = await session.Page.GotoAsync("/");
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        await session.ReadyAsync();
        return session;
    }

    /// <summary>Waits until the page has loaded the catalogue (and the participant, if this profile holds one).</summary>
    public async Task ReadyAsync() =>
        await Assertions.Expect(Page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");

    /// <summary>Checks the screen with axe-core and saves a screenshot of it, numbered in the order reached.</summary>
    public async Task ScreenAsync(string screen)
    {
        var number = Interlocked.Increment(ref _screens).ToString("00", CultureInfo.InvariantCulture);
        // Evaluated through the DevTools protocol, which the page's CSP does not govern (a script tag would be refused).
        if (!await Page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await Page.EvaluateAsync(AxeScript);
        }
        var violations = await Page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)
            """);
        await Page.ScreenshotAsync(new() { Path = Path.Combine(_screenshots, $"{number}-{screen}.png"), FullPage = true });
        Assert.True(violations.GetArrayLength() == 0, $"axe on screen {screen}:\n{string.Join('\n', violations.EnumerateArray())}");
    }

    /// <summary>Activates a button or link from the keyboard: focused, then Enter, as a keyboard-only participant would.</summary>
    public async Task PressAsync(ILocator control)
    {
        try
        {
            await control.FocusAsync();
        }
        catch (TimeoutException e)
        {
            // What the page showed and met, so that a step that never came can be told apart from a slow one.
            await Page.ScreenshotAsync(new() { Path = Path.Combine(_screenshots, "timed-out.png"), FullPage = true });
            string[] answers;
            lock (_answers)
            {
                answers = [.. _answers];
            }
            throw new TimeoutException($"{e.Message}\nPage problems: {string.Join("; ", Problems)}\nServer errors and refusals the page met: {string.Join("; ", answers)}", e);
        }
        await Page.Keyboard.PressAsync("Enter");
    }

    /// <summary>Ticks a checkbox or radio button from the keyboard (focused, then Space).</summary>
    public async Task TickAsync(ILocator box)
    {
        // Shown first: a screen the step before asked for is shown (and its heading focused) on the next hashchange,
        // and a box focused before that loses the focus to the heading, or cannot take it while hidden.
        await Assertions.Expect(box).ToBeVisibleAsync();
        await box.FocusAsync();
        await Page.Keyboard.PressAsync("Space");
        await Assertions.Expect(box).ToBeCheckedAsync();
    }

    /// <summary>
    /// Moves the focus with Tab (or Shift+Tab) alone until <paramref name="control"/> has it, as a keyboard-only participant
    /// would: every element the focus passes on the way must show it (<c>:focus-visible</c> with an outline, on screen).
    /// </summary>
    public async Task TabToAsync(ILocator control, bool backwards = false, int most = 400)
    {
        for (var step = 1; step <= most; step++)
        {
            await Page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
            await FocusShownAsync($" (step {step} towards {control})");
            if (await control.EvaluateAsync<bool>("e => e === document.activeElement"))
            {
                return;
            }
        }
        Assert.Fail($"{most} presses of {(backwards ? "Shift+Tab" : "Tab")} never reached {control}.");
    }

    /// <summary>Asserts that the element that has the focus shows it.</summary>
    public async Task FocusShownAsync(string where = "")
    {
        var focus = await Page.EvaluateAsync<JsonElement>(FocusShown);
        Assert.True(focus.GetProperty("shown").GetBoolean(), $"The focus is not visible on {focus.GetProperty("what").GetString()}{where}.");
    }

    // Where the focus is, and whether it shows: an outline drawn for :focus-visible, on an element laid out in the viewport.
    private const string FocusShown = """
        () => {
          const e = document.activeElement;
          if (!e || e === document.body) return { shown: false, what: 'nothing (the body)' };
          const what = `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} "${(e.textContent || '').trim().slice(0, 60)}"`;
          const style = getComputedStyle(e);
          const box = e.getBoundingClientRect();
          const shown = e.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
            && style.visibility !== 'hidden' && box.width > 0 && box.height > 0
            && box.right > 0 && box.bottom > 0 && box.left < innerWidth && box.top < innerHeight;
          return { shown, what };
        }
        """;

    /// <summary>Joins Rally from the page (eligible, consenting to the version shown); answers the participant id the page shows.</summary>
    /// <param name="untilJoined">
    /// Returns once the page says it joined (by then it has moved to the survey, so a screen the test goes to next is
    /// not taken from it under load); false returns as soon as the participant's id shows, mid-join.
    /// </param>
    public async Task<Guid> JoinAsync(bool untilJoined = true)
    {
        await PressAsync(Page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Join Rally" }));
        await TickAsync(Page.GetByLabel("I live in the United States"));
        await TickAsync(Page.GetByLabel("I am 19 years old or older"));
        await PressAsync(Page.GetByRole(AriaRole.Button, new() { Name = "I agree to version 1.0 and join" }));
        if (untilJoined)
        {
            await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Welcome to Rally.");
        }
        return Guid.Parse(await Page.Locator("#who-id").InnerTextAsync());
    }

    /// <summary>Goes to the catalogue screen from the navigation; the study's card there.</summary>
    public async Task<ILocator> StudyCardAsync(string studyId)
    {
        await PressAsync(Page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Studies" }));
        return Page.Locator($"[data-study-id=\"{studyId}\"]");
    }

    /// <summary>Enrolls from the study's card on the catalogue screen, with the consent version the card shows.</summary>
    public async Task EnrollAsync(string studyId, string consentVersion = "1")
    {
        var card = await StudyCardAsync(studyId);
        await PressAsync(card.GetByRole(AriaRole.Button, new() { Name = $"I consent to version {consentVersion} and take part" }));
        await Assertions.Expect(card.Locator(".enrolled")).ToContainTextAsync("You are taking part");
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();

    private void Keep(string problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }
}
