import dns2 from 'dns2';
import { describe, expect, it } from 'vitest';
import { answer } from '../../../src/dns/answer/answer.js';
import { DnsStats } from '../../../src/dns/stats/counters.js';
import { QTYPE } from '../../../src/wire/constants.js';
import { buildQuery } from '../../helpers/dns-msg.js';
import { TEST_META, tableOf } from '../../helpers/fixtures.js';

describe('interoperability', () => {
  it('dns2 parses our replies', () => {
    const table = tableOf(
      {
        a: new Map([['t.marathon.slave.mesos.', '10.0.0.1']]),
        aaaa: new Map(),
        srv: new Map([['_t._tcp.marathon.mesos.', 't.marathon.slave.mesos.:31000']]),
      },
      TEST_META,
    );
    const v = answer(buildQuery('_t._tcp.marathon.mesos.', { qtype: QTYPE.SRV }), table, {
      transport: 'udp',
      domain: 'mesos',
      recursionAvailable: false,
      externalOn: false,
      setTruncateBit: true,
      ednsMaxUdpSize: 1232,
      stats: new DnsStats(),
    });
    if (v.kind !== 'reply') throw new Error(v.kind);
    const p = dns2.Packet.parse(v.reply);
    expect(p.answers).toEqual([
      expect.objectContaining({
        name: '_t._tcp.marathon.mesos',
        priority: 0,
        weight: 1,
        port: 31000,
        target: 't.marathon.slave.mesos',
      }),
    ]);
    expect(p.additionals).toEqual([expect.objectContaining({ name: 't.marathon.slave.mesos', address: '10.0.0.1' })]);
  });
});
