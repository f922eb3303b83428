import { RallyError } from './errors.js';

/** The message types of the hand-off between the Rally page and an add-on's content script on it (README). */
export const HandoffMessages = Object.freeze({
  REQUEST: 'rally:credential-request',
  CREDENTIAL: 'rally:credential',
  REFUSED: 'rally:credential-refused',
});

/**
 * From an add-on's content script running on the Rally page: asks the page for the participant's credential and
 * waits until the participant has confirmed on the page that this add-on (by the id on its study card) may act for
 * them. Messages go through `window.postMessage` on the page's own origin only, each request with a fresh nonce.
 * Resolves to `{ participantId, token }`; rejects with `credential-refused` when the participant says no, `timeout`
 * after `timeoutMs` (default: wait for as long as it takes), and `not-on-rally-page` when the script is not on the
 * page at `baseUrl`.
 *
 * @param {{ baseUrl: string, addOnId: string, timeoutMs?: number, signal?: AbortSignal, window?: Window }} options
 * @returns {Promise<{ participantId: string, token: string }>}
 */
export function fromRallyPage({ baseUrl, addOnId, timeoutMs, signal, window: page = globalThis.window }) {
  if (!baseUrl || !addOnId) {
    throw new TypeError('fromRallyPage needs baseUrl and addOnId.');
  }
  const origin = new URL(baseUrl).origin;
  if (!page || page.location?.origin !== origin) {
    return Promise.reject(new RallyError('not-on-rally-page', `fromRallyPage runs in a content script on the Rally page (${origin}).`));
  }
  const nonce = randomNonce();
  return new Promise((resolve, reject) => {
    let timer;
    const finish = (settle, value) => {
      page.removeEventListener('message', onMessage);
      clearTimeout(timer);
      settle(value);
    };
    const onMessage = (event) => {
      // Only the page itself answers: same origin, this request's nonce.
      const data = event.data;
      if (event.origin !== origin || !data || typeof data !== 'object' || data.nonce !== nonce) {
        return;
      }
      if (data.type === HandoffMessages.CREDENTIAL && typeof data.token === 'string' && typeof data.participantId === 'string') {
        finish(resolve, { participantId: data.participantId, token: data.token });
      } else if (data.type === HandoffMessages.REFUSED) {
        finish(reject, new RallyError('credential-refused', 'The participant did not let this add-on act for them.'));
      }
    };
    page.addEventListener('message', onMessage);
    if (timeoutMs) {
      timer = setTimeout(() => finish(reject, new RallyError('timeout', `The Rally page did not answer within ${timeoutMs} ms.`)), timeoutMs);
    }
    signal?.addEventListener('abort', () => finish(reject, signal.reason), { once: true });
    page.postMessage({ type: HandoffMessages.REQUEST, addOnId, nonce }, origin);
  });
}

function randomNonce() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
