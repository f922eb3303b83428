import { encrypt, importStudyKey } from './crypto.js';
import { RallyError } from './errors.js';
import { call, toError, url } from './http.js';
import { RallyParticipant, platform, studies, study } from './participant.js';
import { IndexedDbStorage } from './storage/indexeddb.js';
import { MemoryStorage } from './storage/memory.js';
import { fromRallyPage } from './handoff.js';

/** The states of a study for this participant, as `rally.state` gives them. */
export const States = Object.freeze({
  /** Enrolled, the study collects: `send` queues and uploads. */
  RUNNING: 'running',
  /** The study was paused by Rally's operators: nothing is sent; queued events wait for the study to resume. */
  PAUSED: 'paused',
  /**
   * The participant asked to leave (`leave()`) and Rally has not confirmed it: nothing is sent, the queue is cleared.
   * While the request runs, and after it failed with the enrollment still in place; `leave()` again retries it,
   * `enroll()` stays in the study.
   */
  LEAVING: 'leaving',
  /** The study has ended: nothing is sent, the queue is cleared. Uninstall the study's add-on. */
  ENDED: 'ended',
  /** Not enrolled (never, or left the study, or left Rally): nothing is sent, the queue is cleared. */
  NOT_ENROLLED: 'not-enrolled',
  /** The study published a new consent: nothing is sent until the participant enrolls again with it. */
  NEEDS_CONSENT: 'needs-consent',
});

/** At most this many events wait in the queue by default; `send` throws `queue-full` beyond it. */
export const DEFAULT_MAX_QUEUED_EVENTS = 10_000;
/** Events per upload by default (Rally takes at most 200: `Rally:Ingestion:MaxEventsPerBatch`). */
export const DEFAULT_BATCH_SIZE = 100;
/** An upload body stays under this many characters (Rally takes at most 1 MiB: `Rally:Api:MaxRequestBodyBytes`). */
const MAX_BATCH_CHARS = 900_000;

// Notices after which the state is read again; data-deleted also follows leaving the study elsewhere (the page).
const NOTICE_KINDS = new Set(['study-paused', 'study-resumed', 'study-ending', 'study-ended', 'consent-changed', 'data-deleted']);

/**
 * One study's client, as its add-on uses it: the run state, encrypted events queued and uploaded, live notices,
 * leaving. See clients/js/README.md.
 */
export class Rally {
  #options;
  #client;
  #participant;
  #storage;
  #state = null;
  #card = null;
  #studyKey = null;
  #started = false;
  #starting;
  #closed = false;
  // The participant asked to leave and Rally has not confirmed it: whatever else is read, the study does not collect.
  #leaving = false;
  #leaves = 0; // leave() calls so far: an enroll() answered after a later leave() does not undo it
  // Clears of the queue asked for (leaving, the study's end) and the last of them a clear has settled. While they
  // differ, what the queue holds is never sent: the clear is tried again before anything is enrolled, queued or uploaded.
  #clearsAsked = 0;
  #clearsSettled = 0;
  #refreshChain = Promise.resolve();
  #enqueueChain = Promise.resolve();
  #uploadTimer;
  #uploading;
  #sleepers = new Set();
  #noticeListeners = new Set();
  #unsubscribe = [];

  /**
   * @param {import('../types/index.js').RallyOptions} options
   */
  constructor(options) {
    const { baseUrl, token, studyId } = options ?? {};
    if (!baseUrl || !token || !studyId) {
      throw new TypeError('new Rally needs baseUrl, token and studyId.');
    }
    this.#options = {
      stateChangeCallback: () => {},
      onEventRefused: () => {},
      onRetry: () => {},
      maxQueuedEvents: DEFAULT_MAX_QUEUED_EVENTS,
      batchSize: DEFAULT_BATCH_SIZE,
      uploadDelayMs: 1000,
      notices: true,
      noticeAuth: 'auto',
      ...options,
      retry: { initialDelayMs: 1000, maxDelayMs: 5 * 60_000, ...options.retry },
    };
    if (!(this.#options.batchSize >= 1 && this.#options.batchSize <= 200)) {
      throw new RangeError('batchSize must be 1 to 200 (Rally takes at most 200 events an upload).');
    }
    this.#client = { baseUrl, fetch: options.fetch };
    this.#participant = new RallyParticipant({ baseUrl, token, fetch: options.fetch, noticeAuth: this.#options.noticeAuth });
    this.#storage = options.storage
      ?? (IndexedDbStorage.available ? new IndexedDbStorage({ name: `rally-queue:${studyId}` }) : new MemoryStorage());
  }

