// What a study's researchers do with its data: export it (their researcher key) and decrypt each payload with the
// study's private key, which Rally never held.
// Usage: RALLY_URL=… RALLY_STUDY=s-… RALLY_RESEARCHER_KEY=rr_… node examples/export.mjs study-private.jwk.json
import { readFile } from 'node:fs/promises';
import { compactDecrypt, importJWK } from 'jose';

const [file] = process.argv.slice(2);
const privateKey = await importJWK(JSON.parse(await readFile(file, 'utf8')), 'ECDH-ES');
const response = await fetch(`${process.env.RALLY_URL}/v1/studies/${process.env.RALLY_STUDY}/events`, {
  headers: { Authorization: `Bearer ${process.env.RALLY_RESEARCHER_KEY}` },
});
if (!response.ok) {
  console.error(`${response.status} ${await response.text()}`);
  process.exit(1);
}
for (const line of (await response.text()).split('\n').filter(Boolean)) {
  const event = JSON.parse(line);
  const { plaintext } = await compactDecrypt(event.payload, privateKey);
  console.log(JSON.stringify({ participant: event.participant, type: event.type, collectedAt: event.collectedAt, payload: JSON.parse(new TextDecoder().decode(plaintext)) }));
}
