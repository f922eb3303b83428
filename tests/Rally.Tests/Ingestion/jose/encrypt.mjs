// Encrypts each argument after the first to the study key given first (a JWK, as the study card publishes it), as an
// add-on does: importJWK, then a compact JWE with ECDH-ES and A256GCM whose kid is the key's. Prints one JWE a line.
import { CompactEncrypt, importJWK } from 'jose';

const [card, ...plaintexts] = process.argv.slice(2);
const jwk = JSON.parse(card);
const key = await importJWK(jwk, 'ECDH-ES');
for (const plaintext of plaintexts) {
  const jwe = await new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: jwk.kid })
    .encrypt(key);
  console.log(jwe);
}