  // ---- Joining and the participant's own calls (no study needed) ----

  /**
   * Joins Rally: `POST /v1/participants`. `platformConsentVersion` must be the version of the platform consent the
   * person was shown and accepted (P1): the kit never reads it from the server and accepts it unseen.
   *
   * @param {{ baseUrl: string, platformConsentVersion: string, residesInUnitedStates: boolean, ageAtLeast19: boolean, fetch?: typeof fetch }} options
   * @returns {Promise<{ participantId: string, token: string }>}
   */
  static async join({ baseUrl, platformConsentVersion, residesInUnitedStates, ageAtLeast19, fetch }) {
    if (typeof platformConsentVersion !== 'string' || platformConsentVersion.length === 0) {
      throw new TypeError('join needs the platformConsentVersion the person was shown.');
    }
    if (typeof residesInUnitedStates !== 'boolean' || typeof ageAtLeast19 !== 'boolean') {
      throw new TypeError('join needs residesInUnitedStates and ageAtLeast19, as the person answered them.');
    }
    const { participantId, token } = await call({ baseUrl, fetch }, 'POST', '/v1/participants', {
      body: { platformConsentVersion, residesInUnitedStates, ageAtLeast19 },
    });
    return { participantId, token };
  }

  /** Asks the Rally page this content script runs on for the participant's credential (see README, "One participant per browser"). */
  static fromRallyPage(options) {
    return fromRallyPage(options);
  }

  /** The participant's own calls (`/v1/me/…`): me, profile, export, notices, leaving Rally. */
  static participant({ baseUrl, token, fetch, noticeAuth }) {
    return new RallyParticipant({ baseUrl, token, fetch, noticeAuth });
  }

  /** `GET /v1/platform` (anyone). */
  static platform(options) {
    return platform(options);
  }

  /** `GET /v1/studies`: the catalogue of cards (anyone). */
  static studies(options) {
    return studies(options);
  }

  /** `GET /v1/studies/{studyId}`: one card (anyone). */
  static study(options) {
    return study(options);
  }

  // ---- The study's state ----

  /** `running`, `paused`, `leaving`, `ended`, `not-enrolled` or `needs-consent`; `null` until `start()` resolved. */
  get state() {
    return this.#state;
  }

  /** The study's card as last read (`GET /v1/studies/{studyId}`), or `null` before `start()`. */
  get card() {
    return this.#card;
  }

  get studyId() {
    return this.#options.studyId;
  }

  /** This participant's own calls (the same token): see {@link RallyParticipant}. */
  get participant() {
    return this.#participant;
  }

