// What the integration tests need around the kit: a real Rally (RALLY_URL, started by the xunit test that runs these
// files, with the operator key RALLY_OPERATOR_KEY), partners, researchers and studies made through the API as
// operators and researchers make them, a study key pair made here (the private half never leaves the test), and the
// researcher's export decrypted with it.
import assert from 'node:assert/strict';
import { calculateJwkThumbprint, compactDecrypt, exportJWK, generateKeyPair } from 'jose';

export const baseUrl = required('RALLY_URL');
export const operatorKey = required('RALLY_OPERATOR_KEY');

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: these tests run against a Rally started by tests/Rally.Tests (ClientKitTests).`);
  }
  return value;
}

/** One HTTP call; throws with the answer unless it is 2xx. */
export async function api(method, path, { token, body, base = baseUrl, raw = false } = {}) {
  const headers = {};
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (raw) {
    return response;
  }
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export const operator = (method, path, body, base) => api(method, path, { token: operatorKey, body, base });

/**
 * A partner, one researcher, and an enrolling study whose key pair was made here.
 * @returns {Promise<{ studyId: string, researcherKey: string, privateKey: CryptoKey, card: object }>}
 */
export async function newStudy({ dataCollected, collectsInPrivateBrowsing = false, consentVersion = '1', base = baseUrl } = {}) {
  const partner = await operator('POST', '/v1/partners', { name: 'Kit Lab' }, base);
  const researcher = await operator('POST', `/v1/partners/${partner.partnerId}/researchers`, { name: 'Dr. Kit' }, base);
  const { publicKey, privateKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
  const jwk = await exportJWK(publicKey);
  const card = {
    name: 'Reading habits',
    description: 'How people read the news.',
    dataCollected: dataCollected ?? [
      { type: 'page-visit', description: 'Pages you visit and for how long' },
      { type: 'search', description: 'Search engine queries' },
    ],
    whoHasAccess: 'The study team at Kit Lab',
    howDataIsUsed: 'To write a paper on reading habits',
    collectsInPrivateBrowsing,
    consentVersion,
    encryptionKey: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid: await calculateJwkThumbprint(jwk, 'sha256') },
    addOn: { id: 'reading-study@rally.test', downloadUrl: 'https://addons.rally.test/reading.xpi' },
  };
  if (collectsInPrivateBrowsing) {
    card.privateBrowsingWarning = 'This study collects data in private windows.';
  }
  const { studyId } = await api('POST', '/v1/studies', { token: researcher.key, body: card, base });
  await operator('POST', `/v1/studies/${studyId}/launch`, {}, base);
  return { studyId, researcherKey: researcher.key, privateKey, card: await api('GET', `/v1/studies/${studyId}`, { base }) };
}

/** The study's export as the researcher reads it: every NDJSON line, parsed. */
export async function exportEvents(study, base = baseUrl) {
  const response = await api('GET', `/v1/studies/${study.studyId}/events`, { token: study.researcherKey, base, raw: true });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

/** Waits (polling) until the export holds at least `count` events, then returns it. */
export async function exportWhenStored(study, count, base = baseUrl) {
  let lines = [];
  await eventually(async () => (lines = await exportEvents(study, base)).length >= count, `${count} events in the export (had ${lines.length})`);
  return lines;
}

/** The payload of an exported event, decrypted with the study's private key and parsed. */
export async function decrypt(study, jwe) {
  const { plaintext, protectedHeader } = await compactDecrypt(jwe, study.privateKey);
  assert.equal(protectedHeader.kid, study.card.encryptionKey.kid);
  return JSON.parse(new TextDecoder().decode(plaintext));
}

/** Polls `condition` until it holds, or fails after `timeoutMs`. */
export async function eventually(condition, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) {
      return;
    }
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A promise resolved when `predicate(value)` first holds for a value pushed into the returned recorder. */
export function recorder() {
  const values = [];
  const waiters = [];
  return {
    values,
    push(value) {
      values.push(value);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(value)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(value);
        }
      }
    },
    /** The first value from index `from` on (default: all) for which `predicate` holds, waiting for it if need be. */
    when(predicate, what, timeoutMs = 30_000, from = 0) {
      const found = values.slice(from).find(predicate);
      if (found !== undefined) {
        return Promise.resolve(found);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; saw ${JSON.stringify(values)}`)), timeoutMs);
        waiters.push({ predicate, resolve: (v) => { clearTimeout(timer); resolve(v); } });
      });
    },
  };
}

/** The platform consent version, as the page that showed it to the person read it. */
export async function shownPlatformConsent(base = baseUrl) {
  return (await api('GET', '/v1/platform', { base })).platformConsentVersion;
}

/**
 * A one-shot gate for holding kit code at a chosen point: the held code calls `pass()`, which resolves `reached` and
 * waits until the test calls `release()`.
 */
export function gate() {
  let entered;
  const reached = new Promise((resolve) => { entered = resolve; });
  let release;
  const opened = new Promise((resolve) => { release = resolve; });
  return { reached, release, pass: async () => { entered(); await opened; } };
}
