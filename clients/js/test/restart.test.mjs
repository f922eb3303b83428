// Rally on PostgreSQL stopped while events wait in the kit's file queue, and started again: every event arrives
// exactly once, also those an earlier run of the add-on queued. RALLY_CONTROL_URL is the xunit test's own control
// (ClientKitPostgresTests): POST /stop stops the front and the silo; POST /start starts them again on the same address
// and answers once Rally is ready.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Rally } from '../src/index.js';
import { FileStorage } from '../src/storage/file.js';
import { baseUrl, decrypt, exportWhenStored, newStudy, shownPlatformConsent } from './support/world.mjs';

const controlUrl = process.env.RALLY_CONTROL_URL;

async function control(what) {
  const response = await fetch(`${controlUrl}/${what}`, { method: 'POST' });
  assert.equal(response.status, 200, `${what}: ${await response.text()}`);
}

test('Rally stopped while events wait in the file queue, then started again: every event arrives exactly once', async () => {
  assert.ok(controlUrl, 'RALLY_CONTROL_URL is not set');
  const folder = await mkdtemp(join(tmpdir(), 'rally-kit-'));
  const queueFile = join(folder, 'queue.jsonl');
  const study = await newStudy();
  const { token } = await Rally.join({ baseUrl, platformConsentVersion: await shownPlatformConsent(), residesInUnitedStates: true, ageAtLeast19: true });
  const retries = [];
  const options = {
    baseUrl,
    token,
    studyId: study.studyId,
    batchSize: 7,
    uploadDelayMs: 60_000,
    retry: { initialDelayMs: 100, maxDelayMs: 1000 },
    onRetry: (r) => retries.push(r),
  };
  const sent = [];
  const send = async (rally, n) => {
    assert.equal(await rally.send('page-visit', { n }), true);
    sent.push(n);
  };

  // The add-on's first run: ten events delivered; then Rally stops, ten more wait, and the add-on is unloaded.
  let rally = new Rally({ ...options, storage: new FileStorage(queueFile) });
  try {
    await rally.start();
    await rally.enroll({ consentVersion: '1' });
    for (let n = 0; n < 10; n++) {
      await send(rally, n);
    }
    assert.equal(await rally.flush(), 0);

    await control('stop');
    for (let n = 10; n < 20; n++) {
      await send(rally, n);
    }
    const unloading = AbortSignal.timeout(1500);
    await assert.rejects(rally.flush({ signal: unloading }), (e) => e.name === 'TimeoutError');
    assert.ok(retries.filter((r) => r.reason === 'network').length >= 2, `retried on network errors: ${JSON.stringify(retries)}`);
  } finally {
    await rally.close();
  }

  await control('start');
  // The second run reads the queue back from the file; Rally stops again while its flush is under way.
  rally = new Rally({ ...options, storage: new FileStorage(queueFile) });
  try {
    assert.equal(await rally.start(), 'running');
    assert.equal(await rally.queued(), 10, 'the events queued while Rally was down outlived the add-on');
    for (let n = 20; n < 25; n++) {
      await send(rally, n);
    }
    await control('stop');
    const flushing = rally.flush();
    const restarted = control('start');
    assert.equal(await flushing, 0, 'the flush waited through the outage');
    await restarted;

    const lines = await exportWhenStored(study, 25);
    assert.equal(lines.length, 25);
    assert.equal(new Set(lines.map((l) => l.id)).size, 25, 'each event exactly once');
    const received = (await Promise.all(lines.map((l) => decrypt(study, l.payload)))).map((p) => p.n).sort((a, b) => a - b);
    assert.deepEqual(received, [...sent].sort((a, b) => a - b));
  } finally {
    await rally.close();
    await rm(folder, { recursive: true, force: true });
  }
});
