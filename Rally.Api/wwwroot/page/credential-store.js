// The participant's credential and its deletion requests, kept in this origin's IndexedDB: it survives closing the
// tab (a participant must always be able to come back and leave), and it is never a cookie (sent to the server with
// every request, where no route wants it) nor in localStorage (read synchronously by any script of the origin).
const DATABASE = 'rally-page';
const STORE = 'participant';

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, action) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = action(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

/** `{ participantId, token }`, or undefined before joining. */
export const loadCredential = () => run('readonly', (store) => store.get('credential'));

export const saveCredential = ({ participantId, token }) =>
  run('readwrite', (store) => store.put({ participantId, token }, 'credential'));

/** The deletion requests this browser made, by id: `{ deletionId, studyId, dataDeletion, status }`. */
export async function loadDeletions() {
  return (await run('readonly', (store) => store.get('deletions'))) ?? [];
}

export const saveDeletions = (deletions) => run('readwrite', (store) => store.put(deletions, 'deletions'));

/** Forgets everything: after leaving Rally the token is useless, and nothing of the participant stays here. */
export const forgetAll = () => run('readwrite', (store) => store.clear());
