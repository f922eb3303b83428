using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Rally.Api.Authentication;
using Rally.Api.Hosting;
using Rally.Api.Problems;
using Rally.Api.RateLimits;
using Rally.Api.Studies;
using Rally.Grains.Audit;
using Rally.Grains.Ingestion;
using Rally.Grains.Participants;
using Rally.Grains.Refusals;

namespace Rally.Api.Ingestion;

public static class EventEndpoints
{
    /// <summary>How far in the future a collection time may lie (clock skew of the participant's machine).</summary>
    private static readonly TimeSpan AllowedClockSkew = TimeSpan.FromDays(1);

    /// <summary>
    /// How long an upload's answer waits for the record of its ids (it is queued already): a slow or refused record then
    /// costs a resend a second queue write, not the participant a late answer.
    /// </summary>
    private static readonly TimeSpan RecordWait = TimeSpan.FromSeconds(2);

    /// <summary>The earliest collection time accepted: before Rally's add-ons existed, so a broken clock or a forged value.</summary>
    private static readonly DateTimeOffset EarliestCollection = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static IEndpointRouteBuilder MapEventEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var study = endpoints.MapStudyRoutes().WithTags(ApiTags.StudyData);
        study.MapPost("/events", UploadAsync).RequireAuthorization(RallyAuth.ParticipantPolicy).SeenBy(StudyAccess.Enrolled)
            .WithMetadata(new IngestionMetrics.UploadRoute()).AddEndpointFilter<IngestionMetrics.Filter>()
            .LimitedAs(RateLimited.Uploads)
            .WithName("uploadStudyEvents")
            .Refuses(ProblemTypes.InvalidRequest, ProblemTypes.InvalidEvent, ProblemTypes.NotEnrolled, ProblemTypes.StudyNotEnrolling, ProblemTypes.StudyPaused, ProblemTypes.BatchTooLarge, ProblemTypes.ConsentVersionMismatch, ProblemTypes.ParticipantLeft)
            .WithSummary("Upload a batch of study events")
            .WithDescription("""
                A participant enrolled in the study (participant token). `events` holds 1 to
                `Rally:Ingestion:MaxEventsPerBatch` (default 200) events `{ id, type, collectedAt, privateWindow, payload }`.
                `payload` is a compact JWE the add-on encrypted in the browser to the study's `encryptionKey`, at most
                `Rally:Ingestion:MaxPayloadBytes` characters (default 32 768): an empty encrypted key, a 96-bit IV, a
                ciphertext and a 128-bit tag, every part canonical base64url (no padding, no bits set past the last
                byte). Its protected header, which is not encrypted, is an allow-list, so nothing readable rides beside
                the ciphertext: exactly `alg` `ECDH-ES`, `enc` `A256GCM`, `kid` the key's `kid`, `epk` (`kty` `EC`,
                `crv` `P-256`, `x`, `y`: a point on the curve, nothing else) and optionally `typ` `JWE`, each once, as
                compact JSON (no whitespace, no escapes), at most 1 KiB. Rally checks form and header and never sees the
                plaintext.

                The batch is checked whole before anything is queued; a refusal stores nothing of it:
                - `400 invalid-request`: no events, or a body that is not a valid batch;
                - `413 batch-too-large`: more events than the limit (`413 body-too-large`: a body over
                  `Rally:Api:MaxRequestBodyBytes`, default 1 MiB);
                - `404 not-enrolled`: the participant is not, or no longer, enrolled in the study;
                - `409 study-not-enrolling`: the study has ended;
                - `409 study-paused`: the study is paused by Rally's operators; keep the events and send them again
                  once it resumes (a `study-resumed` notice says when);
                - `422 consent-version-mismatch`: the study published a new consent version since the participant
                  enrolled; enroll again with it;
                - `400 invalid-event`, naming the first offending event in `eventIndex` and `eventId`: a `type` the study
                  did not declare, `privateWindow: true` where the study does not collect in private windows, a
                  `collectedAt` before `2020-01-01T00:00:00Z` or more than a day ahead of the server's clock (the
                  participant's clock may run fast), or a payload that is not such a JWE for the study's current key.

                `202` means durably queued: the events are stored even if a server dies right after the answer, and appear
                in exports shortly after. An event id is stored once per study, so resending a batch after an error or a
                timeout is safe: `duplicates` counts the events that repeat within the batch or that were acknowledged to
                this participant in this study lately (its latest 512, remembered while it keeps uploading; they are not
                queued again), `accepted` the rest. A resend Rally no longer remembers, say after a long pause, counts in
                `accepted` and is still stored once.
                """)
            .WithRequestExample(ApiExamples.Upload);
        study.MapGet("/events", ExportAsync).RequireAuthorization(RallyAuth.ResearcherPolicy).Produces<ExportedEvent>(StatusCodes.Status200OK, "application/x-ndjson")
            .LimitedAs(RateLimited.Exports)
            .WithName("exportStudyEvents")
            .Refuses(ProblemTypes.InvalidRequest)
            .WithSummary("Export a study's events as NDJSON")
            .WithDescription("""
                The study's own researchers only (researcher key); another partner's study answers `404 not-found`.
                Streams `application/x-ndjson`, one event a line: `id`, `participant` (a pseudonym for this study only,
                never the platform-wide id), `type`, `collectedAt`, `receivedAt`, `payload` (the JWE as uploaded: decrypt
                it with the study's private key) and `cursor`.

                Lines come in a stable order, and a cursor never skips an event stored later. To resume, pass the last
                line's `cursor` as `after`; `limit` caps the lines of one request (1 to `Rally:Ingestion:MaxExportLimit`,
                which is also the default: 100 000). An empty body means there is nothing newer. A cursor is opaque (59
                characters of base64url) and sealed to its study: one altered, one of another study, or one in the
                `<tx>-<seq>` form of earlier versions is `400 invalid-request`: restart the export from the beginning
                (without `after`). A bad `limit` is `400 invalid-request` too. Every export, including one broken off, is
                recorded in the study's audit log.
                """);
        study.MapGet("/stats", StatsAsync).RequireAuthorization(RallyAuth.ResearcherOrOperatorPolicy)
            .WithName("getStudyStats")
            .WithSummary("Count a study's participants and events")
            .WithDescription("""
                The study's own researchers and operators; another partner's study answers `404 not-found`. Exact figures:
                `enrolled` (participants enrolled now), and the stored events by `type` (`eventsByType`) and by UTC day of
                collection (`eventsByDay`, `yyyy-MM-dd`).
                """);
        study.MapGet("/audit", AuditAsync).RequireAuthorization(RallyAuth.OperatorPolicy)
            .WithName("getStudyAudit")
            .Refuses(ProblemTypes.InvalidRequest)
            .WithSummary("Read a study's export audit log")
            .WithDescription("""
                Operators only. One entry per read of the study's data, oldest first: its `kind` (`events` for an export
                of the study's events, `demographics` for a read of the profiles shared with it), the researcher
                (`00000000-0000-0000-0000-000000000000` for an operator), when, from which cursor (`after`; empty for
                demographics), how many events (or profiles) it sent, and whether it finished.

                Read a page at a time: `limit` entries (default 100, at most 1000), from the start or `after` the number of
                entries already read. While more follow, the answer carries a `Link` header with the next page's address
                (`rel="next"`). A `limit` out of range or an `after` that is not a whole number is `400 invalid-request`.
                """);
        return endpoints;
    }

    /// <summary>Accepts a batch only whole: every event is checked before anything is queued, and 202 means queued durably.</summary>
    public static async Task<Results<Accepted<UploadResponse>, ProblemHttpResult>> UploadAsync(
        string studyId, UploadRequest request, ClaimsPrincipal user, IClusterClient cluster,
        StudyIds studyIds, IOptions<IngestionOptions> options, TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (request.Events.Length == 0)
        {
            return ProblemTypes.InvalidRequest.Result("events must hold at least one event.");
        }
        if (request.Events.Length > limits.MaxEventsPerBatch)
        {
            return ProblemTypes.BatchTooLarge.Result($"A batch holds at most {limits.MaxEventsPerBatch} events; this one holds {request.Events.Length}.");
        }
        if (studyIds.IsForged(studyId))
        {
            // Nobody is enrolled in a study that cannot exist: the permit's own refusal, without asking any grain.
            throw StudyRefusals.NotEnrolled(studyId);
        }
        // Ids sent twice in the batch count once; ids acknowledged to this enrollment lately (a resend) are not queued again.
        var unique = request.Events.DistinctBy(e => e.Id).ToArray();
        var participantId = user.GetSubjectId();
        var participant = cluster.GetGrain<IParticipantGrain>(participantId);
        var permit = await participant.GetUploadPermitAsync(studyId, [.. unique.Select(e => e.Id)], cancellationToken);
        var declared = permit.Rules.DeclaredTypes.ToHashSet(StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        for (var i = 0; i < request.Events.Length; i++)
        {
            if (CheckEvent(request.Events[i], permit.Rules, declared, now, limits) is { } error)
            {
                return InvalidEvent(i, request.Events[i].Id, error);
            }
        }

        var acknowledged = (permit.Acknowledged ?? []).ToHashSet(); // none from a silo of the version before
        var fresh = unique.Where(e => !acknowledged.Contains(e.Id))
            .Select(e => new StudyEvent(e.Id, e.Type, e.CollectedAt, e.PrivateWindow, e.Payload))
            .ToArray();
        if (fresh.Length > 0)
        {
            // With PostgreSQL this completes once the batch is committed to the stream's queue table.
            var shard = (int)((uint)participantId.GetHashCode() % (uint)limits.StreamsPerStudy);
            await cluster.GetStreamProvider(RallyStreams.Provider)
                .GetStream<EventBatch>(RallyStreams.ForStudy(studyId, shard))
                .OnNextAsync(new EventBatch(studyId, permit.Participant, now, fresh));
            // After the queue commit only, and answered before the upload is: a resend sent after the answer finds the ids.
            // The events are queued whatever happens to the record: a record lost costs a resend a second queue write.
            try
            {
                await participant.UploadAcknowledgedAsync(studyId, permit.Participant, [.. fresh.Select(e => e.Id)]).WaitAsync(RecordWait, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                UploadLog.RecordFailed(loggers.CreateLogger(UploadLog.Category), ex.GetType().Name, ex);
            }
        }
        return TypedResults.Accepted((string?)null, new UploadResponse(fresh.Length, request.Events.Length - fresh.Length));
    }

    public static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> ExportAsync(
        string studyId, string? after, int? limit, ClaimsPrincipal user, IGrainFactory grains, IStudyEventStore store,
        ExportCursors cursors, IOptions<IngestionOptions> options, TimeProvider clock)
    {
        var from = EventCursor.Start;
        if (after is not null && !cursors.TryOpen(studyId, after, out from))
        {
            return ProblemTypes.InvalidRequest.Result(
                "after is not a cursor this study's export handed out: cursors are sealed to their study and cannot be altered, "
                + "and the <tx>-<seq> cursors of earlier versions are no longer accepted. Restart the export from the beginning (without after).");
        }
        var max = options.Value.MaxExportLimit;
        if (limit is < 1 || limit > max)
        {
            return ProblemTypes.InvalidRequest.Result($"limit must be between 1 and {max}.");
        }

        var researcherId = user.GetSubjectId();
        return AuditedNdjson.Stream(ExportLinesAsync(store, cursors, studyId, from, limit ?? max), ExportJsonContext.Default.ExportedEvent, grains, studyId,
            (sent, completed) => new ExportRecord(researcherId, clock.GetUtcNow(), from.ToString(), sent, completed, ExportKinds.Events));
    }

    private static async IAsyncEnumerable<ExportedEvent> ExportLinesAsync(IStudyEventStore store, ExportCursors cursors, string studyId, EventCursor from, int limit)
    {
        using var sealer = cursors.For(studyId);
        await foreach (var e in store.ReadAsync(studyId, from, limit))
        {
            yield return new ExportedEvent(e.Id, e.Participant, e.Type, e.CollectedAt, e.ReceivedAt, e.Payload, sealer.Seal(e.Cursor));
        }
    }

    public static async Task<Ok<StatsResponse>> StatsAsync(string studyId, HttpContext http, IStudyEventStore store, CancellationToken cancellationToken)
    {
        var study = StudyAccessFilter.Study(http, studyId);
        var stats = await store.GetStatsAsync(studyId, cancellationToken);
        return TypedResults.Ok(new StatsResponse(
            study.Enrolled,
            stats.EventsByType,
            stats.EventsByDay.OrderBy(d => d.Key).ToDictionary(d => d.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d => d.Value)));
    }

    public static async Task<Results<Ok<AuditEntryResponse[]>, ProblemHttpResult>> AuditAsync(
        string studyId, string? after, int? limit, IGrainFactory grains, HttpResponse response)
    {
        if (!Paging.TryLimit(limit, out var size, out var problem))
        {
            return problem!;
        }
        var skip = 0;
        if (after is not null && !int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out skip))
        {
            return ProblemTypes.InvalidRequest.Result("after is the number of entries already read, as the next link gives it.");
        }
        // One more than asked says whether a next page exists.
        var records = await grains.GetGrain<IStudyAuditGrain>(studyId).ListPageAsync(skip, size + 1);
        if (records.Length > size)
        {
            response.Headers.Link = $"</v1/studies/{Uri.EscapeDataString(studyId)}/audit?after={skip + size}&limit={size}>; rel=\"next\"";
        }
        return TypedResults.Ok(records.Take(size).Select(AuditEntryResponse.From).ToArray());
    }

    private static string? CheckEvent(EventBody e, StudyIngestionRules rules, HashSet<string> declared, DateTimeOffset now, IngestionOptions limits)
    {
        if (!declared.Contains(e.Type))
        {
            return $"type '{ProblemText.Quote(e.Type)}' is not one the study declared it collects.";
        }
        if (e.PrivateWindow && !rules.CollectsInPrivateBrowsing)
        {
            return "the study does not collect data in private browsing windows.";
        }
        if (e.CollectedAt < EarliestCollection || e.CollectedAt > now + AllowedClockSkew)
        {
            return "collectedAt must lie between 2020-01-01T00:00:00Z and a day from now.";
        }
        return CompactJwe.Check(e.Payload, rules.KeyId, limits.MaxPayloadBytes);
    }

    private static ProblemHttpResult InvalidEvent(int index, Guid id, string error)
    {
        var problem = ProblemTypes.InvalidEvent.Create($"events[{index}] ({id}): {error} Nothing of the batch was stored.");
        problem.Extensions["eventIndex"] = index;
        problem.Extensions["eventId"] = id;
        return TypedResults.Problem(problem);
    }
}
