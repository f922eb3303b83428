import { CompactEncrypt, calculateJwkThumbprint, importJWK } from 'jose';
import { RallyError } from './errors.js';

/** Rally refuses a payload longer than this many characters (`Rally:Ingestion:MaxPayloadBytes`' default). */
export const MAX_PAYLOAD_CHARS = 32_768;

/**
 * The study's public key from its card, checked: an EC P-256 key whose `kid` is its RFC 7638 thumbprint (the kid is
 * what the upload must name, and a card whose kid and key disagree would make every event unreadable or refused).
 *
 * @param {{ kty: string, crv: string, x: string, y: string, kid: string }} jwk the card's `encryptionKey`
 * @returns {Promise<{ key: CryptoKey | Uint8Array, kid: string }>}
 */
export async function importStudyKey(jwk) {
  if (!jwk || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new RallyError('key-mismatch', 'The study card carries no EC P-256 encryption key.');
  }
  // Only the public members: a JWK with any other member (even a null d) could be read as something else.
  const publicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  const thumbprint = await calculateJwkThumbprint(publicJwk, 'sha256');
  if (jwk.kid !== thumbprint) {
    throw new RallyError('key-mismatch', `The study card's kid (${jwk.kid}) is not its key's RFC 7638 thumbprint (${thumbprint}).`);
  }
  return { key: await importJWK(publicJwk, 'ECDH-ES'), kid: thumbprint };
}

/**
 * A compact JWE of the plaintext to the study key, with exactly the protected header Rally allows: `alg` ECDH-ES,
 * `enc` A256GCM, `kid`, and the `epk` jose adds (no other member rides beside the ciphertext unencrypted).
 *
 * @param {{ key: CryptoKey | Uint8Array, kid: string }} studyKey
 * @param {string} plaintext
 */
export async function encrypt(studyKey, plaintext) {
  const jwe = await new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: studyKey.kid })
    .encrypt(studyKey.key);
  if (jwe.length > MAX_PAYLOAD_CHARS) {
    throw new RallyError('payload-too-large', `The encrypted payload is ${jwe.length} characters; Rally takes at most ${MAX_PAYLOAD_CHARS} (about 24 KB of JSON before encryption).`);
  }
  return jwe;
}
