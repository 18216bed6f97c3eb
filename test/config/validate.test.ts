import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dnsListenAddresses } from '../../src/config/listeners.js';
import { NO_HOST, expectConfigError, load, loadText, tempDir, tempFile } from './support.js';

describe('services', () => {
  it('rejects DNS and HTTP both off', () => {
    expectConfigError(
      () => load({ dnsOn: false, httpOn: false }),
      'dnsOn',
      'service validation failed: either DNS or HTTP server should be on',
    );
  });

  it('accepts one of them off', () => {
    expect(load({ dnsOn: false }).config.dnsOn).toBe(false);
    expect(load({ httpOn: false }).config.httpOn).toBe(false);
  });

  it.each(['{}', '{"masters": []}', '{"masters": null, "zk": ""}'])('requires masters or zk: %s', (text) => {
    expectConfigError(
      () => loadText(text),
      'masters',
      'service validation failed: specify Mesos masters or Zookeeper in config.json',
    );
  });
});

describe('masters', () => {
  it.each([
    [
      '1.2.3.4',
      'error validating masters: illegal host:port specified: 1.2.3.4. Error: address 1.2.3.4: missing port in address',
    ],
    ['1.2.3.4:0', 'error validating masters: illegal host:port specified: 1.2.3.4:0'],
    ['1.2.3.4:x', 'error validating masters: illegal host:port specified: 1.2.3.4:x'],
    ['1.2.3.4:65536', 'error validating masters: illegal host:port specified: 1.2.3.4:65536'],
    [
      '::1:5050',
      'error validating masters: illegal host:port specified: ::1:5050. Error: address ::1:5050: too many colons in address',
    ],
    ['localhost:5050', 'masters: "localhost:5050" is not an IP:port'],
    ['master.example.com:5050', 'masters: "master.example.com:5050" is not an IP:port'],
  ])('rejects %j', (master, message) => {
    expectConfigError(() => load({ masters: ['127.0.0.1:5050', master] }), 'masters', message);
  });

  it('rejects duplicates after IP canonicalisation', () => {
    expectConfigError(
      () => load({ masters: ['[::1]:5050', '[0:0::1]:5050'] }),
      'masters',
      'error validating masters: duplicate found: [0:0::1]:5050',
    );
    expectConfigError(
      () => load({ masters: ['10.0.0.1:5050', '10.0.0.1:5050'] }),
      'masters',
      'error validating masters: duplicate found: 10.0.0.1:5050',
    );
  });

  it('normalises entries to canonical ip:port', () => {
    const { config } = load({ masters: ['[0:0::1]:5050', '10.0.0.1:+5051', '[::ffff:10.0.0.2]:5050'] });
    expect(config.masters).toEqual(['[::1]:5050', '10.0.0.1:5051', '10.0.0.2:5050']);
  });
});

describe('zk', () => {
  it('accepts a zk:// URL and keeps it', () => {
    const { config } = loadText('{"zk": "zk://127.0.0.1:2181,127.0.0.2:2181/mesos"}');
    expect(config.zk).toBe('zk://127.0.0.1:2181,127.0.0.2:2181/mesos');
  });

  it('rejects what is not a ZooKeeper URL', () => {
    expectConfigError(() => loadText('{"zk": "http://1.2.3.4/mesos"}'), 'zk', /zk/);
  });

  it('reads file:// values at load time, recursively', () => {
    const inner = tempFile('zk-inner', '  zk://127.0.0.1:2181/mesos\n');
    const outer = tempFile('zk-outer', `file://${inner}\n`);
    expect(loadText(JSON.stringify({ zk: `file://${outer}` })).config.zk).toBe('zk://127.0.0.1:2181/mesos');
  });

  it('stops file:// chains after 5 indirections', () => {
    const dir = tempDir();
    const loop = join(dir, 'loop');
    writeFileSync(loop, `file://${loop}`);
    expectConfigError(
      () => loadText(JSON.stringify({ zk: `file://${loop}` })),
      'zk',
      `zk: more than 5 file:// indirections from ${JSON.stringify(`file://${loop}`)}`,
    );
  });

  it('rejects an unreadable file:// value', () => {
    expectConfigError(
      () => loadText('{"zk": "file:///nonexistent/zk"}'),
      'zk',
      /^zk: cannot read "\/nonexistent\/zk": /,
    );
  });
});

