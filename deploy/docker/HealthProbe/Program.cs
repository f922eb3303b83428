// Exits 0 when the URL (default: this container's /health/live) answers 2xx within 3 seconds, 1 otherwise.
// The images' HEALTHCHECK runs it with the runtime already in the image: no shell, curl or wget needed.
var url = new Uri(args.Length > 0 ? args[0] : "http://127.0.0.1:8080/health/live");
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
try
{
    using var response = await http.GetAsync(url);
    if (response.IsSuccessStatusCode)
    {
        return 0;
    }
    await Console.Error.WriteLineAsync($"{url} answered {(int)response.StatusCode}");
    return 1;
}
catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
{
    await Console.Error.WriteLineAsync($"{url}: {e.Message}");
    return 1;
}
