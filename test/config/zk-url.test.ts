import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseZkUrl } from '../../src/config/zk-url.js';

function configError(value: string): ConfigError {
  try {
    parseZkUrl(value);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`parseZkUrl(${JSON.stringify(value)}) did not throw`);
}

describe('parseZkUrl', () => {
  it('parses an ensemble and a path', () => {
    expect(parseZkUrl('zk://10.0.0.1:2181,10.0.0.2:2182/mesos')).toEqual({
      servers: [
        { host: '10.0.0.1', port: 2181 },
        { host: '10.0.0.2', port: 2182 },
      ],
      path: '/mesos',
    });
  });

  it('defaults a missing port to 2181, also on the last host (Go aborts there)', () => {
    expect(parseZkUrl('zk://h1,h2:3000,h3/mesos').servers).toEqual([
      { host: 'h1', port: 2181 },
      { host: 'h2', port: 3000 },
      { host: 'h3', port: 2181 },
    ]);
  });

  it('accepts bracketed IPv6 hosts with and without port', () => {
    expect(parseZkUrl('zk://[::1]:2190,[2001:db8::5]/mesos').servers).toEqual([
      { host: '::1', port: 2190 },
      { host: '2001:db8::5', port: 2181 },
    ]);
  });

  it('strips trailing slashes of the path and keeps nested paths', () => {
    expect(parseZkUrl('zk://h:2181/mesos/').path).toBe('/mesos');
    expect(parseZkUrl('zk://h:2181/a/b///').path).toBe('/a/b');
  });

  it('uses the root when there is no path', () => {
    expect(parseZkUrl('zk://h:2181').path).toBe('/');
    expect(parseZkUrl('zk://h:2181/').path).toBe('/');
  });

  it('accepts the scheme in any case and surrounding blanks', () => {
    expect(parseZkUrl(' ZK://127.0.0.1:37181/mesos ')).toEqual({
      servers: [{ host: '127.0.0.1', port: 37181 }],
      path: '/mesos',
    });
  });

  it.each([
    ['http://1.2.3.4/mesos'],
    ['1.2.3.4:5050'],
    [''],
    ['zk:///mesos'],
    ['zk://h1,,h2/mesos'],
    ['zk://h:0/mesos'],
    ['zk://h:65536/mesos'],
    ['zk://h:abc/mesos'],
    ['zk://::1:2181/mesos'],
    ['zk://[::1/mesos'],
    ['zk://[nothost]:2181/mesos'],
    ['zk://user:pw@h:2181/mesos'],
    ['zk://h:2181/mesos?x=1'],
    ['zk://h:2181/a//b'],
  ])('rejects %j with a ConfigError for key zk', (value) => {
    const err = configError(value);
    expect(err.key).toBe('zk');
    expect(err.code).toBe('MESOS_DNS_CONFIG_INVALID');
  });

  describe('file:// indirection', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'zk-url-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reads the value from the file, recursively', async () => {
      const inner = join(dir, 'inner');
      const outer = join(dir, 'outer');
      await writeFile(inner, 'zk://10.1.1.1:2181/mesos\n');
      await writeFile(outer, `file://${inner}`);
      expect(parseZkUrl(`file://${outer}`)).toEqual({ servers: [{ host: '10.1.1.1', port: 2181 }], path: '/mesos' });
    });

    it('reports a missing file and a loop as ConfigError', async () => {
      expect(configError(`file://${join(dir, 'absent')}`).message).toContain('absent');
      const loop = join(dir, 'loop');
      await writeFile(loop, `file://${loop}`);
      expect(configError(`file://${loop}`).message).toContain('indirections');
    });
  });
});
