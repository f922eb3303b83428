// Verifies Rally deletion receipts as anyone would, with jose alone: the key set fetched from the URL given
// first (createRemoteJWKSet picks the key by the receipt's kid), each receipt given after it checked as an ES256
// JWT of type rally-deletion-receipt+jwt. Prints one JSON line per receipt: { ok, header, claims } or { ok, error }.
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [url, ...receipts] = process.argv.slice(2);
const keys = createRemoteJWKSet(new URL(url));
for (const receipt of receipts) {
  try {
    const { payload, protectedHeader } = await jwtVerify(receipt, keys, { algorithms: ['ES256'], typ: 'rally-deletion-receipt+jwt' });
    console.log(JSON.stringify({ ok: true, header: protectedHeader, claims: payload }));
  } catch (error) {
    console.log(JSON.stringify({ ok: false, error: error.code ?? String(error) }));
  }
}
