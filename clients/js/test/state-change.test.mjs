// The kit learns that the participant left the study while an event is on its way into the queue: the event is not
// kept, so nothing collected before the kit knew is sent later (e.g. under a new enrollment). Run by ClientKitTests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStorage, Rally } from '../src/index.js';
import { api, baseUrl, eventually, gate, newStudy, shownPlatformConsent } from './support/world.mjs';

/** A memory queue whose next count is held until released: the moment between `send`'s checks and its write. */
class HeldStorage extends MemoryStorage {
  #hold;

  /** Holds the next count; `reached` resolves once a caller waits in it. */
  hold() {
    this.#hold = gate();
    return this.#hold;
  }

  async count() {
    const hold = this.#hold;
    this.#hold = undefined;
    await hold?.pass();
    return super.count();
  }
}

test('an event being queued while the kit learns the participant left the study is not kept', async () => {
  const study = await newStudy();
  const { token } = await Rally.join({ baseUrl, platformConsentVersion: await shownPlatformConsent(), residesInUnitedStates: true, ageAtLeast19: true });
  const storage = new HeldStorage();
  const rally = new Rally({ baseUrl, token, studyId: study.studyId, storage, uploadDelayMs: 60_000 });
  try {
    await rally.start();
    await rally.enroll({ consentVersion: '1' });

    const held = storage.hold();
    const sending = rally.send('search', { query: 'collected as the participant left' });
    await held.reached;
    // The participant leaves the study elsewhere (the page), and the kit reads that before the event is written.
    await api('DELETE', `/v1/me/enrollments/${study.studyId}`, { token });
    const refreshed = rally.refresh();
    await eventually(() => rally.state === 'not-enrolled', 'the kit to learn that the participant left');
    held.release();

    assert.equal(await refreshed, 'not-enrolled');
    assert.equal(await sending, false, 'not queued: the kit knew by then that the participant had left');
    assert.equal(await rally.queued(), 0);
    assert.equal(await rally.flush(), 0);
  } finally {
    await rally.close();
  }
});
