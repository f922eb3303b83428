namespace Rally.Api.Authentication;

/// <summary>
/// Makes loggers that write every line at Debug at most. The authentication framework writes a line at Information for
/// every refused credential and every challenge: on an API open to the internet that would let anyone fill the logs
/// with made-up tokens, and a refused credential is the caller's business, not the operator's.
/// </summary>
internal sealed class DebugLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new DebugLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    // The inner factory is the host's: it is not ours to dispose.
    public void Dispose()
    {
    }

    private sealed class DebugLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(Lower(logLevel));

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var level = Lower(logLevel);
            inner.Log(level, eventId, state, exception, formatter);
        }

        private static LogLevel Lower(LogLevel level) => level is LogLevel.None || level < LogLevel.Debug ? level : LogLevel.Debug;
    }
}
