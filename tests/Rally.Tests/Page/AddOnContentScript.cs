using System.Text.Json;
using Microsoft.Playwright;

namespace Rally.Tests.Page;

/// <summary>
/// A study add-on's content script on the Rally page, as a browser runs one: in an isolated world of the page's frame
/// (its own globals, the page's DOM and origin, the same window to post messages on), using the client kit the page
/// serves. Made through the DevTools protocol, which is how Chromium makes extensions' worlds.
/// </summary>
internal sealed class AddOnContentScript
{
    private readonly ICDPSession _devTools;
    private readonly int _world;

    private AddOnContentScript(ICDPSession devTools, int world)
    {
        _devTools = devTools;
        _world = world;
    }

    public static async Task<AddOnContentScript> InjectAsync(IPage page)
    {
        var devTools = await page.Context.NewCDPSessionAsync(page);
        var tree = await devTools.SendAsync("Page.getFrameTree");
        var frameId = tree!.Value.GetProperty("frameTree").GetProperty("frame").GetProperty("id").GetString()!;
        var world = await devTools.SendAsync("Page.createIsolatedWorld", new() { ["frameId"] = frameId, ["worldName"] = "rally-study-add-on" });
        var script = new AddOnContentScript(devTools, world!.Value.GetProperty("executionContextId").GetInt32());
        await script.RunAsync("globalThis.kit = await import('/sdk/rally.js'); return typeof kit.Rally.fromRallyPage;");
        return script;
    }

    /// <summary>Runs the body of an async function in the content script's world and answers what it returns (as JSON).</summary>
    public async Task<JsonElement> RunAsync(string body)
    {
        var answer = await _devTools.SendAsync("Runtime.evaluate", new()
        {
            ["expression"] = $"(async () => {{ {body} }})()",
            ["contextId"] = _world,
            ["awaitPromise"] = true,
            ["returnByValue"] = true,
        });
        var result = answer!.Value;
        if (result.TryGetProperty("exceptionDetails", out var failure))
        {
            var description = failure.TryGetProperty("exception", out var exception) && exception.TryGetProperty("description", out var text)
                ? text.GetString()
                : failure.GetProperty("text").GetString();
            throw new InvalidOperationException($"The content script failed: {description}");
        }
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value.Clone() : default;
    }
}
