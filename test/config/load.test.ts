import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveConfigPath } from '../../src/config/load.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';
import { FILE, NO_HOST, expectConfigError, load, loadText, tempDir } from './support.js';

const REPO = join(import.meta.dirname, '..', '..');

describe('defaults', () => {
  it('match the Go program and our extras', () => {
    const { config, warnings } = loadText('{"masters": ["127.0.0.1:5050"]}');
    expect(warnings).toEqual([]);
    expect(config).toEqual({
      zk: '',
      masters: ['127.0.0.1:5050'],
      zkDetectionTimeout: 30,
      refreshSeconds: 60,
      stateTimeoutSeconds: 300,
      ttl: 60,
      srvRecordDefaultWeight: 1,
      domain: 'mesos',
      port: 53,
      listener: '0.0.0.0',
      dnsOn: true,
      httpOn: true,
      httpListener: '0.0.0.0',
      httpPort: 8123,
      externalOn: true,
      resolvers: ['8.8.8.8:53'],
      zoneResolvers: {},
      timeout: 5,
      recurseOn: true,
      enforceRFC952: false,
      setTruncateBit: true,
      enumerationOn: true,
      ipSources: ['netinfo', 'mesos', 'host'],
      soaMname: 'ns1.mesos.',
      soaRname: 'root.ns1.mesos.',
      soaSerial: 1_700_000_000,
      soaRefresh: 60,
      soaRetry: 600,
      soaExpire: 86400,
      soaMinttl: 60,
      mesosHTTPSOn: false,
      caCertFile: '',
      certFile: '',
      keyFile: '',
      mesosAuthentication: '',
      mesosCredentials: { principal: '', secret: '' },
      iamConfigFile: '',
      file: FILE,
      listeners: [],
      ednsMaxUdpSize: 1232,
      workers: 1,
      healthyOnly: false,
      ptrOn: false,
      forwardCacheSize: 10000,
      forwardCacheBytes: 33_554_432,
      maxForwardsInFlight: 1024,
      maxForwardsPerClient: 100,
      maxTcpConnections: 1000,
      tcpIdleTimeoutSeconds: 8,
      maxStateBytes: 268435456,
      refreshHeapMiB: 1024,
      httpMaxConnections: 256,
      stateSource: 'stream',
    });
  });

  it('leave masters null when the key is absent (zk only)', () => {
    expect(loadText('{"zk": "zk://127.0.0.1:2181/mesos"}').config.masters).toBeNull();
  });

  it('set the SOA serial from the clock', () => {
    expect(load({}, { ...NO_HOST, now: () => 1234_999 }).config.soaSerial).toBe(1234);
  });
});

describe('key matching', () => {
  it('ignores ASCII case in every key', () => {
    const { config } = loadText(
      JSON.stringify({
        MASTERS: ['127.0.0.1:5050'],
        refreshseconds: 5,
        HTTPPORT: 9000,
        httpon: false,
        EnforceRfc952: true,
        ipsources: ['host'],
        soamname: 'ns2.mesos',
        EDNSMAXUDPSIZE: 4096,
        WORKERS: 2,
        healthyonly: true,
        PTRON: true,
        forwardcachesize: 0,
        ForwardCacheBYTES: 1024,
        MAXFORWARDSINFLIGHT: 10,
        maxforwardsperclient: 3,
        maxtcpconnections: 5,
        TcpIdleTimeoutSECONDS: 3,
        MAXSTATEBYTES: 1048576,
        refreshheapmib: 64,
        HTTPMAXCONNECTIONS: 8,
        STATESOURCE: 'poll',
      }),
    );
    expect(config).toMatchObject({
      masters: ['127.0.0.1:5050'],
      refreshSeconds: 5,
      httpPort: 9000,
      httpOn: false,
      enforceRFC952: true,
      ipSources: ['host'],
      soaMname: 'ns2.mesos.',
      ednsMaxUdpSize: 4096,
      workers: 2,
      healthyOnly: true,
      ptrOn: true,
      forwardCacheSize: 0,
      forwardCacheBytes: 1024,
      maxForwardsInFlight: 10,
      maxForwardsPerClient: 3,
      maxTcpConnections: 5,
      tcpIdleTimeoutSeconds: 3,
      maxStateBytes: 1048576,
      refreshHeapMiB: 64,
      httpMaxConnections: 8,
      stateSource: 'poll',
    });
  });

  it('does not normalise anything but case', () => {
    expect(load({ http_port: 1, 'http-port': 2 }).config.httpPort).toBe(8123);
  });

  it('ignores unknown keys', () => {
    expect(load({ ns: 'ns1', whatever: { deep: [1] } }).config.port).toBe(53);
  });
});

