import { describe, expect, it } from 'vitest';
import { storeOf } from '../../src/records/store-text.js';
import type { RecordStore } from '../../src/records/store.js';
import { ServedSerial } from '../../src/refresh/served-serial.js';

const NOW = 1_800_000_000;

function store(ip: string): RecordStore {
  return storeOf({ a: new Map([['web.marathon.mesos.', ip]]), aaaa: new Map(), srv: new Map() });
}

describe('ServedSerial', () => {
  it('serves the first records under the current time without a digest, and makes it when the next compares', () => {
    const served = new ServedSerial(null);
    expect(served.serial).toBe(0);
    const first = served.compare(store('10.0.0.1'), NOW);
    expect(first).toEqual({ same: false, serial: NOW, digest: null });
    served.serve(first.serial, store('10.0.0.1'), first.digest);

    // Another store with the same records: the same serial, and a digest now.
    const again = served.compare(store('10.0.0.1'), NOW + 60);
    expect(again.same).toBe(true);
    expect(again.serial).toBe(NOW);
    expect(again.digest).toMatch(/^1:/);
  });

  it('moves the serial for other records, never backwards', () => {
    const served = new ServedSerial(null);
    served.serve(NOW, store('10.0.0.1'), null);
    expect(served.compare(store('10.0.0.2'), NOW + 60)).toMatchObject({ same: false, serial: NOW + 60 });
    expect(served.compare(store('10.0.0.2'), NOW - 60)).toMatchObject({ same: false, serial: NOW + 1 });
  });

  it('matches nothing after forgetRecords, after records served without a store, or from a replaced worker', () => {
    const served = new ServedSerial(null);
    served.serve(NOW, store('10.0.0.1'), null);
    served.forgetRecords();
    expect(served.serial).toBe(NOW);
    expect(served.compare(store('10.0.0.1'), NOW)).toEqual({ same: false, serial: NOW + 1, digest: null });

    served.serve(NOW + 5, null, null);
    expect(served.compare(store('10.0.0.1'), NOW)).toMatchObject({ same: false, serial: NOW + 6 });
    expect(served.newer(NOW)).toBe(NOW + 6);

    const replaced = new ServedSerial(NOW + 100);
    expect(replaced.compare(store('10.0.0.1'), NOW)).toMatchObject({ same: false, serial: NOW + 101 });
  });

  it('keeps the digest it made: records served with one match later ones', () => {
    const served = new ServedSerial(null);
    served.serve(NOW, store('10.0.0.1'), null);
    const { digest } = served.compare(store('10.0.0.3'), NOW + 1);
    served.serve(NOW + 1, store('10.0.0.3'), digest);
    expect(served.compare(store('10.0.0.3'), NOW + 2)).toMatchObject({ same: true, serial: NOW + 1 });
  });
});
