// The kit against a real Rally: an add-on's whole journey, a refused event among good ones, a study's end and a new
// consent heard live, the participant calls the page makes. Run by ClientKitTests (tests/Rally.Tests/ClientKit).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompactEncrypt, generateKeyPair, exportJWK, calculateJwkThumbprint } from 'jose';
import { MemoryStorage, Rally, RallyError } from '../src/index.js';
import { api, baseUrl, decrypt, eventually, exportEvents, exportWhenStored, newStudy, operator, recorder, shownPlatformConsent } from './support/world.mjs';

/** A participant who joined as the page would let them, and a started Rally for the study. */
async function participantIn(study, options = {}) {
  const credential = await Rally.join({
    baseUrl,
    platformConsentVersion: await shownPlatformConsent(),
    residesInUnitedStates: true,
    ageAtLeast19: true,
  });
  const states = recorder();
  const notices = recorder();
  const rally = new Rally({
    baseUrl,
    token: credential.token,
    studyId: study.studyId,
    storage: new MemoryStorage(),
    stateChangeCallback: (state) => states.push(state),
    uploadDelayMs: 60_000, // the tests flush by hand
    ...options,
  });
  rally.onNotice((notice) => notices.push(notice));
  await rally.start();
  return { credential, rally, states, notices };
}

test('the whole journey: join, enroll, send, flush; the researcher exports and decrypts every event once; leaving deletes it', async () => {
  const study = await newStudy();
  const { credential, rally, states } = await participantIn(study);
  try {
    assert.match(credential.participantId, /^[0-9a-f-]{36}$/);
    assert.match(credential.token, /^rp_/);
    assert.equal(rally.state, 'not-enrolled');
    assert.equal(await rally.send('page-visit', { url: 'https://news.example/a' }), false, 'nothing is sent before enrolling');

    await rally.enroll({ consentVersion: rally.card.consentVersion, shareDemographics: false });
    assert.equal(rally.state, 'running');
    assert.deepEqual(states.values, ['not-enrolled', 'running']);

    const sent = [
      { type: 'page-visit', payload: { url: 'https://news.example/a', seconds: 42 } },
      { type: 'search', payload: { query: 'weather tomorrow' } },
      { type: 'page-visit', payload: { url: 'https://news.example/b', seconds: 7, tags: ['é', '日本'] } },
    ];
    for (const { type, payload } of sent) {
      assert.equal(await rally.send(type, payload), true);
    }
    await assert.rejects(rally.send('keystrokes', {}), (e) => e instanceof RallyError && e.code === 'undeclared-type');
    assert.equal(await rally.send('page-visit', {}, { privateWindow: true }), false, 'this study does not collect in private windows');
    assert.equal(await rally.queued(), 3);

    assert.equal(await rally.flush(), 0);
    const lines = await exportWhenStored(study, 3);
    assert.equal(lines.length, 3);
    assert.equal(new Set(lines.map((l) => l.id)).size, 3, 'each event once');
    assert.equal(new Set(lines.map((l) => l.participant)).size, 1, 'one pseudonym');
    assert.notEqual(lines[0].participant, credential.participantId);
    const received = await Promise.all(lines.map(async (l) => ({ type: l.type, payload: await decrypt(study, l.payload) })));
    const key = (e) => JSON.stringify(e);
    assert.deepEqual(received.map(key).sort(), sent.map(key).sort());

    // Flushing again sends nothing: what was acknowledged is never sent again.
    assert.equal(await rally.flush(), 0);
    assert.equal((await exportEvents(study)).length, 3);

    const left = await rally.leave();
    assert.equal(left.dataDeletion, 'deleted');
    assert.equal(rally.state, 'not-enrolled');
    assert.equal(await rally.send('search', { query: 'after leaving' }), false);
    await eventually(async () => (await rally.deletion(left.deletionId)).status === 'completed', 'the deletion to complete');
    assert.equal((await exportEvents(study)).length, 0, "the participant's events are deleted");
  } finally {
    await rally.close();
  }
});

