using Microsoft.Playwright;

namespace Rally.Tests.Infrastructure;

/// <summary>
/// Debian's headless Chromium, driven by Playwright, in front of a real Rally: the API on Kestrel (loopback, a free port)
/// in front of a one-silo test cluster. Tests open a fresh browser context each (its own IndexedDB: a new browser
/// profile, so a new participant) and make their own studies.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    // What Chromium would otherwise fetch from the internet on its own (these machines have none to give it).
    private static readonly string[] QuietChromium =
    [
        "--no-sandbox", // the tests run as root
        "--disable-background-networking", "--disable-component-update", "--disable-default-apps", "--disable-sync",
        "--no-first-run", "--disable-domain-reliability", "--disable-gpu",
    ];

    private TestDeployment? _deployment;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public TestDeployment Deployment => _deployment ?? throw new InvalidOperationException("The fixture has not started.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture has not started.");

    /// <summary>Where the page is: the front's real address.</summary>
    public Uri BaseAddress => Deployment.Front.CreateClient(null).BaseAddress!;

    public RallyApi Api => Deployment.Api;

    public async Task InitializeAsync()
    {
        var chromium = await Chromium.EnsureInstalledAsync();
        _deployment = await TestDeployment.StartAsync(1);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = QuietChromium });
    }

    /// <summary>A new browser profile (nothing stored) with one page; the caller disposes the context.</summary>
    public async Task<IBrowserContext> NewContextAsync() =>
        await Browser.NewContextAsync(new() { BaseURL = BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (_deployment is not null)
        {
            await _deployment.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
