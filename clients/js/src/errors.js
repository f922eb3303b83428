/**
 * A refusal or failure the kit reports. `code` is the problem's slug when Rally answered with a problem
 * (`urn:rally:problem:<slug>`, see docs/api.md), or one of the kit's own codes:
 * `network` (Rally could not be reached), `queue-full`, `undeclared-type`, `payload-too-large`, `not-started`,
 * `key-mismatch` (the card's `kid` is not its key's thumbprint), `credential-refused`, `timeout`, `closed`,
 * `not-on-rally-page`.
 */
export class RallyError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {{ status?: number, problem?: object, cause?: unknown, retryAfterMs?: number }} [details]
   */
  constructor(code, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'RallyError';
    /** @type {string} */
    this.code = code;
    /** @type {number | undefined} the HTTP status, when Rally answered */
    this.status = details.status;
    /** @type {object | undefined} the RFC 9457 problem document, when Rally answered with one */
    this.problem = details.problem;
    /** @type {number | undefined} how long Rally asked to wait (`Retry-After`), in milliseconds */
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** The slug of a problem type (`urn:rally:problem:study-paused` → `study-paused`); '' when there is none. */
export function problemSlug(problem) {
  const type = problem && typeof problem.type === 'string' ? problem.type : '';
  const at = type.lastIndexOf(':');
  return at < 0 ? type : type.slice(at + 1);
}