test('an event the server refuses by eventIndex is dropped and reported; the rest of its batch arrives', async () => {
  const study = await newStudy();
  const storage = new MemoryStorage();
  const refused = recorder();
  const { rally } = await participantIn(study, { storage, onEventRefused: (r) => refused.push(r) });
  try {
    await rally.enroll({ consentVersion: '1' });
    await rally.send('page-visit', { n: 1 });
    await rally.send('page-visit', { n: 2 });
    // An event queued under another key (a kit that read another card): its kid is not the study's, so Rally refuses it.
    const other = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
    const otherJwk = await exportJWK(other.publicKey);
    const badId = crypto.randomUUID();
    await storage.add({
      id: badId,
      type: 'page-visit',
      collectedAt: new Date().toISOString(),
      privateWindow: false,
      payload: await new CompactEncrypt(new TextEncoder().encode('{"n":0}'))
        .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: await calculateJwkThumbprint(otherJwk, 'sha256') })
        .encrypt(other.publicKey),
    });
    await rally.send('search', { n: 3 });
    await rally.send('search', { n: 4 });
    assert.equal(await rally.queued(), 5);

    assert.equal(await rally.flush(), 0);
    assert.equal(refused.values.length, 1);
    assert.equal(refused.values[0].event.id, badId);
    assert.match(refused.values[0].problem.type, /invalid-event$/);
    assert.equal(refused.values[0].problem.eventIndex, 2);

    const lines = await exportWhenStored(study, 4);
    assert.equal(lines.length, 4);
    assert.ok(!lines.some((l) => l.id === badId));
    assert.deepEqual((await Promise.all(lines.map((l) => decrypt(study, l.payload)))).map((p) => p.n).sort(), [1, 2, 3, 4]);
  } finally {
    await rally.close();
  }
});

test("a study's end, heard live, flips the state to ended, clears the queue and stops sending", async () => {
  const study = await newStudy();
  // The browser's way to the hub (a ticket in the query string), exercised here under node.
  const { rally, states, notices } = await participantIn(study, { noticeAuth: 'ticket' });
  try {
    await rally.enroll({ consentVersion: '1' });
    await rally.send('search', { query: 'before the end' });
    assert.equal(await rally.flush(), 0);
    await exportWhenStored(study, 1);

    await operator('POST', `/v1/studies/${study.studyId}/announce-end`, { endsAt: new Date(Date.now() + 3_600_000).toISOString() });
    const ending = await notices.when((n) => n.kind === 'study-ending' && n.studyId === study.studyId, 'a study-ending notice');
    assert.equal(rally.state, 'running', 'an announced end changes nothing yet');
    await rally.ack(ending.id);

    await rally.send('search', { query: 'queued, never sent' });
    await rally.send('page-visit', { url: 'https://news.example/queued' });
    assert.equal(await rally.queued(), 2);

    await operator('POST', `/v1/studies/${study.studyId}/end`, {});
    await states.when((s) => s === 'ended', 'the state to become ended');
    assert.ok(notices.values.some((n) => n.kind === 'study-ended' && n.studyId === study.studyId));
    assert.equal(rally.state, 'ended');
    assert.equal(await rally.queued(), 0, "the study's end clears the queue");
    assert.equal(await rally.send('search', { query: 'after the end' }), false);
    assert.equal(await rally.flush(), 0);
    assert.equal((await exportEvents(study)).length, 1, 'nothing after the first event');
  } finally {
    await rally.close();
  }
});

test('a new consent, heard live, stops sending until the participant consents again', async () => {
  const study = await newStudy();
  const { rally, states } = await participantIn(study);
  try {
    await rally.enroll({ consentVersion: '1' });
    await rally.send('search', { query: 'under consent 1' });
    await api('PUT', `/v1/studies/${study.studyId}/consent`, { token: study.researcherKey, body: { consentVersion: '2' } });
    await states.when((s) => s === 'needs-consent', 'the state to become needs-consent');
    assert.equal(await rally.send('search', { query: 'not consented' }), false);

    await rally.enroll({ consentVersion: rally.card.consentVersion });
    assert.equal(rally.card.consentVersion, '2');
    assert.equal(rally.state, 'running');
    assert.equal(await rally.send('search', { query: 'under consent 2' }), true);
    assert.equal(await rally.flush(), 0);
    const lines = await exportWhenStored(study, 2);
    assert.deepEqual((await Promise.all(lines.map((l) => decrypt(study, l.payload)))).map((p) => p.query).sort(), ['under consent 1', 'under consent 2']);
  } finally {
    await rally.close();
  }
});

