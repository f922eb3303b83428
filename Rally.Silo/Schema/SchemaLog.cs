namespace Rally.Silo.Schema;

/// <summary>What the schema migrator reports (event ids 4100–4109).</summary>
internal static partial class SchemaLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "Waiting for the schema migration lock")]
    public static partial void WaitingForLock(ILogger logger);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Applying schema migration {Version} ({Name})")]
    public static partial void Applying(ILogger logger, string version, string name);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Applied schema migration {Version} ({Name}) in {ElapsedMilliseconds} ms")]
    public static partial void Applied(ILogger logger, string version, string name, long elapsedMilliseconds);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Schema is up to date at version {Version}")]
    public static partial void UpToDate(ILogger logger, string version);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning,
        Message = "The database has schema migration {Version} ({Name}), which this build does not carry: a newer build applied it")]
    public static partial void UnknownMigration(ILogger logger, string version, string name);
}
