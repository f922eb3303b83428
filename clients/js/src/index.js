// Rally's JavaScript client kit. Browsers and node alike; the node-only file storage is 'rally-client/file-storage'.
export { Rally, States, stateOf, DEFAULT_MAX_QUEUED_EVENTS, DEFAULT_BATCH_SIZE } from './rally.js';
export { RallyParticipant } from './participant.js';
export { RallyError } from './errors.js';
export { MemoryStorage } from './storage/memory.js';
export { IndexedDbStorage } from './storage/indexeddb.js';
export { HandoffMessages, fromRallyPage } from './handoff.js';
export { MAX_PAYLOAD_CHARS } from './crypto.js';
