// Operators pause a study and resume it (the kill switch): the kit hears it live, stops sending while paused (queued
// events wait, new ones are not taken), and sends what waited once the study resumes. Run by ClientKitTests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStorage, Rally } from '../src/index.js';
import { baseUrl, decrypt, eventually, exportEvents, exportWhenStored, newStudy, operator, recorder, shownPlatformConsent } from './support/world.mjs';

test('pause and resume flip the state live; what waited in the queue is sent after the resume', async () => {
  const study = await newStudy();
  const { token } = await Rally.join({ baseUrl, platformConsentVersion: await shownPlatformConsent(), residesInUnitedStates: true, ageAtLeast19: true });
  const states = recorder();
  const notices = recorder();
  const rally = new Rally({ baseUrl, token, studyId: study.studyId, storage: new MemoryStorage(), uploadDelayMs: 60_000, stateChangeCallback: (s) => states.push(s) });
  rally.onNotice((n) => notices.push(n));
  try {
    await rally.start();
    await rally.enroll({ consentVersion: '1' });
    assert.equal(await rally.send('search', { query: 'before the pause' }), true);

    await operator('POST', `/v1/studies/${study.studyId}/pause`, {});
    await states.when((s) => s === 'paused', 'the state to become paused');
    await notices.when((n) => n.kind === 'study-paused' && n.studyId === study.studyId, 'a study-paused notice');
    assert.equal(rally.card.state, 'paused');
    assert.equal(await rally.send('search', { query: 'while paused' }), false);
    assert.equal(await rally.flush(), 1, 'the queued event waits');
    assert.equal((await exportEvents(study)).length, 0);

    await operator('POST', `/v1/studies/${study.studyId}/resume`, {});
    await notices.when((n) => n.kind === 'study-resumed' && n.studyId === study.studyId, 'a study-resumed notice');
    await eventually(() => rally.state === 'running', 'the state to run again');
    assert.deepEqual(states.values, ['not-enrolled', 'running', 'paused', 'running']);
    assert.equal(await rally.send('search', { query: 'after the resume' }), true);
    assert.equal(await rally.flush(), 0);
    const lines = await exportWhenStored(study, 2);
    assert.deepEqual((await Promise.all(lines.map((l) => decrypt(study, l.payload)))).map((p) => p.query).sort(), ['after the resume', 'before the pause']);
  } finally {
    await rally.close();
  }
});

test('an upload refused as study-paused sets the state to paused and keeps the queue', async () => {
  const study = await newStudy();
  const { token } = await Rally.join({ baseUrl, platformConsentVersion: await shownPlatformConsent(), residesInUnitedStates: true, ageAtLeast19: true });
  // No live notices: the refusal of the upload alone must stop the kit.
  const rally = new Rally({ baseUrl, token, studyId: study.studyId, storage: new MemoryStorage(), uploadDelayMs: 60_000, notices: false });
  try {
    await rally.start();
    await rally.enroll({ consentVersion: '1' });
    await rally.send('page-visit', { url: 'https://news.example/p' });
    await operator('POST', `/v1/studies/${study.studyId}/pause`, {});
    assert.equal(await rally.flush(), 1);
    assert.equal(rally.state, 'paused');
    await operator('POST', `/v1/studies/${study.studyId}/resume`, {});
    assert.equal(await rally.refresh(), 'running');
    assert.equal(await rally.flush(), 0);
    await exportWhenStored(study, 1);
  } finally {
    await rally.close();
  }
});
