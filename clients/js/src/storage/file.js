// Node only (imports node:fs): not part of the browser bundle. Import it as 'rally-client/file-storage'.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A queue kept in one file, so that events waiting to be uploaded survive the process (and the machine) stopping.
 * The file is an append-only log of JSON lines (`{"add":event}`, `{"remove":[ids]}`, `{"clear":true}`), each written
 * and flushed to disk (fdatasync) before the call resolves; it is compacted (rewritten to a temporary file, synced,
 * renamed over) once removed events outnumber those kept. A line torn by a crash mid-write is ignored when the file
 * is read again, so at worst the one event being added is lost, never one already queued.
 */
export class FileStorage {
  /** @type {Map<string, object>} */
  #events = new Map();
  #path;
  /** @type {import('node:fs/promises').FileHandle | undefined} */
  #file;
  #loaded;
  #removedLines = 0;
  #chain = Promise.resolve();

  /** @param {string} path the file; its folder is made if missing */
  constructor(path) {
    if (typeof path !== 'string' || path.length === 0) {
      throw new TypeError('FileStorage needs a file path.');
    }
    this.#path = path;
  }

  add(event) {
    return this.#serial(async () => {
      if (this.#events.has(event.id)) {
        return;
      }
      await this.#append({ add: event });
      this.#events.set(event.id, event);
    });
  }

  peek(limit) {
    return this.#serial(async () => {
      const out = [];
      for (const event of this.#events.values()) {
        if (out.length >= limit) {
          break;
        }
        out.push(event);
      }
      return out;
    });
  }

  remove(ids) {
    return this.#serial(async () => {
      const present = ids.filter((id) => this.#events.has(id));
      if (present.length === 0) {
        return;
      }
      await this.#append({ remove: present });
      for (const id of present) {
        this.#events.delete(id);
      }
      this.#removedLines += present.length;
      if (this.#removedLines > 1000 && this.#removedLines > this.#events.size) {
        await this.#compact();
      }
    });
  }

  count() {
    return this.#serial(async () => this.#events.size);
  }

  clear() {
    return this.#serial(async () => {
      this.#events.clear();
      await this.#compact();
    });
  }

  close() {
    return this.#serial(async () => {
      await this.#file?.close();
      this.#file = undefined;
      this.#loaded = undefined;
    });
  }

  /** Operations run one at a time, in call order, after the file was read. */
  #serial(operation) {
    const run = this.#chain.then(async () => {
      this.#loaded ??= this.#load();
      await this.#loaded;
      return operation();
    });
    this.#chain = run.catch(() => {});
    return run;
  }

  async #load() {
    await mkdir(dirname(this.#path), { recursive: true });
    let text = '';
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if (error.code !== 'ENOENT') {
        throw error;
      }
    }
    this.#events.clear();
    for (const line of text.split('\n')) {
      if (!line) {
        continue;
      }
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        continue; // a line torn by a crash mid-write
      }
      if (entry.add && typeof entry.add.id === 'string') {
        this.#events.set(entry.add.id, entry.add);
      } else if (Array.isArray(entry.remove)) {
        entry.remove.forEach((id) => this.#events.delete(id));
      } else if (entry.clear) {
        this.#events.clear();
      }
    }
    // Rewrite what was read, so that a torn last line never sits before new ones.
    await this.#compact();
  }

  async #append(entry) {
    this.#file ??= await open(this.#path, 'a');
    await this.#file.appendFile(`${JSON.stringify(entry)}\n`, 'utf8');
    await this.#file.datasync();
  }

  async #compact() {
    await this.#file?.close();
    this.#file = undefined;
    const temporary = `${this.#path}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      const lines = [...this.#events.values()].map((event) => `${JSON.stringify({ add: event })}\n`).join('');
      await handle.writeFile(lines, 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temporary, this.#path);
    this.#removedLines = 0;
  }
}
