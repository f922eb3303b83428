// Prints fresh P-256 public keys as two producers write them: jose's exportJWK and WebCrypto's exportKey('jwk').
import { exportJWK, generateKeyPair } from 'jose';

const { publicKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
console.log(JSON.stringify({
  jose: await exportJWK(publicKey),
  webcrypto: await crypto.subtle.exportKey('jwk', pair.publicKey),
}));