describe('duplicate keys', () => {
  it('last one wins for scalars, whatever the case', () => {
    const { config } = loadText('{"masters":["127.0.0.1:5050"],"httpon":false,"HttpOn":true,"HTTPON":false}');
    expect(config.httpOn).toBe(false);
    expect(loadText('{"masters":["127.0.0.1:5050"],"ttl":5,"TTL":7}').config.ttl).toBe(7);
  });

  it('last one wins for arrays', () => {
    const { config } = loadText(
      '{"masters":["127.0.0.1:1"],"Masters":["127.0.0.2:2"],"resolvers":["1.1.1.1"],"RESOLVERS":["9.9.9.9"]}',
    );
    expect(config.masters).toEqual(['127.0.0.2:2']);
    expect(config.resolvers).toEqual(['9.9.9.9:53']);
  });

  it('objects merge: zoneResolvers adds and overrides zones', () => {
    const { config } = loadText(
      '{"masters":["127.0.0.1:5050"],"zoneResolvers":{"a.com":["1.1.1.1"],"b.com":["2.2.2.2"]},"ZoneResolvers":{"b.com":["3.3.3.3"],"c.com":["4.4.4.4"]}}',
    );
    expect(config.zoneResolvers).toEqual({ 'a.com': ['1.1.1.1:53'], 'b.com': ['3.3.3.3:53'], 'c.com': ['4.4.4.4:53'] });
  });

  it('objects merge: mesosCredentials overrides only the fields it names, keys case-insensitive', () => {
    const { config } = loadText(
      '{"masters":["127.0.0.1:5050"],"mesosCredentials":{"principal":"p","secret":"s"},"MesosCredentials":{"SECRET":"t"}}',
    );
    expect(config.mesosCredentials).toEqual({ principal: 'p', secret: 't' });
  });
});

describe('null', () => {
  it('leaves numbers, booleans and strings at their defaults', () => {
    const { config } = load({ ttl: null, dnsOn: null, domain: null, mesosCredentials: null, workers: null });
    expect(config).toMatchObject({
      ttl: 60,
      dnsOn: true,
      domain: 'mesos',
      mesosCredentials: { principal: '', secret: '' },
      workers: 1,
    });
    expect(load({ mesosCredentials: { principal: null } }).config.mesosCredentials.principal).toBe('');
  });

  it('empties arrays: resolvers null means resolv.conf', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'resolv.conf'), 'nameserver 10.9.9.9\n');
    const { config } = load({ resolvers: null }, { ...NO_HOST, resolvConfPath: join(dir, 'resolv.conf') });
    expect(config.resolvers).toEqual(['10.9.9.9:53']);
  });

  it('empties arrays: IPSources null fails validation', () => {
    expectConfigError(() => load({ IPSources: null }), 'ipSources', 'IPSources validation failed: empty ip sources');
  });

  it('empties zoneResolvers', () => {
    const { config } = loadText(
      '{"masters":["127.0.0.1:5050"],"zoneResolvers":{"a.com":["1.1.1.1"]},"zoneresolvers":null}',
    );
    expect(config.zoneResolvers).toEqual({});
  });

  it('masters null stays null (then zk is required)', () => {
    expect(load({ masters: null, zk: 'zk://127.0.0.1:2181/mesos' }).config.masters).toBeNull();
  });

  it('a null list element decodes to an empty string, as in Go', () => {
    expectConfigError(
      () => load({ resolvers: ['8.8.8.8', null] }),
      'resolvers',
      'error validating resolvers: illegal ip specified: ',
    );
  });

  it('a null document is all defaults', () => {
    expectConfigError(
      () => loadText('null'),
      'masters',
      'service validation failed: specify Mesos masters or Zookeeper in config.json',
    );
  });
});