test('leaving the study elsewhere (the page) stops the add-on: its queue is cleared and nothing more is sent', async () => {
  const study = await newStudy();
  const { credential, rally, states } = await participantIn(study);
  try {
    await rally.enroll({ consentVersion: '1' });
    await rally.send('search', { query: 'queued when the participant left on the page' });
    const page = Rally.participant({ baseUrl, token: credential.token });
    const seen = states.values.length;
    const left = await page.leaveStudy(study.studyId);
    assert.equal(left.dataDeletion, 'deleted');
    // The data-deleted notice (or, failing it, the next upload's 404 not-enrolled) tells the add-on.
    await states.when((s) => s === 'not-enrolled', 'the state to become not-enrolled', 30_000, seen);
    assert.equal(await rally.queued(), 0);
    assert.equal(await rally.send('search', { query: 'after leaving' }), false);
    assert.equal((await exportEvents(study)).length, 0);
  } finally {
    await rally.close();
  }
});

test('the participant calls a page makes: catalogue, card, me, profile, export, inbox, leaving Rally', async () => {
  const study = await newStudy();
  const catalogue = await Rally.studies({ baseUrl });
  assert.ok(catalogue.some((c) => c.studyId === study.studyId));
  assert.equal((await Rally.study({ baseUrl, studyId: study.studyId })).name, 'Reading habits');
  assert.equal(typeof (await Rally.platform({ baseUrl })).platformConsentVersion, 'string');
  await assert.rejects(
    Rally.join({ baseUrl, platformConsentVersion: '0.0-not-shown', residesInUnitedStates: true, ageAtLeast19: true }),
    (e) => e instanceof RallyError && e.code === 'consent-version-mismatch' && e.status === 422);
  await assert.rejects(
    Rally.join({ baseUrl, platformConsentVersion: await shownPlatformConsent(), residesInUnitedStates: true, ageAtLeast19: false }),
    (e) => e.code === 'not-eligible');

  const { token } = await Rally.join({ baseUrl, platformConsentVersion: await shownPlatformConsent(), residesInUnitedStates: true, ageAtLeast19: true });
  const me = Rally.participant({ baseUrl, token });
  try {
    assert.equal(await me.profile(), null);
    const profile = await me.putProfile({ ageRange: '25-34', races: ['white', 'asian-indian'], zipCode: '02139' });
    assert.equal(profile.ageRange, '25-34');
    assert.deepEqual(await me.profile(), profile);
    await assert.rejects(me.putProfile({ ageRange: 'twelve' }), (e) => e.code === 'invalid-request');
    await me.deleteProfile();
    assert.equal(await me.profile(), null);

    const enrollment = await me.enroll(study.studyId, { consentVersion: '1', shareDemographics: true });
    assert.equal(enrollment.shareDemographics, true);
    assert.deepEqual((await me.me()).enrollments.map((e) => e.studyId), [study.studyId]);

    const heard = recorder();
    const stop = me.onNotice((n) => heard.push(n));
    await eventually(() => me.noticeStream().connected, 'the notice connection');
    await api('PUT', `/v1/studies/${study.studyId}/consent`, { token: study.researcherKey, body: { consentVersion: '2' } });
    const notice = await heard.when((n) => n.kind === 'consent-changed', 'a consent-changed notice');
    stop();
    // Heard live first: the fan-out writes the inboxes once the push is out, so the inbox gets it a moment later.
    await eventually(async () => (await me.notices()).length > 0, 'the notice in the inbox');
    assert.deepEqual((await me.notices()).map((n) => n.id), [notice.id]);
    await me.ack(notice.id);
    assert.deepEqual(await me.notices(), []);
    await me.ack(notice.id); // acknowledging twice is harmless

    const exported = await me.exportData(); // null until the server offers GET /v1/me/export
    assert.ok(exported === null || typeof exported === 'object');

    const left = await me.leaveRally();
    assert.equal(left.status, 'left');
    assert.deepEqual(left.studies.map((s) => s.studyId), [study.studyId]);
    await assert.rejects(me.me(), (e) => e.status === 401);
  } finally {
    await me.close();
  }
});
