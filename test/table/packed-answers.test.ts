import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { PackedAnswers, packAnswers } from '../../src/table/packed-answers.js';

describe('packed answers', () => {
  const entries: Array<[string, string]> = [
    ['web.marathon.mesos.', '[["10.0.0.1"],[]]'],
    ['web.marathon.mesos', 'without the dot'],
    ['wéb-😀.marathon.mesos.', '[["10.0.0.2"],["fd00::2"]]'],
    ['', 'the empty key'],
    ['_web._tcp.marathon.mesos.', ''],
  ];

  it('answers every key with its answer, and nothing for keys it does not hold', () => {
    const packed = new PackedAnswers(packAnswers(entries));
    expect(packed.size).toBe(entries.length);
    for (const [key, answer] of entries) expect(packed.get(key)).toBe(answer);
    for (const key of ['web.marathon.mesos..', 'WEB.marathon.mesos.', 'wéb-😀.marathon.mesos', 'w', ' ']) {
      expect(packed.get(key)).toBeUndefined();
    }
    expect([...packed.entries()]).toEqual(entries);
  });

  it('finds each of many keys whose probes collide', () => {
    const many = Array.from({ length: 5000 }, (_, i): [string, string] => [`task-${i}.mesos.`, `answer ${i}`]);
    const packed = new PackedAnswers(packAnswers(many));
    for (const [key, answer] of many) expect(packed.get(key)).toBe(answer);
    expect(packed.get('task-5000.mesos.')).toBeUndefined();
  });

  it('holds nothing when packed from nothing', () => {
    const packed = new PackedAnswers(packAnswers([]));
    expect(packed.size).toBe(0);
    expect(packed.get('a.')).toBeUndefined();
    expect([...packed.entries()]).toEqual([]);
  });

  it('is read in place after a transfer to another thread’s port, the sender’s copy detached', async () => {
    const buffer = packAnswers(entries);
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<ArrayBuffer>((resolve) => port2.once('message', resolve));
    port1.postMessage(buffer, [buffer]);
    const moved = await received;
    port1.close();
    expect(buffer.byteLength).toBe(0);
    expect(new PackedAnswers(moved).get('wéb-😀.marathon.mesos.')).toBe('[["10.0.0.2"],["fd00::2"]]');
  });

  it('refuses a buffer that is not one', () => {
    expect(() => new PackedAnswers(new ArrayBuffer(4))).toThrow(/MESOS_DNS_TABLE_INVALID|not a packed answers buffer/);
    const truncated = packAnswers(entries).slice(0, 40);
    expect(() => new PackedAnswers(truncated)).toThrow(/not a packed answers buffer/);
  });
});
