import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { MesosDnsError } from '../../src/errors.js';
import { ServingState } from '../../src/serving.js';
import { fixtureNames, fixtureText, withGoPrefix } from '../helpers/fixtures.js';
import { expectGoHosts, expectGoServices, type HostsBody, type ServicesBody } from '../helpers/go-lookups.js';
import { waitFor } from '../helpers/wait.js';
import {
  SERIAL,
  httpFixtureConfig,
  fixtureSnapshot,
  loadedServing,
  noViews,
  request,
  serve,
  viewText,
} from './support.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
const TIMEOUT = 60_000;

/** A name one path segment can carry: a `/`, even encoded, splits segments in Go's router too. */
const inPath = (n: string): boolean => !n.includes('/');

describe.each(fixtureNames())('HTTP API on fixture %s', (name) => {
  it('serves /v1/axfr and /v1/enumerate as the Go program wrote them', { timeout: TIMEOUT }, async () => {
    const { config, snapshot, views } = fixtureSnapshot(name);
    const { base } = await serve(config, loadedServing(snapshot), { views });
    const axfr = await request(base, '/v1/axfr');
    expect(axfr.status).toBe(200);
    expect(axfr.headers['content-type']).toBe('application/json');
    expect(axfr.body.replace(`\n  "Serial": ${SERIAL},`, '')).toBe(withGoPrefix(fixtureText(name, 'axfr.json')));
    const en = await request(base, '/v1/enumerate');
    expect(en.status).toBe(200);
    expect(en.body).toBe(withGoPrefix(fixtureText(name, 'enumerate.json')));
  });

  it('answers /v1/hosts for every name of the A and AAAA maps as Go does', { timeout: TIMEOUT }, async () => {
    const { config, snapshot, records } = fixtureSnapshot(name);
    const { base } = await serve(config, loadedServing(snapshot));
    const names = [...new Set([...records.a.keys(), ...records.aaaa.keys()])].filter(inPath);
    expect(names.length).toBeGreaterThan(10);
    for (const host of names) {
      const r = await request(base, `/v1/hosts/${encodeURIComponent(host)}`);
      expect(r.status, host).toBe(200);
      expectGoHosts(JSON.parse(r.body) as HostsBody, records, host);
    }
  });

  it('answers /v1/services for every name of the SRV map as Go does', { timeout: TIMEOUT }, async () => {
    const { config, snapshot, records } = fixtureSnapshot(name);
    const { base } = await serve(config, loadedServing(snapshot));
    const names = [...records.srv.keys()].filter(inPath);
    expect(names.length).toBeGreaterThan(3);
    for (const service of names) {
      const r = await request(base, `/v1/services/${encodeURIComponent(service)}`);
      expect(r.status, service).toBe(200);
      expectGoServices(JSON.parse(r.body) as ServicesBody, records, service);
    }
  });
});

