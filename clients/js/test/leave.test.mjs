// Leaving a study from the add-on: collection stops the moment leave() is called, whatever Rally answers and however
// long it takes; a leave that fails rejects and leaves a state that tells the truth; nothing queued before or during
// a leave is ever sent. Run by ClientKitTests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStorage, Rally } from '../src/index.js';
import { api, baseUrl, decrypt, exportEvents, exportWhenStored, gate, newStudy, recorder, shownPlatformConsent } from './support/world.mjs';

/**
 * The network between the kit and Rally: records every upload, and can hold the next leave request until released
 * or answer it in Rally's place (a failure Rally did not make).
 */
class Network {
  /** The events of every upload the kit made, as sent. */
  uploaded = [];
  #nextLeave;

  fetch = async (input, init = {}) => {
    const method = (init.method ?? 'GET').toUpperCase();
    const path = new URL(String(input)).pathname;
    if (method === 'POST' && /^\/v1\/studies\/[^/]+\/events$/.test(path)) {
      this.uploaded.push(...JSON.parse(init.body).events);
    }
    if (method === 'DELETE' && path.startsWith('/v1/me/enrollments/') && this.#nextLeave) {
      const answer = this.#nextLeave;
      this.#nextLeave = undefined;
      return answer(() => fetch(input, init));
    }
    return fetch(input, init);
  };

  /** Holds the next leave request before it reaches Rally; `reached` resolves once it waits, `release` sends it. */
  holdLeave() {
    let entered;
    const reached = new Promise((resolve) => { entered = resolve; });
    let release;
    const gate = new Promise((resolve) => { release = resolve; });
    this.#nextLeave = async (send) => {
      entered();
      await gate;
      return send();
    };
    return { reached, release };
  }

  /** Answers the next leave request with `answer(send)` instead of Rally (`send` makes the real request). */
  answerLeave(answer) {
    this.#nextLeave = answer;
  }
}

/** A memory queue whose next peek reads the queue, then holds its answer until released: an upload's read in flight. */
class HeldPeekStorage extends MemoryStorage {
  #hold;

  /** Holds the answer of the next peek that finds events; `reached` resolves once it has read them. */
  hold() {
    this.#hold = gate();
    return this.#hold;
  }

  async peek(limit) {
    const events = await super.peek(limit);
    const hold = events.length > 0 ? this.#hold : undefined;
    if (hold) {
      this.#hold = undefined;
      await hold.pass();
    }
    return events;
  }
}

const unreachable = async () => { throw new TypeError('fetch failed'); };
const problem = (status, slug) => async () => new Response(JSON.stringify({ type: `urn:rally:problem:${slug}`, title: slug, status }), {
  status,
  headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '1' },
});

/**
 * A participant enrolled in a new study, its kit started with `network` under it. Uploads wait a minute unless told
 * otherwise, so that an event queued before a leave is still in the queue when it starts.
 */
async function enrolled(network, { storage, uploadDelayMs = 60_000 } = {}) {
  const study = await newStudy();
  const { token } = await Rally.join({ baseUrl, platformConsentVersion: await shownPlatformConsent(), residesInUnitedStates: true, ageAtLeast19: true });
  const states = recorder();
  const rally = new Rally({ baseUrl, token, studyId: study.studyId, storage, fetch: network.fetch, uploadDelayMs, stateChangeCallback: (s) => states.push(s) });
  await rally.start();
  await rally.enroll({ consentVersion: '1' });
  return { study, token, states, rally };
}

/** As `enrolled`, with one event queued, not uploaded. */
async function enrolledWithOneQueued(network) {
  const world = await enrolled(network);
  assert.equal(await world.rally.send('search', { query: 'collected before leaving' }), true);
  assert.equal(await world.rally.queued(), 1);
  return world;
}

/** A participant who stayed sends one event: it is the only one uploaded, and the study stores only it. */
async function sendsOnlyWhatCameAfter(network, study, rally) {
  assert.equal(await rally.send('search', { query: 'collected after staying' }), true);
  assert.equal(await rally.flush(), 0);
  assert.equal(network.uploaded.length, 1);
  const [line] = await exportWhenStored(study, 1);
  assert.deepEqual(await decrypt(study, line.payload), { query: 'collected after staying' });
  assert.equal((await exportEvents(study)).length, 1);
}

