// The node file queue on its own: order, removal, what outlives the process, a line torn by a crash, compaction.
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileStorage } from '../../src/storage/file.js';
import { MemoryStorage } from '../../src/storage/memory.js';

const event = (n) => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, type: 'search', collectedAt: '2026-11-30T12:00:00.000Z', privateWindow: false, payload: `jwe-${n}` });

async function withFolder(body) {
  const folder = await mkdtemp(join(tmpdir(), 'rally-storage-'));
  try {
    await body(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

for (const [name, make] of [['MemoryStorage', () => new MemoryStorage()], ['FileStorage', (folder) => new FileStorage(join(folder, 'q', 'queue.jsonl'))]]) {
  test(`${name} keeps events in the order added, once each, and removes them by id`, () => withFolder(async (folder) => {
    const storage = make(folder);
    for (const n of [1, 2, 3, 4]) {
      await storage.add(event(n));
    }
    await storage.add(event(2));
    assert.equal(await storage.count(), 4);
    assert.deepEqual((await storage.peek(3)).map((e) => e.payload), ['jwe-1', 'jwe-2', 'jwe-3']);
    await storage.remove([event(1).id, event(3).id, 'no-such-id']);
    assert.deepEqual((await storage.peek(10)).map((e) => e.payload), ['jwe-2', 'jwe-4']);
    await storage.clear();
    assert.equal(await storage.count(), 0);
    await storage.close();
  }));
}

test('FileStorage: what was added and not removed outlives the process, and a torn last line is ignored', () => withFolder(async (folder) => {
  const path = join(folder, 'queue.jsonl');
  const first = new FileStorage(path);
  for (const n of [1, 2, 3]) {
    await first.add(event(n));
  }
  await first.remove([event(2).id]);
  await first.close();
  await appendFile(path, '{"add":{"id":"torn","ty'); // a crash in the middle of a write

  const second = new FileStorage(path);
  assert.deepEqual((await second.peek(10)).map((e) => e.payload), ['jwe-1', 'jwe-3']);
  await second.add(event(4));
  await second.close();
  const third = new FileStorage(path);
  assert.deepEqual((await third.peek(10)).map((e) => e.payload), ['jwe-1', 'jwe-3', 'jwe-4']);
  await third.close();
}));

test('FileStorage compacts its log once removed events outnumber those kept', () => withFolder(async (folder) => {
  const path = join(folder, 'queue.jsonl');
  const storage = new FileStorage(path);
  for (let n = 0; n < 1500; n++) {
    await storage.add(event(n));
  }
  await storage.remove(Array.from({ length: 1490 }, (_, n) => event(n).id));
  await storage.close();
  const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
  assert.equal(lines.length, 10);
  assert.deepEqual(lines.map((l) => JSON.parse(l).add.payload), Array.from({ length: 10 }, (_, i) => `jwe-${1490 + i}`));
}));