describe('type errors name the Go field', () => {
  const prefix = `failed to unmarshal config file "${FILE}": json: cannot unmarshal`;
  it.each([
    [{ ttl: '60' }, 'ttl', `${prefix} string into Go struct field Config.TTL of type int32`],
    [{ ttl: 60.5 }, 'ttl', `${prefix} number 60.5 into Go struct field Config.TTL of type int32`],
    [{ ttl: 2147483648 }, 'ttl', `${prefix} number 2147483648 into Go struct field Config.TTL of type int32`],
    [{ SOARefresh: -1 }, 'soaRefresh', `${prefix} number -1 into Go struct field Config.SOARefresh of type uint32`],
    [
      { srvRecordDefaultWeight: 65536 },
      'srvRecordDefaultWeight',
      `${prefix} number 65536 into Go struct field Config.SRVRecordDefaultWeight of type uint16`,
    ],
    [{ httpPort: '8123' }, 'httpPort', `${prefix} string into Go struct field Config.HttpPort of type int`],
    [{ dnsOn: 1 }, 'dnsOn', `${prefix} number into Go struct field Config.DnsOn of type bool`],
    [{ domain: true }, 'domain', `${prefix} bool into Go struct field Config.Domain of type string`],
    [{ masters: '127.0.0.1:5050' }, 'masters', `${prefix} string into Go struct field Config.Masters of type []string`],
    [{ resolvers: [8] }, 'resolvers', `${prefix} number into Go struct field Config.Resolvers of type string`],
    [
      { zoneResolvers: [] },
      'zoneResolvers',
      `${prefix} array into Go struct field Config.ZoneResolvers of type map[string][]string`,
    ],
    [
      { mesosCredentials: { secret: 1 } },
      'mesosCredentials',
      `${prefix} number into Go struct field Config.MesosCredentials.Secret of type string`,
    ],
    [{ workers: 'two' }, 'workers', `${prefix} string into Go struct field Config.Workers of type int`],
  ])('%j', (fields, key, message) => {
    expectConfigError(() => load(fields), key, message);
  });

  it('keeps the exact literal in messages (1e2 is not an integer literal)', () => {
    expectConfigError(
      () => loadText('{"masters":["127.0.0.1:5050"],"ttl":1e2}'),
      'ttl',
      `${prefix} number 1e2 into Go struct field Config.TTL of type int32`,
    );
  });

  it('rejects a document that is not an object', () => {
    expectConfigError(() => loadText('[]'), undefined, `${prefix} array into Go value of type records.Config`);
  });

  it('reports syntax errors with the file and position', () => {
    expectConfigError(
      () => loadText('{\n  "ttl": 60,\n}'),
      undefined,
      `failed to unmarshal config file "${FILE}": invalid character '}' looking for beginning of object key string at line 3, column 1`,
    );
    expectConfigError(() => loadText('{"ttl": 6'), undefined, /: unexpected end of JSON input at line 1, column 10$/);
  });
});

