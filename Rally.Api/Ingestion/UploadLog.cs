namespace Rally.Api.Ingestion;

/// <summary>What the upload endpoint logs (category <c>Rally.Api.Ingestion.Uploads</c>).</summary>
internal static partial class UploadLog
{
    public const string Category = "Rally.Api.Ingestion.Uploads";

    [LoggerMessage(EventId = 2020, Level = LogLevel.Warning,
        Message = "An upload was queued but not recorded with the participant's grain ({ExceptionType}); a resend of it will be queued again and stored once")]
    public static partial void RecordFailed(ILogger logger, string exceptionType, Exception exception);
}