describe('resolvers', () => {
  it('normalises ip to ip:53 and IPv6 to [ip]:53', () => {
    const { config } = load({ resolvers: ['8.8.8.8', '1.1.1.1:5353', '2001:DB8::1', '[2001:db8::2]:54'] });
    expect(config.resolvers).toEqual(['8.8.8.8:53', '1.1.1.1:5353', '[2001:db8::1]:53', '[2001:db8::2]:54']);
  });

  it.each([
    [['foo'], 'error validating resolvers: illegal ip specified: foo'],
    [['foo:53'], 'error validating resolvers: illegal ip specified: foo'],
    [['[2001:db8::1]'], 'error validating resolvers: illegal ip specified: [2001:db8::1]'],
    [['8.8.8.8:99999'], 'error validating resolvers: illegal host:port specified: 8.8.8.8:99999'],
    [['8.8.8.8:0'], 'error validating resolvers: illegal host:port specified: 8.8.8.8:0'],
    [['8.8.8.8', '8.8.8.8:53'], 'error validating resolvers: duplicate found: 8.8.8.8:53'],
  ])('rejects %j', (resolvers, message) => {
    expectConfigError(() => load({ resolvers }), 'resolvers', message);
  });

  it('does not check resolvers when forwarding is off', () => {
    expect(load({ externalOn: false, resolvers: ['foo'] }).config.resolvers).toEqual(['foo']);
  });

  it('falls back to resolv.conf nameservers minus local addresses when empty', () => {
    const resolvConf = tempFile(
      'resolv.conf',
      '# generated\nsearch example.com\nnameserver 10.0.0.53\nnameserver 192.0.2.2\nnameserver   fd00::53  \n; comment\nnameserver ::1\noptions ndots:2\nnameserver\n',
    );
    const { config, warnings } = load(
      { resolvers: [] },
      { ...NO_HOST, resolvConfPath: resolvConf, localAddresses: () => ['192.0.2.2', '0:0::1', '127.0.0.1'] },
    );
    expect(config.resolvers).toEqual(['10.0.0.53:53', '[fd00::53]:53']);
    expect(warnings).toEqual([]);
  });

  it('warns when resolv.conf leaves no upstream', () => {
    const resolvConf = tempFile('resolv.conf', 'nameserver 127.0.0.1\n');
    const { config, warnings } = load(
      { resolvers: [] },
      { ...NO_HOST, resolvConfPath: resolvConf, localAddresses: () => ['127.0.0.1'] },
    );
    expect(config.resolvers).toEqual([]);
    expect(warnings).toEqual([
      `resolvers: empty, and ${resolvConf} names no usable nameserver; forwarded queries will fail`,
    ]);
  });

  it('fails when resolv.conf is needed but unreadable', () => {
    expectConfigError(
      () => load({ resolvers: [] }),
      'resolvers',
      /^resolvers: empty, and the nameservers of \/nonexistent\/resolv.conf cannot be read: /,
    );
  });

  it('uses the real interface addresses by default', () => {
    const resolvConf = tempFile('resolv.conf', 'nameserver 127.0.0.1\nnameserver 10.255.0.53\n');
    const { config } = load({ resolvers: [] }, { resolvConfPath: resolvConf });
    expect(config.resolvers).toEqual(['10.255.0.53:53']);
  });
});

