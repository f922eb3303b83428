/**
 * A queue kept in the browser's IndexedDB (one database per name), so that events waiting to be uploaded survive a
 * closed tab, a restarted browser or an add-on's background page being unloaded. Events are kept in the order they
 * were added (`seq`, a number that only grows) and removed by id.
 */
export class IndexedDbStorage {
  #name;
  /** @type {Promise<IDBDatabase> | undefined} */
  #db;
  #seq = 0;

  /** @param {{ name?: string, indexedDB?: IDBFactory }} [options] the database's name (default `rally-queue`) */
  constructor(options = {}) {
    this.#name = options.name ?? 'rally-queue';
    this.factory = options.indexedDB ?? globalThis.indexedDB;
    if (!this.factory) {
      throw new TypeError('IndexedDB is not available here: give Rally another storage (MemoryStorage, or FileStorage in node).');
    }
  }

  /** True where IndexedDB exists (browsers, add-ons' background pages and workers). */
  static get available() {
    return typeof globalThis.indexedDB !== 'undefined';
  }

  async add(event) {
    const db = await this.#open();
    // Time-based so that order holds across restarts; the counter orders events of the same millisecond.
    this.#seq = Math.max(this.#seq + 1, Date.now() * 1000);
    const transaction = db.transaction('events', 'readwrite');
    transaction.objectStore('events').put({ ...event, seq: this.#seq });
    await committed(transaction); // durable once the transaction commits, not when the put succeeds
  }

  async peek(limit) {
    const db = await this.#open();
    return new Promise((resolve, reject) => {
      const out = [];
      const request = db.transaction('events', 'readonly').objectStore('events').index('seq').openCursor();
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const cursor = request.result;
        if (!cursor || out.length >= limit) {
          resolve(out);
          return;
        }
        const { seq, ...event } = cursor.value;
        out.push(event);
        cursor.continue();
      };
    });
  }

  async remove(ids) {
    const db = await this.#open();
    const transaction = db.transaction('events', 'readwrite');
    const store = transaction.objectStore('events');
    ids.forEach((id) => store.delete(id));
    await committed(transaction);
  }

  async count() {
    const db = await this.#open();
    return done(db.transaction('events', 'readonly').objectStore('events').count());
  }

  async clear() {
    const db = await this.#open();
    const transaction = db.transaction('events', 'readwrite');
    transaction.objectStore('events').clear();
    await committed(transaction);
  }

  async close() {
    if (this.#db) {
      (await this.#db).close();
      this.#db = undefined;
    }
  }

  #open() {
    this.#db ??= new Promise((resolve, reject) => {
      const request = this.factory.open(this.#name, 1);
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore('events', { keyPath: 'id' });
        store.createIndex('seq', 'seq');
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return this.#db;
  }
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function committed(transaction) {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}
