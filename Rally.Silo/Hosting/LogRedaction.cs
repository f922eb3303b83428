using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Rally.Silo.Hosting;

/// <summary>
/// Keeps participant ids out of every log, whatever the level: Orleans names grains by id in its messages (at Debug
/// nearly every call, and in the text of timeouts and other exceptions), and participants' and their inboxes' grains
/// are keyed by the participant id. Every logger is wrapped so that such grain ids are redacted from the message, the
/// structured values and an exception's text before any provider sees them. Structured values holding control
/// characters (a decoded request path, say) are escaped (<see cref="LogEscaping"/>), in the message too, so that no
/// input can start a log line. Entries with neither pass unchanged.
/// </summary>
public static partial class LogRedaction
{
    public const string Redacted = "(redacted)";

    /// <summary>Replaces the logger factory with one whose loggers redact (providers added later are covered too).</summary>
    public static IServiceCollection AddRallyLogRedaction(this IServiceCollection services)
    {
        services.AddLogging();
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp =>
            new RedactingLoggerFactory(ActivatorUtilities.CreateInstance<LoggerFactory>(sp))));
        return services;
    }

    /// <summary>The text with every participant-keyed grain id redacted; the same instance when there was none.</summary>
    public static string Redact(string text) =>
        text.Contains('/', StringComparison.Ordinal) ? ParticipantGrainId().Replace(text, "$1/" + Redacted) : text;

    /// <summary>A grain keyed by a participant id, as Orleans writes grain ids (type/key), in any case.</summary>
    [GeneratedRegex("(participant|notice-inbox)/[0-9a-f]{32}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ParticipantGrainId();

    private sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

        public void Dispose() => inner.Dispose();
    }

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }
            var message = formatter(state, exception);
            var values = state as IReadOnlyList<KeyValuePair<string, object?>>;
            var cleanValues = new KeyValuePair<string, object?>[values?.Count ?? 0];
            var valuesChanged = false;
            var escapedMessage = message;
            for (var i = 0; i < cleanValues.Length; i++)
            {
                var value = values![i];
                var text = value.Value is null ? null : Convert.ToString(value.Value, System.Globalization.CultureInfo.InvariantCulture);
                var escaped = text is null || value.Key == "{OriginalFormat}" ? text : LogEscaping.Escape(text);
                if (!ReferenceEquals(text, escaped))
                {
                    // The value was written into the message as it came: it is escaped there too.
                    escapedMessage = escapedMessage.Replace(text!, escaped, StringComparison.Ordinal);
                }
                var clean = escaped is null ? null : Redact(escaped);
                valuesChanged |= !ReferenceEquals(text, clean);
                cleanValues[i] = ReferenceEquals(text, clean) ? value : new(value.Key, clean);
            }
            var redactedMessage = Redact(escapedMessage);
            var exceptionText = exception?.ToString();
            var redactedException = exceptionText is null ? null : Redact(exceptionText);
            var exceptionChanged = !ReferenceEquals(exceptionText, redactedException);
            var changed = !ReferenceEquals(message, redactedMessage) || valuesChanged || exceptionChanged;
            if (!changed)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }
            // The exception's text goes into the message (the exception itself would carry the id to the provider).
            var entry = new RedactedEntry(exceptionChanged ? $"{redactedMessage}{Environment.NewLine}{redactedException}" : redactedMessage, cleanValues);
            inner.Log(logLevel, eventId, entry, exceptionChanged ? null : exception, static (e, _) => e.Message);
        }
    }

    /// <summary>A redacted entry: its message, and its structured values (so structured sinks keep their fields).</summary>
    private sealed class RedactedEntry(string message, IReadOnlyList<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message => message;

        public KeyValuePair<string, object?> this[int index] => values[index];

        public int Count => values.Count;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => message;
    }
}
