import type { QueuedEvent, QueueStorage } from './index.js';

/** Node only: a queue kept in one file (an append-only log, synced on every change), surviving restarts. */
export declare class FileStorage implements QueueStorage {
  constructor(path: string);
  add(event: QueuedEvent): Promise<void>;
  peek(limit: number): Promise<QueuedEvent[]>;
  remove(ids: string[]): Promise<void>;
  count(): Promise<number>;
  clear(): Promise<void>;
  close(): Promise<void>;
}