describe('zoneResolvers', () => {
  it('lower-cases zones and normalises their resolvers', () => {
    const { config } = load({ zoneResolvers: { 'Corp.Example': ['10.0.0.1', '10.0.0.2:5353'] } });
    expect(config.zoneResolvers).toEqual({ 'corp.example': ['10.0.0.1:53', '10.0.0.2:5353'] });
  });

  it.each([
    [{ 'a.com': [] }, 'field ZoneResolver a.com is empty'],
    [{ 'a.com': null }, 'field ZoneResolver a.com is empty'],
    [{ 'a_b.com': ['1.1.1.1'] }, 'invalid domain name: a_b.com'],
    [{ 'a.com.': ['1.1.1.1'] }, 'invalid domain name: a.com.'],
    [{ 'a.com': ['foo'] }, 'error validating resolvers: illegal ip specified: foo'],
    [{ 'a.com': ['1.1.1.1', '1.1.1.1:53'] }, 'error validating resolvers: duplicate found: 1.1.1.1:53'],
    [{ mesos: ['1.1.1.1'] }, "can't specify ZoneResolver for Mesos domain (mesos)"],
    [{ MESOS: ['1.1.1.1'] }, "can't specify ZoneResolver for Mesos domain (mesos)"],
    [{ 'b.a.com': ['1.1.1.1'], 'a.com': ['2.2.2.2'] }, 'ambiguous zone resolvers: .b.a.com is masked by .a.com'],
    [{ 'x.mesos': ['1.1.1.1'] }, 'ambiguous zone resolvers: .x.mesos is masked by .mesos'],
  ])('rejects %j', (zoneResolvers, message) => {
    expectConfigError(() => load({ zoneResolvers }), 'zoneResolvers', message);
  });

  it('compares zones with the lower-cased domain', () => {
    expectConfigError(
      () => load({ domain: 'Cluster.Example', zoneResolvers: { 'a.cluster.example': ['1.1.1.1'] } }),
      'zoneResolvers',
      'ambiguous zone resolvers: .a.cluster.example is masked by .cluster.example',
    );
  });

  it('does not treat a shared string suffix as masking', () => {
    expect(
      Object.keys(load({ zoneResolvers: { 'xa.com': ['1.1.1.1'], 'a.com': ['2.2.2.2'] } }).config.zoneResolvers),
    ).toEqual(['xa.com', 'a.com']);
  });

  it('are not checked when forwarding is off', () => {
    expect(load({ externalOn: false, zoneResolvers: { 'a.com': [] } }).config.zoneResolvers).toEqual({ 'a.com': [] });
  });
});

describe('IPSources', () => {
  it.each([
    [[], 'IPSources validation failed: empty ip sources'],
    [['host', 'host'], 'IPSources validation failed: duplicate ip source specified'],
    [['host', 'rkt'], 'IPSources validation failed: invalid ip source "rkt"'],
    [['Host'], 'IPSources validation failed: invalid ip source "Host"'],
  ])('rejects %j', (IPSources, message) => {
    expectConfigError(() => load({ IPSources }), 'ipSources', message);
  });

  it('keeps the operator order', () => {
    expect(load({ IPSources: ['host', 'docker', 'netinfo', 'mesos'] }).config.ipSources).toEqual([
      'host',
      'docker',
      'netinfo',
      'mesos',
    ]);
  });
});

describe('state timeout and domain', () => {
  it.each([0, -5])('rejects stateTimeoutSeconds %d', (n) => {
    expectConfigError(() => load({ stateTimeoutSeconds: n }), 'stateTimeoutSeconds', `Invalid HTTP Timeout: ${n}`);
  });

  it.each([
    ['mesos.', 'mesos. is not a valid domain name'],
    ['me_sos', 'me_sos is not a valid domain name'],
    ['', ' is not a valid domain name'],
    ['A..B', 'a..b is not a valid domain name'],
  ])('rejects domain %j', (domain, message) => {
    expectConfigError(() => load({ domain }), 'domain', message);
  });

  it('lower-cases the domain', () => {
    expect(load({ domain: 'My-Cluster.EXAMPLE' }).config.domain).toBe('my-cluster.example');
  });
});

describe('SOA names and timeout normalisation', () => {
  it('gives SOAMname exactly one trailing dot', () => {
    expect(load({ SOAMname: 'ns1.mesos...' }).config.soaMname).toBe('ns1.mesos.');
  });

  it('turns @ into . in SOARname', () => {
    expect(load({ SOARname: 'admin@dcos.cluster.' }).config.soaRname).toBe('admin.dcos.cluster.');
  });

  it('timeout 0 means 5', () => {
    expect(load({ timeout: 0 }).config.timeout).toBe(5);
    expect(load({ timeout: 2 }).config.timeout).toBe(2);
  });
});

