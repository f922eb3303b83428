// Types of Rally's JavaScript client kit (src/, JavaScript with JSDoc). Kept by hand beside the code.

/** A study's state for this participant. */
export type RallyState = 'running' | 'paused' | 'leaving' | 'ended' | 'not-enrolled' | 'needs-consent';

export declare const States: Readonly<{
  RUNNING: 'running';
  PAUSED: 'paused';
  LEAVING: 'leaving';
  ENDED: 'ended';
  NOT_ENROLLED: 'not-enrolled';
  NEEDS_CONSENT: 'needs-consent';
}>;

/** 10,000: the default bound of the queue. */
export declare const DEFAULT_MAX_QUEUED_EVENTS: number;
/** 100: events per upload by default. */
export declare const DEFAULT_BATCH_SIZE: number;
/** 32,768: Rally's limit on an encrypted payload, in characters. */
export declare const MAX_PAYLOAD_CHARS: number;

/** An RFC 9457 problem as Rally answers it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  traceId?: string;
  errors?: Record<string, string[]>;
  /** On `invalid-event`: the refused event's position in its batch. */
  eventIndex?: number;
  /** On `invalid-event`: the refused event's id. */
  eventId?: string;
}

export declare class RallyError extends Error {
  /** The problem's slug (`study-paused`, `not-enrolled`, …), or the kit's own: `network`, `queue-full`, `undeclared-type`, `payload-too-large`, `not-started`, `closed`, `key-mismatch`, `credential-refused`, `timeout`, `not-on-rally-page`. */
  readonly code: string;
  readonly status?: number;
  readonly problem?: Problem;
  readonly retryAfterMs?: number;
}

/** An event as the queue keeps it: the payload already encrypted. */
export interface QueuedEvent {
  id: string;
  type: string;
  collectedAt: string;
  privateWindow: boolean;
  /** A compact JWE to the study's key. */
  payload: string;
}

/** Where events wait until Rally acknowledges them. Operations resolve once durable. */
export interface QueueStorage {
  /** Adds the event at the end (an id already present is ignored). */
  add(event: QueuedEvent): Promise<void>;
  /** The oldest `limit` events, oldest first. */
  peek(limit: number): Promise<QueuedEvent[]>;
  remove(ids: string[]): Promise<void>;
  count(): Promise<number>;
  clear(): Promise<void>;
  close?(): Promise<void>;
}