async function enrolledInRally(token, studyId) {
  return (await api('GET', '/v1/me', { token })).enrollments.some((e) => e.studyId === studyId);
}

test('collection stops the moment leave() is called: nothing is queued or sent while Rally answers', async () => {
  const network = new Network();
  const { study, token, states, rally } = await enrolledWithOneQueued(network);
  try {
    const held = network.holdLeave();
    const leaving = rally.leave();
    assert.equal(rally.state, 'leaving', 'stopped at once, before Rally answers');
    await held.reached;

    assert.equal(await rally.send('search', { query: 'collected while leaving' }), false);
    assert.equal(await rally.queued(), 0, 'the event queued before the leave is cleared');
    assert.equal(await rally.flush(), 0);
    assert.ok(await enrolledInRally(token, study.studyId), 'Rally has not been asked yet');
    held.release();

    const left = await leaving;
    assert.equal(left.dataDeletion, 'deleted');
    assert.equal(rally.state, 'not-enrolled');
    assert.deepEqual(states.values, ['not-enrolled', 'running', 'leaving', 'not-enrolled']);
    assert.equal(await enrolledInRally(token, study.studyId), false);
    assert.deepEqual(network.uploaded, [], 'nothing collected before or during the leave was sent');
  } finally {
    await rally.close();
  }
});

test('a leave that fails rejects, keeps collection stopped while Rally still holds the enrollment, and can be retried', async () => {
  const network = new Network();
  const { study, token, states, rally } = await enrolledWithOneQueued(network);
  try {
    for (const [failure, expected] of [
      [unreachable, { code: 'network' }],
      [problem(503, 'unavailable'), { code: 'unavailable', status: 503 }],
      [problem(429, 'too-many-requests'), { code: 'too-many-requests', status: 429, retryAfterMs: 1000 }],
    ]) {
      network.answerLeave(failure);
      await assert.rejects(rally.leave(), expected);
      assert.ok(await enrolledInRally(token, study.studyId), 'Rally still holds the enrollment');
      assert.equal(rally.state, 'leaving', `after ${expected.code}: not not-enrolled (Rally still holds it), not running (the participant asked to leave)`);
      assert.equal(await rally.send('search', { query: `collected after ${expected.code}` }), false);
      assert.equal(await rally.queued(), 0);
      assert.equal(await rally.flush(), 0);
    }
    // Reading Rally again does not start collecting: the participant's request stands until it is carried out.
    assert.equal(await rally.refresh(), 'leaving');

    const left = await rally.leave();
    assert.equal(left.dataDeletion, 'deleted');
    assert.equal(rally.state, 'not-enrolled');
    assert.equal(await enrolledInRally(token, study.studyId), false);
    assert.deepEqual(states.values, ['not-enrolled', 'running', 'leaving', 'not-enrolled']);
    assert.deepEqual(network.uploaded, [], 'nothing collected before the leave was sent');
  } finally {
    await rally.close();
  }
});

test('a leave Rally carried out whose answer was lost reads not-enrolled from Rally', async () => {
  const network = new Network();
  const { study, token, rally } = await enrolledWithOneQueued(network);
  try {
    network.answerLeave(async (send) => {
      await (await send()).body?.cancel();
      throw new TypeError('fetch failed');
    });
    await assert.rejects(rally.leave(), { code: 'network' });
    assert.equal(await enrolledInRally(token, study.studyId), false);
    assert.equal(rally.state, 'not-enrolled');
    assert.equal(await rally.queued(), 0);
    assert.deepEqual(network.uploaded, []);
  } finally {
    await rally.close();
  }
});