describe('what Go accepts and crashes on later, and our own settings', () => {
  it.each([
    [{ refreshSeconds: 0 }, 'refreshSeconds', 'refreshSeconds must be a positive integer of at most 2147483'],
    [{ refreshSeconds: -1 }, 'refreshSeconds', 'refreshSeconds must be a positive integer of at most 2147483'],
    // Node timers hold at most 2^31-1 ms: longer delays would fire at once.
    [{ refreshSeconds: 2147484 }, 'refreshSeconds', 'refreshSeconds must be a positive integer of at most 2147483'],
    [{ stateTimeoutSeconds: 2592000000 }, 'stateTimeoutSeconds', 'stateTimeoutSeconds must be at most 2147483'],
    [{ zkDetectionTimeout: 2592000000 }, 'zkDetectionTimeout', 'zkDetectionTimeout must be at most 2147483'],
    [{ timeout: 2592000000 }, 'timeout', 'timeout must be from 0 to 2147483'],
    [{ listener: 'localhost' }, 'listener', 'listener must be an IP address'],
    [{ listener: '' }, 'listener', 'listener must be an IP address'],
    [{ httpListener: 'example.com' }, 'httpListener', 'httpListener must be an IP address'],
    [{ port: -1 }, 'port', 'port must be an integer from 0 to 65535'],
    [{ port: 65536 }, 'port', 'port must be an integer from 0 to 65535'],
    [{ httpPort: 70000 }, 'httpPort', 'httpPort must be an integer from 0 to 65535'],
    [{ timeout: -1 }, 'timeout', 'timeout must be from 0 to 2147483'],
    [{ ttl: -1 }, 'ttl', 'ttl must not be negative'],
    [{ ednsMaxUdpSize: 511 }, 'ednsMaxUdpSize', 'ednsMaxUdpSize must be an integer from 512 to 65507'],
    [{ ednsMaxUdpSize: 65508 }, 'ednsMaxUdpSize', 'ednsMaxUdpSize must be an integer from 512 to 65507'],
    [{ workers: 0 }, 'workers', 'workers must be an integer from 1 to 64'],
    [{ workers: 65 }, 'workers', 'workers must be an integer from 1 to 64'],
    [{ forwardCacheSize: -1 }, 'forwardCacheSize', 'forwardCacheSize must be an integer at least 0'],
    [{ maxForwardsInFlight: 0 }, 'maxForwardsInFlight', 'maxForwardsInFlight must be an integer at least 1'],
    [{ forwardCacheBytes: -1 }, 'forwardCacheBytes', 'forwardCacheBytes must be an integer at least 0'],
    [{ maxForwardsPerClient: 0 }, 'maxForwardsPerClient', 'maxForwardsPerClient must be an integer at least 1'],
    [{ maxTcpConnections: 0 }, 'maxTcpConnections', 'maxTcpConnections must be an integer at least 1'],
    [
      { tcpIdleTimeoutSeconds: 0 },
      'tcpIdleTimeoutSeconds',
      'tcpIdleTimeoutSeconds must be an integer from 1 to 2147483',
    ],
    [
      { tcpIdleTimeoutSeconds: 2147484 },
      'tcpIdleTimeoutSeconds',
      'tcpIdleTimeoutSeconds must be an integer from 1 to 2147483',
    ],
    [{ maxStateBytes: 1023 }, 'maxStateBytes', 'maxStateBytes must be an integer from 1024 to 536870888'],
    // JSON.parse needs the state as one string, and V8 strings end there.
    [{ maxStateBytes: 536870889 }, 'maxStateBytes', 'maxStateBytes must be an integer from 1024 to 536870888'],
    [{ refreshHeapMiB: 15 }, 'refreshHeapMiB', 'refreshHeapMiB must be an integer from 16 to 1048576'],
    [{ refreshHeapMiB: 1048577 }, 'refreshHeapMiB', 'refreshHeapMiB must be an integer from 16 to 1048576'],
    [{ httpMaxConnections: 0 }, 'httpMaxConnections', 'httpMaxConnections must be an integer at least 1'],
    [{ stateSource: 'events' }, 'stateSource', 'stateSource must be "stream" or "poll", not "events"'],
    // Values are exact, as IPSources values are; only keys match case-insensitively.
    [{ stateSource: 'Poll' }, 'stateSource', 'stateSource must be "stream" or "poll", not "Poll"'],
    [{ stateSource: '' }, 'stateSource', 'stateSource must be "stream" or "poll", not ""'],
  ])('rejects %j', (fields, key, message) => {
    expectConfigError(() => load(fields), key, message);
  });

  it.each(['0.0.0.0', '::', '127.0.0.1', '::1', 'fd00::2'])('accepts listener %s', (listener) => {
    expect(load({ listener, httpListener: listener }).config.listener).toBe(listener);
  });

  describe('listeners', () => {
    it('defaults to none: DNS listens on listener alone', () => {
      const { config } = load({ listener: '127.0.0.1' });
      expect(config.listeners).toEqual([]);
      expect(dnsListenAddresses(config)).toEqual(['127.0.0.1']);
    });

    it('takes a list of IPv4 and IPv6 literals, in canonical text, and wins over listener for binding', () => {
      const { config } = load({ listeners: ['127.0.0.1', '0:0::1', '::ffff:10.0.0.5', 'FD00::2'] });
      expect(config.listeners).toEqual(['127.0.0.1', '::1', '10.0.0.5', 'fd00::2']);
      expect(config.listener).toBe('0.0.0.0');
      expect(dnsListenAddresses(config)).toEqual(['127.0.0.1', '::1', '10.0.0.5', 'fd00::2']);
    });

    it('accepts both wildcards together (IPv6 sockets are IPv6-only) and null or [] as none', () => {
      expect(load({ listeners: ['0.0.0.0', '::'] }).config.listeners).toEqual(['0.0.0.0', '::']);
      expect(load({ listeners: null }).config.listeners).toEqual([]);
      expect(load({ listeners: [] }).config.listeners).toEqual([]);
    });

    it('accepts a listener that is one of listeners', () => {
      const { config } = load({ listener: '::1', listeners: ['127.0.0.1', '0::1'] });
      expect(config.listener).toBe('::1');
      expect(dnsListenAddresses(config)).toEqual(['127.0.0.1', '::1']);
    });

    it.each<[Record<string, unknown>, string, string | RegExp]>([
      [{ listeners: ['127.0.0.1', 'localhost'] }, 'listeners', 'listeners: "localhost" is not an IP address'],
      [{ listeners: [''] }, 'listeners', 'listeners: "" is not an IP address'],
      [{ listeners: ['fe80::1%eth0'] }, 'listeners', 'listeners: "fe80::1%eth0" is not an IP address'],
      [{ listeners: ['127.0.0.1', '127.0.0.1'] }, 'listeners', 'listeners: "127.0.0.1" is listed twice'],
      [{ listeners: ['::1', '0:0::1'] }, 'listeners', 'listeners: "0:0::1" is listed twice (as ::1)'],
      [
        { listeners: ['10.0.0.5', '::ffff:10.0.0.5'] },
        'listeners',
        'listeners: "::ffff:10.0.0.5" is listed twice (as 10.0.0.5)',
      ],
      [
        { listeners: ['0.0.0.0', '127.0.0.1'] },
        'listeners',
        'listeners: 0.0.0.0 already listens on every IPv4 address, so 127.0.0.1 cannot be added beside it',
      ],
      [
        { listeners: ['::1', '::'] },
        'listeners',
        'listeners: :: already listens on every IPv6 address, so ::1 cannot be added beside it',
      ],
      [
        { listener: '10.0.0.9', listeners: ['127.0.0.1', '::1'] },
        'listener',
        'listener "10.0.0.9" is not one of listeners; with listeners set, listener only gives SOAMname its address: make it one of them, or 0.0.0.0 for every usable interface address',
      ],
      [
        { listeners: '127.0.0.1' },
        'listeners',
        /cannot unmarshal string into Go struct field Config\.Listeners of type \[\]string/,
      ],
    ])('rejects %j naming the key', (fields, key, message) => {
      expectConfigError(() => load(fields), key, message);
    });
  });

  it('accepts port 0 (ephemeral) and the range ends of our settings', () => {
    const ends = {
      port: 0,
      httpPort: 0,
      ednsMaxUdpSize: 512,
      workers: 64,
      forwardCacheSize: 0,
      forwardCacheBytes: 0,
      maxForwardsPerClient: 1,
      maxStateBytes: 1024,
      refreshHeapMiB: 16,
    };
    expect(load(ends).config).toMatchObject(ends);
    expect(load({ maxStateBytes: 536870888 }).config.maxStateBytes).toBe(536870888);
  });

  it('takes stateSource "stream" (the default) and "poll"', () => {
    expect(load({}).config.stateSource).toBe('stream');
    expect(load({ stateSource: 'poll' }).config.stateSource).toBe('poll');
    expect(load({ stateSource: 'stream' }).config.stateSource).toBe('stream');
  });

  it('rejects a stateSource that is not a string, naming the key', () => {
    expectConfigError(
      () => load({ stateSource: 1 }),
      'stateSource',
      /cannot unmarshal number into Go struct field Config\.StateSource of type string/,
    );
  });

  it('keeps zkDetectionTimeout <= 0 (it disables the timer)', () => {
    expect(load({ zkDetectionTimeout: -1 }).config.zkDetectionTimeout).toBe(-1);
  });
});