describe('loadConfig (files)', () => {
  it('reports a missing file with its absolute path', () => {
    const dir = tempDir();
    expectConfigError(
      () => loadConfig('config.json', {}, { ...NO_HOST, cwd: dir }),
      undefined,
      `missing configuration file: "${join(dir, 'config.json')}"`,
    );
  });

  it('resolves relative paths against the working directory and reports the absolute path', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'etc'));
    writeFileSync(join(dir, 'etc', 'c.json'), '{"masters":["127.0.0.1:5050"]}');
    const { config } = loadConfig('./etc/../etc/c.json', {}, { ...NO_HOST, cwd: dir });
    expect(config.file).toBe(join(dir, 'etc', 'c.json'));
  });

  it('expands ~/ to HOME', () => {
    const home = tempDir();
    writeFileSync(join(home, 'mesos-dns.json'), '{"masters":["127.0.0.1:5050"]}');
    const { config } = loadConfig('~/mesos-dns.json', { HOME: home }, NO_HOST);
    expect(config.file).toBe(join(home, 'mesos-dns.json'));
  });

  it('lets the File key override what /v1/config reports, as Go does', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.json'), '{"masters":["127.0.0.1:5050"],"file":"/elsewhere.json"}');
    expect(loadConfig(join(dir, 'c.json'), {}, NO_HOST).config.file).toBe('/elsewhere.json');
  });
});

describe('resolveConfigPath', () => {
  it('replaces the first ~/ anywhere; USERPROFILE wins over HOME; "." without either', () => {
    expect(resolveConfigPath('~/a.json', { HOME: '/home/u' }, '/w')).toBe('/home/u/a.json');
    expect(resolveConfigPath('~/a.json', { HOME: '/home/u', USERPROFILE: '/prof' }, '/w')).toBe('/prof/a.json');
    expect(resolveConfigPath('x/~/a/~/b.json', { HOME: '/h' }, '/w')).toBe('/w/x/h/a/~/b.json');
    expect(resolveConfigPath('~/a.json', {}, '/w')).toBe('/w/a.json');
    expect(resolveConfigPath('~/a.json', { HOME: '/h$&' }, '/w')).toBe('/h$&/a.json');
    expect(resolveConfigPath('/abs/./c.json', {}, '/w')).toBe('/abs/c.json');
  });
});

describe('shipped configs', () => {
  it.each(['docker-mesos-120', 'nasty-300', 'nasty-300-host-rfc952', 'upstream-fake'])('fixture %s loads', (name) => {
    const { config, warnings } = loadConfig(join(FIXTURES_DIR, name, 'config.json'), {}, NO_HOST);
    expect(warnings).toEqual([]);
    expect(config.masters).toEqual(['127.0.0.1:5050']);
    expect(config.listener).toBe('127.0.0.1');
    expect(config.externalOn).toBe(false);
    expect(config.refreshSeconds).toBe(3600);
    expect(config.soaMname).toBe('ns1.mesos.');
    expect(config.soaRname).toBe('root.ns1.mesos.');
  });

  it('docker-mesos-120: domain lower-cased, weight 3, IP sources kept in order', () => {
    const { config } = loadConfig(join(FIXTURES_DIR, 'docker-mesos-120', 'config.json'), {}, NO_HOST);
    expect(config.domain).toBe('cluster.example');
    expect(config.srvRecordDefaultWeight).toBe(3);
    expect(config.ipSources).toEqual(['docker', 'mesos', 'host']);
  });

  it('nasty-300-host-rfc952 enforces RFC 952', () => {
    const { config } = loadConfig(join(FIXTURES_DIR, 'nasty-300-host-rfc952', 'config.json'), {}, NO_HOST);
    expect(config.enforceRFC952).toBe(true);
    expect(config.ipSources).toEqual(['host']);
  });

  it('the repository sample config.json is valid with Go defaults', () => {
    const { config, warnings } = loadConfig(join(REPO, 'config.json'), {}, NO_HOST);
    expect(warnings).toEqual([]);
    expect(config.masters).toEqual(['127.0.0.1:5050']);
    expect(config.zk).toBe('');
    expect(config.resolvers).toEqual(['8.8.8.8:53']);
    expect(config.port).toBe(53);
    expect(config.httpPort).toBe(8123);
  });
});
