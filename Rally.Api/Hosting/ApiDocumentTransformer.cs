using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Rally.Api.Hosting;

/// <summary>
/// The front page of the API reference (<c>/scalar/v1</c>, from <c>/openapi/v1.json</c>): what Rally is, how to send
/// each credential, every problem type a client can meet, and what each group of routes is for. The rules of each
/// route are on the route itself (<c>WithDescription</c>).
/// </summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string Title = "Rally API";
    public const string Version = "v1";

    /// <summary>The introduction, in Markdown. Every problem slug of <see cref="Problems.ProblemTypes"/> has a row in its table.</summary>
    public const string Introduction = """
        Rally is an opt-in data-contribution platform for research studies. People join from a browser add-on (each
        install is one participant), consent to research studies one by one, and their add-on uploads study data
        **encrypted in the browser** to the study's own public key: Rally checks the envelope and never sees the
        plaintext. Researchers see only their own study's data, under a pseudonym per participant and study (a profile
        only where its participant shares it with that study), and every read is recorded. Anyone can leave a study, or Rally, at any time, and their data is deleted as promised: at
        once for a study still open, with everyone's when the analysis of an ended study completes.

        ## Who calls what

        - **Participants** (the add-on): join, fill in an optional demographic profile, enroll in studies (and choose
          whether each may read that profile), upload study data, leave, receive and acknowledge notices.
        - **Researchers**: draft their own partner's studies, publish new consent versions, export their studies'
          data, read the profiles shared with them and their counts, and publish differentially private releases of
          those counts for anyone to read.
        - **Operators**: create research partners and researcher keys, move studies through their lifecycle
          (`draft → enrolling → ended → analysis-complete`, and `paused` and back, a kill switch for an enrolling
          study), read deletion ledgers and export audits.

        ## Credentials

        Every credential is sent the same way: `Authorization: Bearer <credential>`.

        | credential | form | where it comes from |
        |---|---|---|
        | participant token | `rp_…` | returned once by `POST /v1/participants` (joining). Rally stores only its hash, so a lost token cannot be shown again. It stops working the moment its participant leaves Rally or replaces it (`POST /v1/me/token`). |
        | researcher key | `rr_…` | returned once by `POST /v1/partners/{partnerId}/researchers`, which operators call. Only its hash is stored. It opens its own partner's studies only, until operators revoke or rotate it or suspend its partner. |
        | operator key | a secret of 24 characters or more | the configuration setting `Rally:OperatorKey` or the list `Rally:OperatorKeys` (to rotate without downtime); the embedded default, when none is set, generates one and prints it once at start. |

        A missing, unknown or revoked credential gets `401 unauthorized` (with `WWW-Authenticate: Bearer`); a valid
        credential of a kind the route does not take gets `403 forbidden`.

        **Live notices.** Participants receive notices over SignalR at `/hubs/notices`, with the same bearer header.
        There only, browsers, which cannot set headers on WebSockets, pass a short-lived ticket from
        `POST /v1/me/notices/ticket` (one connection each, valid a minute at most) as the `access_token` query
        parameter; the long-lived token is never accepted in a URL. Each notice arrives as a `notice` message
        `{ id, kind, studyId, message, endsAt, at }`, kinds `study-ending`, `study-ended`, `consent-changed`,
        `data-deleted`, `study-paused` and `study-resumed`. Notices wait for a participant who is offline: they are listed by `GET /v1/me` and sent again
        on every connection, oldest first, until acknowledged with `POST /v1/me/notices/{noticeId}/ack`, so a client
        tells them apart by `id`.

        ## Errors

        Every error is an RFC 9457 problem document (`application/problem+json`) with a stable `type`,
        `urn:rally:problem:<slug>`; branch on `type`, never on the wording. `title` belongs to the type, `detail`
        says what was wrong this time, `instance` is the path and `traceId` finds the request in the logs. Fields
        that break a rule are listed in `errors`, keyed by their JSON path (a body that cannot be read is described in
        `detail`); a refused upload names the offending event in `eventIndex` and `eventId`. Only the health probes
        answer in plain text.

        | `type` slug | status | when |
        |---|---|---|
        | `invalid-request` | 400 | The request is malformed: not JSON, an unknown or missing field, a value outside its rules (see `errors`), a bad query value, an upload without events, or a rule of the route (an operator drafting without `partnerId`, an end date not in the future). |
        | `invalid-event` | 400 | One event of an upload is not acceptable: a type the study did not declare, a private window where the study does not collect there, a collection time in the future, or a payload that is not a proper JWE for the study's key. `eventIndex` and `eventId` name it; nothing of the batch was stored. |
        | `unauthorized` | 401 | No credential, or one that is unknown or revoked. |
        | `forbidden` | 403 | The credential is valid but not of a kind this route takes, or a researcher named another partner. |
        | `not-found` | 404 | Nothing there, or nothing the caller may see: another partner's study, a draft (to anyone but its partner and operators), another participant's deletion request. Study ids are made by the server and signed, so a made-up one answers as a missing study. Also an unknown route. |
        | `not-enrolled` | 404 | The participant is not (or no longer) enrolled in the study: uploading, sharing a profile, leaving the study. |
        | `method-not-allowed` | 405 | The route exists but not with this HTTP method. |
        | `already-exists` | 409 | The name is taken: a consent version the study already published. |
        | `invalid-transition` | 409 | The study's lifecycle does not allow this now: launching what is not a draft, ending what is neither enrolling nor paused, pausing what is not enrolling, changing the consent of an ended study, and so on. |
        | `study-not-enrolling` | 409 | The study has ended: it takes no enrollments and no uploads. |
        | `study-paused` | 409 | The study is paused by Rally's operators: it takes no enrollments and no uploads until it resumes (nothing of the request was stored). |
        | `limit-reached` | 409 | A cap of the deployment would be passed (e.g. `Rally:Studies:MaxConsentVersions` consent versions of one study); nothing was changed. |
        | `privacy-budget-exhausted` | 409 | A differentially private release would spend more ε than the study's privacy budget has left (`Rally:Privacy:StudyBudget`, default 3.0); nothing was released. |
        | `participant-left` | 410 | The participant left Rally while this request was under way (afterwards its token gets `401`). |
        | `body-too-large` | 413 | The body is larger than `Rally:Api:MaxRequestBodyBytes` (default 1 MiB). |
        | `batch-too-large` | 413 | An upload holds more events than `Rally:Ingestion:MaxEventsPerBatch` (default 200). |
        | `unsupported-media-type` | 415 | The body is not `application/json`. |
        | `not-eligible` | 422 | Joining without both eligibility attestations (see `GET /v1/platform`). |
        | `consent-version-mismatch` | 422 | The consent given is not the current one: the platform's when joining, the study's when enrolling; when uploading, the study published a new consent since the participant enrolled (enroll again with it). |
        | `private-browsing-not-acknowledged` | 422 | Enrolling in a study that collects in private browsing windows without acknowledging its warning. |
        | `too-many-requests` | 429 | A rate limit was met (`Rally:RateLimits`, per front): wait `Retry-After` seconds and send the same request again. |
        | `internal` | 500 | An unexpected error; it is logged under the problem's `traceId`. |
        | `unavailable` | 503 | The cluster could not take the call just now (a server starting or stopping): retry after `Retry-After` seconds. |

        ## More

        Each operation below states who may call it, what it refuses and why, and what a client must know. For the
        concepts, the flows and how to run Rally, see docs/api.md in the repository.
        """;

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = Title,
            Version = Version,
            Description = Introduction,
            Contact = new OpenApiContact { Name = "Rally operators" },
            License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" },
        };
        // Where the document is served: the same for every front and every deployment (not the host that asked).
        document.Servers = [new OpenApiServer { Url = "/", Description = "The Rally front that serves this document." }];
        // The generator lists the tags its operations use; each gets its description, in the order of ApiTags.
        var used = document.Tags ?? new HashSet<OpenApiTag>();
        document.Tags = new HashSet<OpenApiTag>(ApiTags.All.Select(t =>
        {
            var tag = used.FirstOrDefault(u => u.Name == t.Name) ?? new OpenApiTag { Name = t.Name };
            tag.Description = t.Description;
            return tag;
        }).Concat(used.Where(u => !ApiTags.All.Any(t => t.Name == u.Name))));
        return Task.CompletedTask;
    }
}
