/**
 * A queue kept in memory: lost when the process ends. For tests, and for node programs that accept that.
 * Every storage keeps events in the order they were added and implements the same five methods
 * (see `QueueStorage` in types/index.d.ts).
 */
export class MemoryStorage {
  /** @type {Map<string, import('../../types/index.js').QueuedEvent>} */
  #events = new Map();

  async add(event) {
    if (!this.#events.has(event.id)) {
      this.#events.set(event.id, event);
    }
  }

  async peek(limit) {
    const out = [];
    for (const event of this.#events.values()) {
      if (out.length >= limit) {
        break;
      }
      out.push(event);
    }
    return out;
  }

  async remove(ids) {
    for (const id of ids) {
      this.#events.delete(id);
    }
  }

  async count() {
    return this.#events.size;
  }

  async clear() {
    this.#events.clear();
  }

  async close() {}
}
