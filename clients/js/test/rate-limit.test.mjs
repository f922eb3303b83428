// Uploads to a front whose upload limit is one at a time, refilled once a second (RALLY_LIMITED_URL, set up by
// ClientKitTests): the kit waits the Retry-After it is told, sends the same batch again, and every event arrives once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStorage, Rally } from '../src/index.js';
import { exportWhenStored, newStudy, shownPlatformConsent } from './support/world.mjs';

const limitedUrl = process.env.RALLY_LIMITED_URL;

test('429 with Retry-After: the kit waits as long as it is told, then sends the batch again', async () => {
  assert.ok(limitedUrl, 'RALLY_LIMITED_URL is not set');
  const study = await newStudy({ base: limitedUrl });
  const { token } = await Rally.join({ baseUrl: limitedUrl, platformConsentVersion: await shownPlatformConsent(limitedUrl), residesInUnitedStates: true, ageAtLeast19: true });
  const uploads = [];
  const retries = [];
  const rally = new Rally({
    baseUrl: limitedUrl,
    token,
    studyId: study.studyId,
    storage: new MemoryStorage(),
    batchSize: 1,
    uploadDelayMs: 60_000,
    notices: false,
    onRetry: (r) => retries.push({ ...r, at: Date.now() }),
    // Watches the kit's uploads (when each left, how it was answered) without changing them.
    fetch: async (url, init) => {
      const response = await fetch(url, init);
      if (String(url).endsWith('/events')) {
        uploads.push({ at: Date.now(), status: response.status, retryAfter: response.headers.get('Retry-After'), ids: JSON.parse(init.body).events.map((e) => e.id) });
      }
      return response;
    },
  });
  try {
    await rally.start();
    await rally.enroll({ consentVersion: '1' });
    for (let i = 0; i < 4; i++) {
      assert.equal(await rally.send('search', { i }), true);
    }
    assert.equal(await rally.flush(), 0);

    const refusals = uploads.filter((u) => u.status === 429);
    assert.ok(refusals.length >= 1, `expected a 429 among ${JSON.stringify(uploads)}`);
    for (const refusal of refusals) {
      assert.ok(Number(refusal.retryAfter) >= 1, 'Rally says when to come back');
      const next = uploads.find((u) => u.at >= refusal.at && u !== refusal && uploads.indexOf(u) > uploads.indexOf(refusal));
      assert.ok(next, 'the batch was sent again');
      assert.deepEqual(next.ids, refusal.ids, 'the same batch, with the same ids');
      assert.ok(next.at - refusal.at >= Number(refusal.retryAfter) * 1000 - 50, `waited ${next.at - refusal.at} ms of the ${refusal.retryAfter} s asked`);
    }
    assert.ok(retries.some((r) => r.reason === 'too-many-requests' && r.retryAfterMs >= 1000 && r.delayMs === r.retryAfterMs));
    assert.equal(uploads.filter((u) => u.status === 202).length, 4);

    const lines = await exportWhenStored(study, 4, limitedUrl);
    assert.equal(lines.length, 4);
    assert.equal(new Set(lines.map((l) => l.id)).size, 4);
  } finally {
    await rally.close();
  }
});