describe('HTTP API routes', () => {
  const fixture = 'upstream-fake';

  it('GET /v1/version returns the Go shape with our version', async () => {
    const { config, snapshot } = fixtureSnapshot(fixture);
    const { base } = await serve(config, loadedServing(snapshot));
    const r = await request(base, '/v1/version');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body).toBe(
      `{\n  "Service": "Mesos-DNS",\n  "URL": "https://github.com/mesosphere/mesos-dns",\n  "Version": "${VERSION}"\n }`,
    );
  });

  it('GET /v1/config shows Go keys in Go order, the current serial, sorted zones and no secret', async () => {
    const { config, snapshot } = fixtureSnapshot(fixture);
    config.mesosCredentials = { principal: 'dns', secret: 'hunter2' };
    config.zoneResolvers = { 'z.example': ['127.0.0.9:53'], 'a.example': ['127.0.0.8:53'] };
    const { base } = await serve(config, loadedServing(snapshot));
    const r = await request(base, '/v1/config');
    expect(r.status).toBe(200);
    expect(r.body).not.toContain('hunter2');
    const shown = JSON.parse(r.body) as Record<string, unknown>;
    const goKeys =
      'RefreshSeconds Port Timeout StateTimeoutSeconds ZkDetectionTimeout HttpPort TTL SRVRecordDefaultWeight SOASerial SOARefresh SOARetry SOAExpire SOAMinttl SOAMname SOARname Masters ZoneResolvers Resolvers IPSources Zk Domain File Listener HTTPListener RecurseOn DnsOn HttpOn ExternalOn EnforceRFC952 SetTruncateBit EnumerationOn MesosHTTPSOn CACertFile CertFile KeyFile MesosCredentials IAMConfigFile MesosAuthentication'.split(
        ' ',
      );
    expect(Object.keys(shown).slice(0, goKeys.length)).toEqual(goKeys);
    expect(shown['SOASerial']).toBe(SERIAL);
    expect(shown['Masters']).toEqual(['127.0.0.1:5050']);
    expect(shown['MesosCredentials']).toEqual({ Principal: 'dns', Secret: '******' });
    expect(r.body).toContain('"ZoneResolvers": {\n   "a.example": [\n    "127.0.0.8:53"\n   ],\n   "z.example"');
  });

  it('normalises host keys: case, missing dot, .* wildcards, percent-encoding; placeholders when nothing is found', async () => {
    const { config, snapshot, records } = fixtureSnapshot(fixture);
    const { base } = await serve(config, loadedServing(snapshot));
    const host = 'liquor-store.marathon.mesos.';
    const ips = [...records.a.get(host)!].sort();
    for (const path of [
      'LIQUOR-store.Marathon.mesos.',
      'liquor-store.marathon.mesos',
      'liquor-store.*.marathon.mesos.*',
      'liquor-store%2Emarathon.mesos',
      'liquor-store.marathon.mesos/',
    ]) {
      const r = await request(base, `/v1/hosts/${path}`);
      expect(r.status, path).toBe(200);
      const got = JSON.parse(r.body) as Array<{ host: string; ip: string }>;
      expect(
        got.every((e) => e.host === host),
        path,
      ).toBe(true);
      expect(got.map((e) => e.ip).sort(), path).toEqual(ips);
    }
    // Empty non-terminals exist in the table but have no addresses.
    for (const ent of ['marathon.slave.mesos.', '_tcp.marathon.mesos.'])
      expect(records.a.has(ent) || records.aaaa.has(ent)).toBe(false);
    for (const path of ['nothere.mesos', '.*', 'marathon.slave.mesos', '_tcp.marathon.mesos.']) {
      const r = await request(base, `/v1/hosts/${path}`);
      expect(r.status, path).toBe(200);
      expect(r.body, path).toBe('[\n  {\n   "host": "",\n   "ip": ""\n  }\n ]');
    }
    const none = await request(base, '/v1/services/_nothere._tcp.mesos.');
    expect(none.body).toBe('[\n  {\n   "service": "",\n   "host": "",\n   "ip": "",\n   "port": ""\n  }\n ]');
    expect((await request(base, '/v1/services/.*')).body).toBe(none.body);
  });

  it('echoes the service parameter as received and gives ports as strings', async () => {
    const { config, snapshot } = fixtureSnapshot(fixture);
    const { base } = await serve(config, loadedServing(snapshot));
    const r = await request(base, '/v1/services/_LIQUOR-store._tcp.marathon.mesos');
    const got = JSON.parse(r.body) as Array<{ service: string; host: string; ip: string; port: string }>;
    expect(got.length).toBeGreaterThan(0);
    for (const e of got) {
      expect(e.service).toBe('_LIQUOR-store._tcp.marathon.mesos');
      expect(e.port).toMatch(/^\d+$/);
    }
    expect(r.body).toContain('"port": "');
  });

  it('answers 501 for /v1/hosts/{host}/ports', async () => {
    const { config, snapshot } = fixtureSnapshot(fixture);
    const { base } = await serve(config, loadedServing(snapshot));
    const r = await request(base, '/v1/hosts/liquor-store.marathon.mesos/ports');
    expect(r.status).toBe(501);
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.body).toBe('To be implemented...');
  });

  it('gives 404, 405, 406, 301 and 400 as the Go program did', async () => {
    const { config, snapshot } = fixtureSnapshot(fixture);
    const { base } = await serve(config, loadedServing(snapshot));
    for (const path of [
      '/',
      '/v1',
      '/v1/',
      '/v1/hosts/',
      '/v1/services',
      '/debug/pprof/',
      '/v1/nope',
      '/v1/hosts/a%2Fb',
      '/v1/hosts/a/b/c',
      '/healthz',
    ]) {
      const r = await request(base, path);
      expect([path, r.status, r.body]).toEqual([path, 404, '404: Page Not Found']);
    }
    for (const [method, path] of [
      ['POST', '/v1/version'],
      ['HEAD', '/v1/version'],
      ['DELETE', '/v1/hosts/x'],
      ['PUT', '/v1/hosts/x/ports'],
      ['POST', '/v1/axfr'],
      ['POST', '/health'],
    ] as const) {
      const r = await request(base, path, { method });
      expect(r.status, `${method} ${path}`).toBe(405);
      expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
      if (method !== 'HEAD') expect(r.body).toBe('405: Method Not Allowed');
    }
    for (const accept of ['text/plain', 'application/xml', 'application/*', 'text/html, text/plain;q=0.5']) {
      const r = await request(base, '/v1/version', { headers: { accept } });
      expect([accept, r.status, r.body]).toEqual([accept, 406, '406: Not Acceptable']);
    }
    for (const accept of [
      '',
      '*/*',
      'application/json',
      'text/html,application/xhtml+xml,*/*;q=0.8',
      'text/plain, application/json; charset=utf-8',
    ]) {
      const r = await request(base, '/v1/version', { headers: { accept } });
      expect([accept, r.status]).toEqual([accept, 200]);
    }
    for (const [path, location] of [
      ['//v1/version', '/v1/version'],
      ['/v1/./version?x=1', '/v1/version?x=1'],
      ['/v1/hosts/../version', '/v1/version'],
      ['/v1//hosts/a/', '/v1/hosts/a/'],
    ] as const) {
      const r = await request(base, path);
      expect([path, r.status, r.headers.location]).toEqual([path, 301, location]);
      expect(r.body).toBe(`<a href="${location}">Moved Permanently</a>.\n\n`);
    }
    expect((await request(base, '/v1/version/')).status).toBe(200);
    expect((await request(base, '/v1/version?pretty=false')).status).toBe(200);
    expect((await request(base, '/v1/hosts/%zz')).status).toBe(400);
    // Our endpoints ignore Accept (Prometheus and load balancers send their own).
    expect((await request(base, '/metrics', { headers: { accept: 'application/openmetrics-text' } })).status).toBe(200);
    expect((await request(base, '/health', { method: 'HEAD' })).status).toBe(200);
  });

  it('renders the bodies from the records current at request time', async () => {
    let current = fixtureSnapshot(fixture);
    const { base, serving } = await serve(current.config, loadedServing(current.snapshot), {
      views: (view) => current.views(view),
    });
    const firstAxfr = await viewText(current.views, 'axfr');
    expect((await request(base, '/v1/axfr')).body).toBe(firstAxfr);
    expect((await request(base, '/v1/axfr')).body).toBe(firstAxfr);
    current = fixtureSnapshot('docker-mesos-120');
    serving.swap(current.snapshot);
    const nextAxfr = await viewText(current.views, 'axfr');
    expect(nextAxfr).not.toBe(firstAxfr);
    expect((await request(base, '/v1/axfr')).body).toBe(nextAxfr);
    expect((await request(base, '/v1/enumerate')).body).toBe(await viewText(current.views, 'enumerate'));
  });

  it('streams a body chunk by chunk, and a client that leaves ends the render', async () => {
    const { config, snapshot } = fixtureSnapshot(fixture);
    let pulled = 0;
    let ended = false;
    const endless = async function* (): AsyncGenerator<Buffer> {
      try {
        for (;;) {
          pulled++;
          yield Buffer.alloc(64 * 1024, 0x20);
        }
      } finally {
        ended = true;
      }
    };
    const { base } = await serve(config, loadedServing(snapshot), { views: () => endless() });
    const url = new URL('/v1/axfr', base);
    await new Promise<void>((resolve, reject) => {
      const req = httpGet(url, (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['transfer-encoding']).toBe('chunked');
        let got = 0;
        res.on('data', (c: Buffer) => {
          got += c.length;
          if (got > 1024 * 1024) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (err) => (ended ? resolve() : reject(err)));
    });
    await waitFor('the render to end', () => ended);
    // Backpressure: the render went no further than the socket's buffers ahead of the reader.
    expect(pulled).toBeLessThan(200);
  });

  it('writes a chunk out before asking for the next, whose render may reuse its buffer', async () => {
    const { config, snapshot } = fixtureSnapshot(fixture);
    // Larger than the socket buffers on both sides, so a client that waits leaves most of it unwritten.
    const big = Buffer.alloc(16 * 1024 * 1024, 0x61);
    const reusing = async function* (): AsyncGenerator<Buffer> {
      yield big;
      big.fill(0x62);
      yield Buffer.from('end');
    };
    const { base } = await serve(config, loadedServing(snapshot), { views: () => reusing() });
    const body = await new Promise<Buffer>((resolve, reject) => {
      httpGet(new URL('/v1/axfr', base), (res) => {
        const parts: Buffer[] = [];
        res.pause();
        setTimeout(() => res.resume(), 300);
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve(Buffer.concat(parts)));
      }).on('error', reject);
    });
    expect(body.length).toBe(big.length + 3);
    expect(body.subarray(0, big.length).every((b) => b === 0x61)).toBe(true);
    expect(body.subarray(big.length).toString()).toBe('end');
  });

  it('streams the bodies of pipelined requests one after the other, each whole', async () => {
    const { config, snapshot } = fixtureSnapshot(fixture);
    const parts = async function* (): AsyncGenerator<Buffer> {
      for (const c of 'xyz') yield Buffer.alloc(300_000, c);
    };
    const { base } = await serve(config, loadedServing(snapshot), { views: () => parts() });
    const url = new URL(base);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          'GET /v1/axfr HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/enumerate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        );
      });
      const got: Buffer[] = [];
      socket.on('data', (c: Buffer) => got.push(c));
      socket.on('end', () => resolve(Buffer.concat(got).toString('latin1')));
      socket.on('error', reject);
    });
    expect(raw.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    // Each body ends with the chunked encoding's last chunk.
    expect(raw.match(/\r\n0\r\n\r\n/g)).toHaveLength(2);
    expect(raw.split('z').length - 1).toBe(600_000);
  });

  it('answers 503 when the records to render are gone, and cuts a body short when they go midway', async () => {
    const { config, snapshot } = fixtureSnapshot(fixture);
    const { base } = await serve(config, loadedServing(snapshot));
    const r = await request(base, '/v1/axfr');
    expect([r.status, r.body]).toEqual([503, '{"error":"no state loaded yet"}']);

    const cut = async function* (): AsyncGenerator<Buffer> {
      yield Buffer.from('{"partial":');
      throw new MesosDnsError('MESOS_DNS_VIEW_DROPPED', 'dropped');
    };
    const s2 = await serve(config, loadedServing(snapshot), { views: () => cut() });
    await expect(request(s2.base, '/v1/enumerate')).rejects.toThrow();
    expect(s2.logger.text()).not.toContain('HTTP body failed');
  });

  it('has no /v1/axfr or /v1/enumerate unless EnumerationOn', async () => {
    const { config, snapshot } = fixtureSnapshot(fixture);
    config.enumerationOn = false;
    const { base } = await serve(config, loadedServing(snapshot));
    for (const path of ['/v1/axfr', '/v1/enumerate']) {
      expect((await request(base, path)).status).toBe(404);
      expect((await request(base, path, { method: 'POST' })).status).toBe(404);
    }
    expect((await request(base, '/v1/version')).status).toBe(200);
  });

  it('says 503 with a JSON reason before the first load, then serves once a snapshot is swapped in', async () => {
    const config = httpFixtureConfig(fixture);
    const serving = new ServingState();
    serving.recordOutcome({
      at: Date.now(),
      ok: false,
      error: {
        code: 'MESOS_DNS_MASTER_UNREACHABLE',
        message: 'no master answered',
        master: '127.0.0.1:5050',
        cause: 'MESOS_DNS_FETCH_CONNECT',
      },
      durationMs: 5,
    });
    let views = noViews;
    const { base } = await serve(config, serving, { views: (view) => views(view) });
    for (const path of [
      '/v1/axfr',
      '/v1/enumerate',
      '/v1/hosts/liquor-store.marathon.mesos',
      '/v1/services/_liquor-store._tcp.marathon.mesos',
    ]) {
      const r = await request(base, path);
      expect([path, r.status, r.headers['content-type'], r.body]).toEqual([
        path,
        503,
        'application/json',
        '{"error":"no state loaded yet"}',
      ]);
    }
    const health = await request(base, '/health');
    expect([health.status, health.body]).toEqual([200, '{"status":"ok"}']);
    const notReady = await request(base, '/ready');
    expect(notReady.status).toBe(503);
    expect(notReady.headers['content-type']).toBe('application/json');
    expect(notReady.body).toBe(
      '{"ready":false,"reason":"MESOS_DNS_MASTER_UNREACHABLE","cause":"MESOS_DNS_FETCH_CONNECT","master":"127.0.0.1:5050","detail":"no state loaded yet","source":"poll","stream":null}',
    );
    // /v1/config works before the first load, with the configured serial.
    const cfg = JSON.parse((await request(base, '/v1/config')).body) as { SOASerial: number };
    expect(cfg.SOASerial).toBe(config.soaSerial);

    const loaded = fixtureSnapshot(fixture);
    const { snapshot } = loaded;
    views = loaded.views;
    serving.swap(snapshot);
    serving.recordOutcome({ at: snapshot.loadedAt, ok: true, durationMs: 5 });
    const ready = await request(base, '/ready');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ ready: true, serial: SERIAL });
    expect((await request(base, '/v1/axfr')).status).toBe(200);
  });

  it('is not ready when the last successful refresh is older than 3 × refreshSeconds', async () => {
    const config = httpFixtureConfig(fixture);
    config.refreshSeconds = 10;
    const { snapshot } = fixtureSnapshot(fixture, Date.now() - 31_000);
    const serving = loadedServing(snapshot);
    const { base } = await serve(config, serving);
    const stale = await request(base, '/ready');
    expect(stale.status).toBe(503);
    expect(JSON.parse(stale.body)).toMatchObject({
      reason: 'MESOS_DNS_STALE',
      detail: expect.stringMatching(/more than 30s/),
    });
    // A refresh that found unchanged records proves them current without a swap.
    serving.recordOutcome({ at: Date.now(), ok: true, durationMs: 3 });
    expect((await request(base, '/ready')).status).toBe(200);
  });

  it('turns an exception in a handler into a 500 with a JSON body, and logs it', async () => {
    const config = httpFixtureConfig(fixture);
    const { snapshot } = fixtureSnapshot(fixture);
    const broken = {
      ...snapshot,
      table: {
        lookup: () => {
          throw new Error('table exploded');
        },
      },
    } as unknown as typeof snapshot;
    const { base, logger } = await serve(config, loadedServing(broken));
    const r = await request(base, '/v1/hosts/x.mesos');
    expect([r.status, r.headers['content-type'], r.body]).toEqual([
      500,
      'application/json',
      '{"error":"internal error"}',
    ]);
    expect(r.body).not.toContain('exploded');
    expect(logger.text()).toContain('table exploded');
    expect((await request(base, '/v1/version')).status).toBe(200);
  });

  it('closes with keep-alive connections open', async () => {
    const config = httpFixtureConfig(fixture);
    const { base, server } = await serve(config);
    const r = await fetch(base + '/health');
    expect(r.status).toBe(200);
    await server.close();
    await expect(fetch(base + '/health')).rejects.toThrow();
  });
});
