// A study's key pair, made by its researchers: the private half stays with them (written to the file named, readable
// by its owner only); the public half, with its kid, goes on the study card as `encryptionKey`.
// Usage: node examples/study-key.mjs study-private.jwk.json
import { writeFile } from 'node:fs/promises';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: node examples/study-key.mjs <file for the private key>');
  process.exit(2);
}
const { publicKey, privateKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
await writeFile(file, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600, flag: 'wx' });
const { kty, crv, x, y } = await exportJWK(publicKey);
console.log(JSON.stringify({ kty, crv, x, y, kid: await calculateJwkThumbprint({ kty, crv, x, y }, 'sha256') }));
