// Rally.fromRallyPage against a stand-in for the page's window: the request's shape, answers matched by nonce and
// origin only, a refusal, a script not on the Rally page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HandoffMessages, Rally, RallyError } from '../../src/index.js';

/** A window on `origin` whose postMessage delivers to its own listeners (as the page and a content script share one). */
function fakeWindow(origin) {
  const target = new EventTarget();
  const posted = [];
  return {
    posted,
    location: { origin },
    addEventListener: target.addEventListener.bind(target),
    removeEventListener: target.removeEventListener.bind(target),
    postMessage(data, targetOrigin) {
      posted.push({ data, targetOrigin });
    },
    deliver(data, from = origin) {
      const event = new Event('message');
      Object.assign(event, { data, origin: from });
      target.dispatchEvent(event);
    },
  };
}

test('asks the page with a nonce and resolves with the answer carrying that nonce, from the page origin only', async () => {
  const page = fakeWindow('https://rally.example');
  const answer = Rally.fromRallyPage({ baseUrl: 'https://rally.example/', addOnId: 'reading-study@rally.test', window: page });
  assert.equal(page.posted.length, 1);
  const { data, targetOrigin } = page.posted[0];
  assert.equal(targetOrigin, 'https://rally.example');
  assert.equal(data.type, HandoffMessages.REQUEST);
  assert.equal(data.addOnId, 'reading-study@rally.test');
  assert.match(data.nonce, /^[0-9a-f]{32}$/);

  page.deliver({ type: 'rally:credential', nonce: data.nonce, participantId: 'p', token: 'from-elsewhere' }, 'https://evil.example');
  page.deliver({ type: 'rally:credential', nonce: 'another', participantId: 'p', token: 'stale' });
  page.deliver(data); // the request itself, echoed to every listener of the window
  page.deliver({ type: 'rally:credential', nonce: data.nonce, participantId: 'p-1', token: 'rp_good' });
  assert.deepEqual(await answer, { participantId: 'p-1', token: 'rp_good' });
});

test('a refusal on the page rejects with credential-refused; no answer in time rejects with timeout', async () => {
  const page = fakeWindow('https://rally.example');
  const refused = Rally.fromRallyPage({ baseUrl: 'https://rally.example', addOnId: 'a@b', window: page });
  page.deliver({ type: 'rally:credential-refused', nonce: page.posted[0].data.nonce });
  await assert.rejects(refused, (e) => e instanceof RallyError && e.code === 'credential-refused');

  await assert.rejects(Rally.fromRallyPage({ baseUrl: 'https://rally.example', addOnId: 'a@b', window: page, timeoutMs: 20 }), (e) => e.code === 'timeout');
});

test('a script that is not on the Rally page is told so at once', async () => {
  const page = fakeWindow('https://news.example');
  await assert.rejects(Rally.fromRallyPage({ baseUrl: 'https://rally.example', addOnId: 'a@b', window: page }), (e) => e.code === 'not-on-rally-page');
  assert.equal(page.posted.length, 0);
});