  /**
   * Reads the study's card and the participant's enrollment, sets `state` (calling `stateChangeCallback`), listens to
   * live notices, and starts uploading what the queue holds. Resolves to the state.
   */
  start() {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start() {
    await this.refresh();
    if (this.#options.notices) {
      const stream = this.#participant.noticeStream();
      this.#unsubscribe.push(stream.onNotice((notice) => this.#onNotice(notice)));
      this.#unsubscribe.push(stream.onReconnected(() => this.refresh().catch(() => {})));
      await stream.start();
    }
    this.#started = true;
    this.#scheduleUpload(0);
    return this.#state;
  }

  /** Reads the card and the enrollment again and updates `state`. Resolves to the state. */
  refresh() {
    const run = this.#refreshChain.then(() => this.#refresh());
    this.#refreshChain = run.catch(() => {});
    return run;
  }

  async #refresh() {
    const card = await study({ ...this.#client, studyId: this.studyId });
    if (!this.#studyKey || this.#studyKey.kid !== card.encryptionKey?.kid) {
      this.#studyKey = await importStudyKey(card.encryptionKey);
    }
    this.#card = card;
    let me;
    try {
      me = await this.#participant.me();
    } catch (error) {
      if (isGone(error)) {
        await this.#gone();
        return this.#state;
      }
      throw error;
    }
    await this.#setState(stateOf(card, me, this.studyId));
    return this.#state;
  }

  /**
   * Enrolls in the study (`POST /v1/me/enrollments`) with the consent version the person read on the card, or
   * consents again to a new version; then re-checks the state. Resolves to the enrollment. Rejects with the storage's
   * error, asking Rally nothing, while a clear of the queue is owed (see `leave()`) and the storage still fails.
   *
   * @param {{ consentVersion: string, shareDemographics?: boolean, privateBrowsingAcknowledged?: boolean }} consent
   */
  async enroll(consent) {
    if (this.#staleQueue) {
      await this.#clearStaleQueue(); // rejects while the storage fails: staying must not send what came before
    }
    const leaves = this.#leaves;
    const enrollment = await this.#participant.enroll(this.studyId, consent ?? {});
    if (this.#leaves === leaves) {
      this.#leaving = false; // enrolling (again) is the participant's newer word: it stays (unless a leave came after)
    }
    await this.refresh();
    return enrollment;
  }

  // ---- Sending ----

  /**
   * Encrypts `payload` (JSON-serialised) to the study's key and queues it for upload, with an id made once and the
   * time now as `collectedAt`. Resolves `true` when queued; `false`, doing nothing, unless the state is `running`, and
   * for `privateWindow: true` where the study does not collect in private windows. Throws `undeclared-type` for a type
   * the card does not declare, `payload-too-large` beyond Rally's 32,768 characters encrypted, and `queue-full` when
   * `maxQueuedEvents` events already wait.
   *
   * @param {string} type one of the card's `dataCollected` types
   * @param {unknown} payload
   * @param {{ privateWindow?: boolean }} [options]
   */
  async send(type, payload, { privateWindow = false } = {}) {
    this.#requireStarted();
    if (this.#state !== States.RUNNING) {
      return false;
    }
    if (!this.#card.dataCollected.some((d) => d.type === type)) {
      throw new RallyError('undeclared-type', `The study does not declare the type '${type}': it collects ${this.#card.dataCollected.map((d) => d.type).join(', ')}.`);
    }
    if (privateWindow && !this.#card.collectsInPrivateBrowsing) {
      return false;
    }
    const event = {
      id: crypto.randomUUID(),
      type,
      collectedAt: new Date().toISOString(),
      privateWindow: Boolean(privateWindow),
      payload: await encrypt(this.#studyKey, JSON.stringify(payload ?? null)),
    };
    const queued = this.#enqueueChain.then(async () => {
      if (this.#staleQueue) {
        await this.#clearQueue(); // what was collected before a leave or the study's end is not sent with it
      }
      if (this.#state !== States.RUNNING || this.#closed) {
        return false; // the state changed while the payload was encrypted
      }
      if ((await this.#storage.count()) >= this.#options.maxQueuedEvents) {
        throw new RallyError('queue-full', `${this.#options.maxQueuedEvents} events already wait to be uploaded; this one was not queued.`);
      }
      // Again, just before the write: the state may have changed while the queue was counted (#setState's clear then
      // waits behind this turn, so an event written here is cleared).
      if (this.#state !== States.RUNNING || this.#closed) {
        return false;
      }
      await this.#storage.add(event);
      return true;
    });
    this.#enqueueChain = queued.catch(() => {});
    if (await queued) {
      this.#scheduleUpload(this.#options.uploadDelayMs);
      return true;
    }
    return false;
  }

  /** How many events wait in the queue. */
  queued() {
    return this.#storage.count();
  }

  /**
   * Uploads what the queue holds now, waiting through retries (network errors, 429, 503: as long as it takes, unless
   * `signal` aborts). Resolves to the number of events still queued: 0, or more when the state stopped being `running`.
   *
   * @param {{ signal?: AbortSignal }} [options]
   */
  async flush({ signal } = {}) {
    this.#requireStarted();
    clearTimeout(this.#uploadTimer);
    this.#uploadTimer = undefined;
    while (!this.#closed && this.#state === States.RUNNING && (await this.#storage.count()) > 0) {
      signal?.throwIfAborted();
      await (signal ? Promise.race([this.#runUploads(), aborted(signal)]) : this.#runUploads());
    }
    return this.#storage.count();
  }

  #scheduleUpload(delayMs) {
    if (!this.#started || this.#closed || this.#state !== States.RUNNING || this.#uploading || this.#uploadTimer) {
      return;
    }
    this.#uploadTimer = setTimeout(() => {
      this.#uploadTimer = undefined;
      this.#runUploads().catch(() => {});
    }, delayMs);
  }

  #runUploads() {
    this.#uploading ??= this.#uploadLoop().finally(() => {
      this.#uploading = undefined;
    });
    return this.#uploading;
  }

