// What a study add-on does, as a node program: join Rally (once; the credential is kept in a file), enroll in the
// study with the consent the person read, send a few events, flush. The queue is a file, so events not yet uploaded
// survive a restart.
// Usage: RALLY_URL=http://127.0.0.1:8080 RALLY_STUDY=s-… node examples/add-on.mjs
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Rally } from 'rally-client';
import { FileStorage } from 'rally-client/file-storage';

const baseUrl = process.env.RALLY_URL;
const studyId = process.env.RALLY_STUDY;
const ask = createInterface({ input: process.stdin });
const answers = ask[Symbol.asyncIterator]();
const agreed = async (question) => {
  process.stdout.write(`${question} [y/N] `);
  const { value = '' } = await answers.next();
  return value.trim().toLowerCase() === 'y';
};

// 1. Join once: the person reads the platform consent and answers the eligibility questions.
let credential;
try {
  credential = JSON.parse(await readFile('rally-credential.json', 'utf8'));
} catch {
  const { platformConsentVersion } = await Rally.platform({ baseUrl }); // shown to the person, then sent back as read
  console.log(`Rally's platform consent, version ${platformConsentVersion}: <the text the person reads>.`);
  if (!(await agreed('Do you accept it?'))) process.exit(1);
  credential = await Rally.join({
    baseUrl,
    platformConsentVersion,
    residesInUnitedStates: await agreed('Do you live in the United States?'),
    ageAtLeast19: await agreed('Are you 19 or older?'),
  });
  await writeFile('rally-credential.json', JSON.stringify(credential), { mode: 0o600 });
}

// 2. The study's client: its state follows the study (live notices) and the participant's consent.
const rally = new Rally({
  baseUrl,
  token: credential.token,
  studyId,
  storage: new FileStorage('rally-queue.jsonl'),
  stateChangeCallback: (state) => console.log(`state: ${state}`),
  onEventRefused: ({ event, problem }) => console.warn(`Rally refused event ${event.id}: ${problem?.detail}`),
});
await rally.start();

// 3. Enroll with the consent version of the card the person read.
if (rally.state === 'not-enrolled' || rally.state === 'needs-consent') {
  const card = rally.card;
  console.log(`${card.name} (consent ${card.consentVersion}) collects: ${card.dataCollected.map((d) => d.description).join('; ')}`);
  if (await agreed('Join this study?')) {
    await rally.enroll({ consentVersion: card.consentVersion });
  }
}

// 4. Collect: each event is encrypted to the study's key at once and queued; uploads follow in batches.
if (rally.state === 'running') {
  await rally.send('page-visit', { url: 'https://news.example/a', seconds: 42 });
  await rally.send('search', { query: 'weather tomorrow' });
  console.log(`still queued after flushing: ${await rally.flush()}`);
}
ask.close();
await rally.close();