test('after a failed leave the participant may stay: enroll() collects again, and what was queued before the leave is never sent', async () => {
  const network = new Network();
  const { study, states, rally } = await enrolledWithOneQueued(network);
  try {
    network.answerLeave(problem(503, 'unavailable'));
    await assert.rejects(rally.leave(), { code: 'unavailable' });
    assert.equal(rally.state, 'leaving');

    await rally.enroll({ consentVersion: '1' });
    assert.equal(rally.state, 'running');
    assert.equal(await rally.queued(), 0);
    await sendsOnlyWhatCameAfter(network, study, rally);
    assert.deepEqual(states.values, ['not-enrolled', 'running', 'leaving', 'running']);
  } finally {
    await rally.close();
  }
});

test('an upload whose read of the queue is answered after leave() was called sends nothing', async () => {
  const network = new Network();
  const storage = new HeldPeekStorage();
  const { rally } = await enrolled(network, { storage, uploadDelayMs: 0 });
  try {
    const held = storage.hold();
    assert.equal(await rally.send('search', { query: 'collected before leaving' }), true);
    await held.reached; // the upload has read the event and is about to send it

    const leaving = rally.leave();
    held.release();
    assert.equal((await leaving).dataDeletion, 'deleted');
    assert.equal(await rally.flush(), 0);
    assert.deepEqual(network.uploaded, [], 'the upload saw the leave before sending');
  } finally {
    await rally.close();
  }
});

/** A memory queue whose clear fails while `failing` is set, as a full disk or a closed database would. */
class FailingClearStorage extends MemoryStorage {
  failing = false;

  async clear() {
    if (this.failing) {
      throw new Error('the storage failed to clear');
    }
    return super.clear();
  }
}

test('a leave Rally carried out resolves with its deletionId when the queue cannot be cleared, and the queue is cleared before anything is enrolled, queued or sent again', async () => {
  const network = new Network();
  const storage = new FailingClearStorage();
  const { study, token, rally } = await enrolled(network, { storage });
  try {
    assert.equal(await rally.send('search', { query: 'collected before leaving' }), true);
    storage.failing = true;

    const left = await rally.leave();
    assert.equal(left.dataDeletion, 'deleted');
    assert.match(left.deletionId, /\S/, 'the deletionId reaches the caller');
    assert.equal(rally.state, 'not-enrolled');
    assert.equal(await enrolledInRally(token, study.studyId), false);
    assert.equal(await rally.queued(), 1, 'the storage kept the event it failed to clear');

    // Staying waits for the clear: enroll() asks Rally nothing while the storage fails.
    await assert.rejects(rally.enroll({ consentVersion: '1' }), /failed to clear/);
    assert.equal(rally.state, 'not-enrolled');
    assert.equal(await enrolledInRally(token, study.studyId), false);

    // Enrolled again elsewhere (the page) and read by the kit: nothing is queued or sent until the queue clears.
    await api('POST', '/v1/me/enrollments', { token, body: { studyId: study.studyId, consentVersion: '1', shareDemographics: false, privateBrowsingAcknowledged: false } });
    assert.equal(await rally.refresh(), 'running');
    await assert.rejects(rally.send('search', { query: 'collected while the queue is stale' }), /failed to clear/);
    await assert.rejects(rally.flush(), /failed to clear/);
    assert.deepEqual(network.uploaded, [], 'the event collected before the leave was not sent');

    storage.failing = false;
    await sendsOnlyWhatCameAfter(network, study, rally);
  } finally {
    storage.failing = false;
    await rally.close();
  }
});

test('an upload whose read of the queue began before a leave that failed sends nothing from it, even once the participant stays', async () => {
  const network = new Network();
  const storage = new HeldPeekStorage();
  const { study, rally } = await enrolled(network, { storage, uploadDelayMs: 0 });
  try {
    const held = storage.hold();
    assert.equal(await rally.send('search', { query: 'collected before leaving' }), true);
    await held.reached; // the upload has read the event and is about to send it

    network.answerLeave(problem(503, 'unavailable'));
    await assert.rejects(rally.leave(), { code: 'unavailable' });
    await rally.enroll({ consentVersion: '1' });
    assert.equal(rally.state, 'running');
    held.release();
    await sendsOnlyWhatCameAfter(network, study, rally);
  } finally {
    await rally.close();
  }
});