  async #uploadLoop() {
    let attempt = 0;
    let limit = this.#options.batchSize;
    while (!this.#closed && this.#state === States.RUNNING) {
      if (this.#staleQueue) {
        await this.#clearStaleQueue(); // rejects when the storage still fails: nothing is sent
      }
      const clearsAsked = this.#clearsAsked;
      const batch = withinBodyLimit(await this.#storage.peek(limit));
      if (clearsAsked !== this.#clearsAsked) {
        continue; // a leave or the study's end came while the queue was read: what was read is not sent
      }
      if (batch.length === 0 || this.#closed || this.#state !== States.RUNNING) {
        return; // read again after the queue answered: the participant may have left meanwhile (nothing goes out after)
      }
      let response;
      try {
        response = await (this.#client.fetch ?? globalThis.fetch)(url(this.#client.baseUrl, `/v1/studies/${encodeURIComponent(this.studyId)}/events`), {
          method: 'POST',
          headers: { Authorization: `Bearer ${this.#options.token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ events: batch.map(({ id, type, collectedAt, privateWindow, payload }) => ({ id, type, collectedAt, privateWindow, payload })) }),
          credentials: 'omit',
          cache: 'no-store',
        });
      } catch (cause) {
        await this.#retry({ reason: 'network', attempt: attempt++, error: cause });
        continue;
      }
      if (response.ok) {
        await response.body?.cancel?.().catch(() => {});
        await this.#storage.remove(batch.map((e) => e.id)); // acknowledged: never sent again
        attempt = 0;
        limit = this.#options.batchSize;
        continue;
      }
      const error = await toError(response);
      const slug = error.code;
      if (response.status === 429 || response.status >= 500) {
        await this.#retry({ reason: slug, status: response.status, attempt: attempt++, retryAfterMs: error.retryAfterMs, error });
      } else if (slug === 'invalid-event' && (error.problem?.eventId || Number.isInteger(error.problem?.eventIndex))) {
        const refused = batch.find((e) => e.id === error.problem.eventId) ?? batch[error.problem.eventIndex];
        await this.#refuse(refused, error);
      } else if (response.status === 401 || response.status === 403 || slug === 'participant-left') {
        await this.#gone();
      } else if (slug === 'not-enrolled' || (response.status === 404)) {
        await this.#setState(States.NOT_ENROLLED);
      } else if (slug === 'study-paused') {
        await this.#setState(States.PAUSED);
      } else if (slug === 'consent-version-mismatch') {
        await this.#setState(States.NEEDS_CONSENT);
      } else if (slug === 'study-not-enrolling') {
        await this.refresh().catch(() => {});
        if (this.#state === States.RUNNING) {
          await this.#retry({ reason: slug, status: response.status, attempt: attempt++, error });
        }
      } else if (batch.length > 1) {
        // Refused as a whole without naming an event (413, or a 400 the kit cannot place): smaller batches find it.
        limit = Math.max(1, Math.floor(batch.length / 2));
      } else {
        await this.#refuse(batch[0], error);
      }
    }
  }

  async #refuse(event, error) {
    await this.#storage.remove([event.id]);
    try {
      this.#options.onEventRefused({
        event: { id: event.id, type: event.type, collectedAt: event.collectedAt, privateWindow: event.privateWindow },
        problem: error.problem,
        error,
      });
    } catch {
      // the callback's failure is the add-on's own
    }
  }

  async #retry({ attempt, retryAfterMs, ...info }) {
    const { initialDelayMs, maxDelayMs } = this.#options.retry;
    const backoff = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt, 20));
    const jittered = backoff / 2 + Math.random() * (backoff / 2);
    // Retry-After is honoured as given: the server said when it will take the request.
    const delayMs = retryAfterMs === undefined ? jittered : retryAfterMs;
    try {
      this.#options.onRetry({ ...info, attempt, delayMs, retryAfterMs });
    } catch {
      // the callback's failure is the add-on's own
    }
    await this.#sleep(delayMs);
  }

  #sleep(ms) {
    return new Promise((resolve) => {
      const sleeper = () => {
        clearTimeout(timer);
        this.#sleepers.delete(sleeper);
        resolve();
      };
      const timer = setTimeout(sleeper, ms);
      this.#sleepers.add(sleeper);
    });
  }

  // ---- Notices ----

  /**
   * Calls `callback(notice)` for each live notice of this participant (`{ id, kind, studyId, message, endsAt, at }`),
   * every study's; returns a function that stops it. Notices may come twice: tell them apart by `id`.
   */
  onNotice(callback) {
    this.#noticeListeners.add(callback);
    if (!this.#options.notices) {
      this.#unsubscribe.push(this.#participant.onNotice(callback));
    }
    return () => this.#noticeListeners.delete(callback);
  }

  /** Acknowledges a notice: it leaves the participant's inbox and is not sent again. */
  ack(noticeId) {
    return this.#participant.ack(noticeId);
  }

  #onNotice(notice) {
    for (const listener of this.#noticeListeners) {
      try {
        listener(notice);
      } catch {
        // a listener's failure is its own
      }
    }
    if (notice?.studyId !== this.studyId || !NOTICE_KINDS.has(notice.kind)) {
      return;
    }
    if (notice.kind === 'study-ended') {
      // An end is final, so the notice is believed at once (also when replayed); the rest is read again from the card.
      this.#setState(States.ENDED).catch(() => {});
      return;
    }
    this.refresh().catch(() => {});
  }

  // ---- Leaving ----

  /**
   * Leaves the study (`DELETE /v1/me/enrollments/{studyId}`). Collection stops at once: the state is `leaving` before
   * this returns its promise, so `send` queues nothing from then on, and the queue is cleared (nothing collected before
   * is ever sent). Resolves, the state `not-enrolled`, to `{ studyId, dataDeletion, deletionId }`: `deleted` (an open
   * study deletes the data now), `locked` (an ended study deletes it when its analysis completes) or `pending`.
   * Rejects with the request's error when it fails, the state then being Rally's word read again: `not-enrolled` when
   * the participant is no longer enrolled (`404 not-enrolled`, or a request that was carried out but whose answer was
   * lost), otherwise still `leaving`, collecting nothing, until `leave()` succeeds or `enroll()` stays. A storage that
   * fails to clear does not fail a leave Rally carried out: the queue is cleared before anything is enrolled, queued or
   * sent again.
   */
  async leave() {
    this.#leaving = true;
    this.#leaves++;
    const stopping = this.#setState(States.LEAVING); // sets the state before its first await: send refuses from here
    // In the refresh's turn, so that no card and enrollment read before the leave is applied after it.
    const leaving = this.#refreshChain.then(() => this.#leave());
    this.#refreshChain = leaving.catch(() => {});
    const [, left] = await Promise.allSettled([stopping, leaving]);
    if (left.status === 'rejected') {
      throw left.reason;
    }
    // Rally carried the leave out: its answer (the deletionId) is the participant's even when the storage failed to
    // clear the queue, which is then cleared before anything is sent again.
    return left.value;
  }

  async #leave() {
    let result;
    try {
      result = await this.#participant.leaveStudy(this.studyId);
    } catch (error) {
      if (error instanceof RallyError && error.code === 'not-enrolled') {
        await this.#setState(States.NOT_ENROLLED).catch(() => {});
      } else {
        // A 5xx, a 429, a network error: the request may or may not have been carried out; Rally says which.
        await this.#refresh().catch(() => {});
      }
      throw error;
    }
    await this.#setState(States.NOT_ENROLLED).catch(() => {}); // a failed clear stays owed, and is retried (#staleQueue)
    return result;
  }

  /** Follows a deletion request: `{ deletionId, studyId, dataDeletion, status, requestedAt, completedAt }`. */
  deletion(deletionId) {
    return this.#participant.deletion(deletionId);
  }

  /** Stops timers, uploads and the notice connection (the queue stays in its storage for next time). */
  async close() {
    this.#closed = true;
    clearTimeout(this.#uploadTimer);
    this.#sleepers.forEach((wake) => wake());
    this.#unsubscribe.forEach((stop) => stop());
    await this.#participant.close();
    await this.#uploading?.catch(() => {});
    await this.#enqueueChain;
    await this.#storage.close?.();
  }

  async #gone() {
    await this.#setState(States.NOT_ENROLLED);
    await this.#participant.close();
  }

  async #setState(next) {
    if (next === States.NOT_ENROLLED) {
      this.#leaving = false; // done: nothing is left to leave
    } else if (this.#leaving && next !== States.ENDED) {
      next = States.LEAVING; // Rally still holds the enrollment, but the participant asked to leave it
    }
    const previous = this.#state;
    // First the state, then the clear, queued behind the sends already writing (#enqueueChain): a send writes only
    // if the state still runs when its turn comes, so whatever it wrote is cleared, whatever the storage.
    this.#state = next;
    try {
      if (next === States.ENDED || next === States.NOT_ENROLLED || next === States.LEAVING) {
        // The study's end and leaving clear the queue: nothing collected is sent after either.
        this.#clearsAsked++;
        await this.#clearStaleQueue();
      }
    } finally {
      // Told even when the clear failed: the state has changed all the same.
      if (next !== previous) {
        this.#announce(next);
      }
    }
  }

  /** A clear of the queue is owed: one was asked for and has not succeeded since. */
  get #staleQueue() {
    return this.#clearsSettled !== this.#clearsAsked;
  }

  /** Clears the queue in the sends' turn, if a clear is still owed when the turn comes; rejects when the storage fails. */
  #clearStaleQueue() {
    const cleared = this.#enqueueChain.then(() => (this.#staleQueue ? this.#clearQueue() : undefined));
    this.#enqueueChain = cleared.catch(() => {});
    return cleared;
  }

  async #clearQueue() {
    const asked = this.#clearsAsked;
    await this.#storage.clear();
    this.#clearsSettled = asked; // a clear asked for meanwhile stays owed: it runs in its own turn
  }

  #announce(next) {
    if (next === States.RUNNING) {
      this.#scheduleUpload(0);
    } else {
      this.#sleepers.forEach((wake) => wake()); // a waiting retry stops: the loop sees the state
    }
    try {
      this.#options.stateChangeCallback(next);
    } catch {
      // the callback's failure is the add-on's own
    }
  }

  #requireStarted() {
    if (!this.#started) {
      throw new RallyError('not-started', 'Call and await rally.start() first.');
    }
    if (this.#closed) {
      throw new RallyError('closed', 'This Rally was closed.');
    }
  }
}

/** The participant's state in the study, from its card and the participant's own record. */
export function stateOf(card, me, studyId) {
  if (card.state === 'ended' || card.state === 'analysis-complete') {
    return States.ENDED;
  }
  const enrollment = me.enrollments?.find((e) => e.studyId === studyId);
  if (!enrollment) {
    return States.NOT_ENROLLED;
  }
  if (enrollment.needsReconsent) {
    return States.NEEDS_CONSENT;
  }
  // Enrolling collects; paused, and any state this kit does not know, sends nothing.
  return card.state === 'enrolling' ? States.RUNNING : States.PAUSED;
}

function isGone(error) {
  return error instanceof RallyError && (error.status === 401 || error.status === 403 || error.code === 'participant-left');
}

/** The oldest events whose upload body stays under Rally's limit (at least one). */
function withinBodyLimit(events) {
  let size = 20;
  const out = [];
  for (const event of events) {
    size += JSON.stringify(event).length + 1;
    if (out.length > 0 && size > MAX_BATCH_CHARS) {
      break;
    }
    out.push(event);
  }
  return out;
}

function aborted(signal) {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
