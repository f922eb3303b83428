import { HttpTransportType, HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
import { call, url } from './http.js';

/** Where this code runs in node (which can set headers on WebSockets) rather than a browser (which cannot). */
export const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof window === 'undefined';

/**
 * A participant's live notices: one SignalR connection to `/hubs/notices`, kept open (reconnecting with backoff, for
 * as long as it is wanted), calling every listener with each `notice` message. In a browser the connection is opened
 * with a hub ticket fetched for each attempt (`POST /v1/me/notices/ticket`), since the long-lived token must never be
 * in a URL; in node the token goes in the `Authorization` header. A notice may come twice (live, then again on replay
 * when reconnecting, until it is acknowledged): listeners tell notices apart by `id`.
 */
export class NoticeStream {
  #client;
  #token;
  #auth;
  #listeners = new Set();
  #reconnectedListeners = new Set();
  #connection;
  #starting;
  #stopped = false;
  #timer;
  #attempt = 0;

  /**
   * @param {{ baseUrl: string, fetch?: typeof fetch }} client
   * @param {string} token
   * @param {'auto' | 'ticket' | 'header'} auth
   */
  constructor(client, token, auth = 'auto') {
    this.#client = client;
    this.#token = token;
    this.#auth = auth === 'auto' ? (isNode ? 'header' : 'ticket') : auth;
  }

  /** Calls `listener(notice)` for each notice; returns a function that stops calling it. */
  onNotice(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `listener()` each time the connection is back after a loss (notices may have been missed meanwhile). */
  onReconnected(listener) {
    this.#reconnectedListeners.add(listener);
    return () => this.#reconnectedListeners.delete(listener);
  }

  /** True while the connection is open. */
  get connected() {
    return this.#connection?.state === 'Connected';
  }

  /** Opens the connection (resolves once connected); keeps trying in the background if the first attempt fails. */
  start() {
    this.#stopped = false;
    this.#starting ??= this.#connect();
    return this.#starting;
  }

  async stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const connection = this.#connection;
    this.#connection = undefined;
    this.#starting = undefined;
    await connection?.stop();
  }

  async #connect() {
    const connection = new HubConnectionBuilder()
      .withUrl(url(this.#client.baseUrl, '/hubs/notices'), {
        transport: HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling,
        accessTokenFactory: () => this.#credential(),
      })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => (this.#stopped ? null : backoff(context.previousRetryCount)) })
      .configureLogging(LogLevel.None)
      .build();
    connection.on('notice', (notice) => {
      for (const listener of this.#listeners) {
        try {
          listener(notice);
        } catch {
          // a listener's failure is its own; the others still hear the notice
        }
      }
    });
    connection.onreconnected(() => this.#reconnectedListeners.forEach((listener) => listener()));
    // Automatic reconnection gives up only when told to (stopped) or when the server refuses the credential.
    connection.onclose(() => this.#retryLater());
    this.#connection = connection;
    try {
      await connection.start();
      this.#attempt = 0;
      if (this.#reconnectedAfterFailure) {
        this.#reconnectedAfterFailure = false;
        this.#reconnectedListeners.forEach((listener) => listener());
      }
    } catch (error) {
      if (isRefusal(error)) {
        this.#stopped = true; // the token no longer works (the participant left Rally, or replaced it)
      }
      this.#retryLater();
    }
  }

  #reconnectedAfterFailure = false;

  #retryLater() {
    if (this.#stopped) {
      return;
    }
    clearTimeout(this.#timer);
    this.#reconnectedAfterFailure = true;
    this.#timer = setTimeout(() => {
      this.#starting = this.#connect();
    }, backoff(this.#attempt++));
  }

  async #credential() {
    if (this.#auth === 'header') {
      return this.#token;
    }
    const { ticket } = await call(this.#client, 'POST', '/v1/me/notices/ticket', { token: this.#token });
    return ticket;
  }
}

function backoff(attempt) {
  const base = Math.min(60_000, 1000 * 2 ** Math.min(attempt, 6));
  return attempt === 0 ? 0 : base / 2 + Math.random() * (base / 2);
}

function isRefusal(error) {
  const status = error?.statusCode ?? error?.status;
  return status === 401 || status === 403 || /\b(401|403)\b/.test(String(error?.message ?? ''));
}