export declare class MemoryStorage implements QueueStorage {
  add(event: QueuedEvent): Promise<void>;
  peek(limit: number): Promise<QueuedEvent[]>;
  remove(ids: string[]): Promise<void>;
  count(): Promise<number>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

export declare class IndexedDbStorage implements QueueStorage {
  /** @param options.name the database's name; `new Rally` uses `rally-queue:<studyId>` by default. */
  constructor(options?: { name?: string; indexedDB?: IDBFactory });
  static readonly available: boolean;
  add(event: QueuedEvent): Promise<void>;
  peek(limit: number): Promise<QueuedEvent[]>;
  remove(ids: string[]): Promise<void>;
  count(): Promise<number>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

export interface Notice {
  id: string;
  kind: 'study-ending' | 'study-ended' | 'consent-changed' | 'data-deleted' | 'study-paused' | 'study-resumed' | (string & {});
  studyId: string;
  message: string;
  endsAt: string | null;
  at: string;
}

export interface StudyCard {
  studyId: string;
  name: string;
  partner: string;
  partnerId: string;
  description: string;
  dataCollected: { type: string; description: string }[];
  whoHasAccess: string;
  howDataIsUsed: string;
  collectsInPrivateBrowsing: boolean;
  privateBrowsingWarning: string | null;
  consentVersion: string;
  encryptionKey: { kty: 'EC'; crv: 'P-256'; x: string; y: string; kid: string; use: string; alg: string };
  addOn: { id: string; downloadUrl: string };
  state: 'draft' | 'enrolling' | 'paused' | 'ended' | 'analysis-complete' | (string & {});
  endsAt: string | null;
  createdAt: string;
  launchedAt: string | null;
  endedAt: string | null;
  analysisCompletedAt: string | null;
}

export interface Enrollment {
  studyId: string;
  consentVersion: string;
  shareDemographics: boolean;
  enrolledAt: string;
  needsReconsent: boolean;
}

export interface Me {
  participantId: string;
  status: string;
  joinedAt: string;
  platformConsentVersion: string;
  hasProfile: boolean;
  enrollments: Enrollment[];
  notices: Notice[];
}

/** The demographic survey: every answer optional, the allowed values in docs/openapi.json. */
export interface Profile {
  ageRange?: string | null;
  gender?: string | null;
  hispanicLatinxSpanishOrigin?: boolean | null;
  races?: string[] | null;
  schoolLevel?: string | null;
  householdIncomeRange?: string | null;
  zipCode?: string | null;
}

export interface LeaveStudyResult {
  studyId: string;
  dataDeletion: 'deleted' | 'locked' | 'pending';
  deletionId: string;
}

export interface Deletion {
  deletionId: string;
  studyId: string;
  dataDeletion: 'deleted' | 'locked' | 'pending';
  status: 'pending' | 'locked' | 'completed';
  requestedAt: string;
  completedAt: string | null;
}

export interface LeaveRallyResult {
  status: 'left';
  leftAt: string;
  profileDeleted: boolean;
  studies: LeaveStudyResult[];
}

export interface Consent {
  /** The consent version the person read on the card. */
  consentVersion: string;
  shareDemographics?: boolean;
  privateBrowsingAcknowledged?: boolean;
}

export interface Credential {
  participantId: string;
  token: string;
}

export interface RefusedEvent {
  event: Omit<QueuedEvent, 'payload'>;
  problem?: Problem;
  error: RallyError;
}

export interface RetryInfo {
  /** `network`, or the problem's slug (`too-many-requests`, `unavailable`, …). */
  reason: string;
  status?: number;
  attempt: number;
  delayMs: number;
  retryAfterMs?: number;
  error: unknown;
}

type Fetch = typeof fetch;

export interface RallyOptions {
  baseUrl: string;
  token: string;
  studyId: string;
  /** Called with the new state on every change, and once by `start()`. */
  stateChangeCallback?: (state: RallyState) => void;
  /** Default: IndexedDB in browsers (`rally-queue:<studyId>`), memory elsewhere. In node, `FileStorage` keeps events across restarts. */
  storage?: QueueStorage;
  /** An event Rally refused (by `eventIndex`, or alone in its batch): it was dropped from the queue. */
  onEventRefused?: (refused: RefusedEvent) => void;
  /** Before each wait to send a batch again. */
  onRetry?: (retry: RetryInfo) => void;
  /** Default 10,000: `send` throws `queue-full` beyond. */
  maxQueuedEvents?: number;
  /** Events per upload, 1 to 200; default 100. */
  batchSize?: number;
  /** How long after `send` an upload starts, gathering what else is sent meanwhile; default 1000 ms. */
  uploadDelayMs?: number;
  /** Backoff after a network error, 5xx or a 429 without Retry-After: from `initialDelayMs` (1 s), doubling, at most `maxDelayMs` (5 min), with jitter. */
  retry?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Listen to live notices (default true). */
  notices?: boolean;
  /** `ticket` (browsers), `header` (node), or `auto` (default: by where the code runs). */
  noticeAuth?: 'auto' | 'ticket' | 'header';
  fetch?: Fetch;
}

export declare class RallyParticipant {
  constructor(options: { baseUrl: string; token: string; fetch?: Fetch; noticeAuth?: 'auto' | 'ticket' | 'header' });
  readonly baseUrl: string;
  me(): Promise<Me>;
  notices(): Promise<Notice[]>;
  profile(): Promise<Profile | null>;
  putProfile(profile: Profile): Promise<Profile>;
  deleteProfile(): Promise<void>;
  enroll(studyId: string, consent: Consent): Promise<Enrollment>;
  /** `PATCH /v1/me/enrollments/{studyId}`: share the demographic profile with the study, or stop sharing it. */
  setSharing(studyId: string, shareDemographics: boolean): Promise<Enrollment>;
  leaveStudy(studyId: string): Promise<LeaveStudyResult>;
  deletion(deletionId: string): Promise<Deletion>;
  ack(noticeId: string): Promise<void>;
  /** `GET /v1/me/export`, or `null` where the server does not offer it. */
  exportData(): Promise<Record<string, unknown> | null>;
  leaveRally(): Promise<LeaveRallyResult>;
  onNotice(callback: (notice: Notice) => void): () => void;
  noticeStream(): NoticeStream;
  close(): Promise<void>;
}

export interface NoticeStream {
  readonly connected: boolean;
  onNotice(listener: (notice: Notice) => void): () => void;
  onReconnected(listener: () => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export declare const HandoffMessages: Readonly<{
  REQUEST: 'rally:credential-request';
  CREDENTIAL: 'rally:credential';
  REFUSED: 'rally:credential-refused';
}>;

export interface FromRallyPageOptions {
  baseUrl: string;
  /** The add-on's id, as its study card names it (`addOn.id`). */
  addOnId: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  window?: Window;
}

export declare function fromRallyPage(options: FromRallyPageOptions): Promise<Credential>;

export declare function stateOf(card: Pick<StudyCard, 'state'>, me: Pick<Me, 'enrollments'>, studyId: string): RallyState;

export declare class Rally {
  static join(options: { baseUrl: string; platformConsentVersion: string; residesInUnitedStates: boolean; ageAtLeast19: boolean; fetch?: Fetch }): Promise<Credential>;
  static fromRallyPage(options: FromRallyPageOptions): Promise<Credential>;
  static participant(options: { baseUrl: string; token: string; fetch?: Fetch; noticeAuth?: 'auto' | 'ticket' | 'header' }): RallyParticipant;
  static platform(options: { baseUrl: string; fetch?: Fetch }): Promise<{ platformConsentVersion: string; eligibility: Record<string, unknown> }>;
  static studies(options: { baseUrl: string; fetch?: Fetch }): Promise<StudyCard[]>;
  static study(options: { baseUrl: string; studyId: string; fetch?: Fetch }): Promise<StudyCard>;

  constructor(options: RallyOptions);
  /** `null` until `start()` resolved. */
  readonly state: RallyState | null;
  readonly card: StudyCard | null;
  readonly studyId: string;
  readonly participant: RallyParticipant;

  start(): Promise<RallyState>;
  refresh(): Promise<RallyState>;
  /** Rejects with the storage's error, asking Rally nothing, while a clear of the queue is owed (see `leave`). */
  enroll(consent: Consent): Promise<Enrollment>;
  /**
   * `true` when queued; `false` unless running, or for a private window the study does not collect in. Rejects with
   * the storage's error while a clear of the queue is owed and the storage still fails (as `flush` does).
   */
  send(type: string, payload: unknown, options?: { privateWindow?: boolean }): Promise<boolean>;
  queued(): Promise<number>;
  /** Resolves to the number of events still queued (0 unless the state stopped being `running`). */
  flush(options?: { signal?: AbortSignal }): Promise<number>;
  onNotice(callback: (notice: Notice) => void): () => void;
  ack(noticeId: string): Promise<void>;
  /**
   * The state is `leaving` at once (nothing is sent from then on, the queue is cleared), `not-enrolled` once Rally
   * confirms. Rejects with the request's error when it fails; the state is then Rally's word read again:
   * `not-enrolled`, or still `leaving` (collecting nothing) until `leave()` succeeds or `enroll()` stays. A storage
   * that fails to clear does not fail a leave Rally carried out: the queue is cleared before anything is enrolled,
   * queued or uploaded again.
   */
  leave(): Promise<LeaveStudyResult>;
  deletion(deletionId: string): Promise<Deletion>;
  close(): Promise<void>;
}
