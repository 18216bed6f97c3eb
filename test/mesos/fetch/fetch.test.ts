import { generateKeyPairSync, verify } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MasterUnavailableError } from '../../../src/errors.js';
import { closeFetchAgents, fetchState as fetchAny } from '../../../src/mesos/fetch/fetch.js';

/** Without a previous state a fetch always parses: these tests look at what it parsed. */
async function fetchState(...args: Parameters<typeof fetchAny>) {
  const result = await fetchAny(...args);
  if (result.unchanged) throw new Error('a fetch without a previous state reported it unchanged');
  return result;
}
import type { FetchOptions } from '../../../src/mesos/fetch/fetch.js';
import { errOf, memoryLogger } from '../../helpers/memory-logger.js';
import { startStandInMaster } from '../../helpers/stand-in-master.js';
import { fixtureState, stateWithLeader } from '../../helpers/fixtures.js';
import type { StandInMaster } from '../../helpers/stand-in-master.js';

const plain: FetchOptions = { https: false, timeoutMs: 10_000, maxStateBytes: 268_435_456, auth: { kind: 'none' } };
/** Short enough to keep the suite quick, long enough for a loaded 2-core machine to answer a healthy master. */
const short: FetchOptions = { ...plain, timeoutMs: 1_000 };

const open: Array<{ close(): Promise<void> }> = [];
async function master(opts?: Parameters<typeof startStandInMaster>[0]): Promise<StandInMaster> {
  const m = await startStandInMaster(opts);
  open.push(m);
  return m;
}

/** A state that says where it came from, so tests can tell replies apart. */
function markedState(m: StandInMaster, marker: string, leader = m.upid): Record<string, unknown> {
  return { ...stateWithLeader(fixtureState('upstream-fake'), leader), hostname: marker };
}

function hostnameOf(body: unknown): unknown {
  return (body as Record<string, unknown>).hostname;
}

async function closedPortAddress(): Promise<string> {
  const m = await startStandInMaster();
  const address = m.address;
  await m.close();
  return address;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});

afterAll(async () => {
  await closeFetchAgents();
});

describe('fetchState: success paths', () => {
  it('returns the first master state, parsed, with its address and size', async () => {
    const a = await master();
    a.serve(markedState(a, 'alpha'));
    const { log } = memoryLogger();

    const result = await fetchState([a.address], plain, log);

    expect(result.master).toBe(a.address);
    expect(hostnameOf(result.body)).toBe('alpha');
    expect((result.body as Record<string, unknown>).leader).toBe(a.upid);
    expect(result.bytes).toBe(Buffer.byteLength(JSON.stringify(markedState(a, 'alpha'))));
    expect(a.requests).toHaveLength(1);
  });

  it('sends the request the Go program sends', async () => {
    const a = await master();
    const { log } = memoryLogger();
    await fetchState([a.address], plain, log);

    const [req] = a.requests;
    expect(req?.method).toBe('GET');
    expect(req?.path).toBe('/master/state');
    expect(req?.headers['user-agent']).toBe('Mesos-DNS');
    expect(req?.headers['accept-encoding']).toBe('gzip');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers.connection).toBe('close');
    expect(req?.headers.host).toBe(a.address);
    expect(req?.headers.authorization).toBeUndefined();
  });

  it('sends HTTP Basic credentials', async () => {
    const a = await master({ basicAuth: { principal: 'alice', secret: 's3cret' } });
    const { log } = memoryLogger();
    const options: FetchOptions = { ...plain, auth: { kind: 'basic', principal: 'alice', secret: 's3cret' } };

    const result = await fetchState([a.address], options, log);

    expect(result.master).toBe(a.address);
    expect(a.requests[0]?.headers.authorization).toBe('Basic YWxpY2U6czNjcmV0');
  });

  it('skips an empty first entry (unknown leader)', async () => {
    const a = await master();
    a.serve(markedState(a, 'alpha'));
    const { log } = memoryLogger();

    const result = await fetchState(['', a.address], plain, log);

    expect(result.master).toBe(a.address);
    expect(hostnameOf(result.body)).toBe('alpha');
  });

  it.each(['gzip', 'deflate'] as const)('decodes a %s body', async (kind) => {
    const a = await master();
    a.serve(markedState(a, 'zipped'));
    a.compress(kind);
    const { log } = memoryLogger();

    const result = await fetchState([a.address], plain, log);

    expect(hostnameOf(result.body)).toBe('zipped');
    expect(result.bytes).toBe(Buffer.byteLength(JSON.stringify(markedState(a, 'zipped'))));
  });

  it('follows redirects', async () => {
    const a = await master();
    const b = await master();
    b.serve(markedState(b, 'beta', a.upid));
    a.redirect(`${b.url}/master/state`);
    const { log } = memoryLogger();

    const result = await fetchState([a.address], plain, log);

    expect(hostnameOf(result.body)).toBe('beta');
    expect(b.requests).toHaveLength(1);
  });
});

describe('fetchState: the same bytes as last time', () => {
  it('reports a body with the previous digest from the previous master as unchanged, without parsing it', async () => {
    const a = await master();
    a.serve(markedState(a, 'alpha'));
    const { log } = memoryLogger();
    const first = await fetchState([a.address], plain, log);
    expect(first.digest).toMatch(/^[0-9a-f]{40}$/);

    const again = await fetchAny([a.address], plain, log, { master: first.master, digest: first.digest });

    expect(again).toEqual({ unchanged: true, master: a.address, bytes: first.bytes, digest: first.digest });
  });

  it('parses a changed body, and the same body from another master', async () => {
    const a = await master();
    const b = await master();
    a.serve(markedState(a, 'alpha'));
    b.serve(markedState(a, 'alpha'));
    const { log } = memoryLogger();
    const first = await fetchState([a.address], plain, log);

    a.serve(markedState(a, 'alpha2'));
    const changed = await fetchAny([a.address], plain, log, { master: first.master, digest: first.digest });
    expect(changed.unchanged).toBe(false);
    expect(changed.digest).not.toBe(first.digest);

    // b serves a's state naming a as the leader: the answer is followed to a, whose bytes changed.
    const elsewhere = await fetchAny([b.address], plain, log, { master: b.address, digest: 'not-this-one' });
    expect(elsewhere.unchanged).toBe(false);
  });
});

describe('fetchState: following the leader', () => {
  it("re-fetches from the leader named in the state, on the leader's own port", async () => {
    const a = await master();
    const b = await master();
    a.serve(markedState(a, 'alpha', b.upid));
    b.serve(markedState(b, 'beta'));
    const { log } = memoryLogger();

    const result = await fetchState([a.address], plain, log);

    expect(result.master).toBe(b.address);
    expect(hostnameOf(result.body)).toBe('beta');
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(1);
    expect(b.requests[0]?.path).toBe('/master/state');
  });

  it('follows only once, and accepts the leader state as it is', async () => {
    const a = await master();
    const b = await master();
    const c = await master();
    a.serve(markedState(a, 'alpha', b.upid));
    b.serve(markedState(b, 'beta', c.upid));
    const { log } = memoryLogger();

    const result = await fetchState([a.address], plain, log);

    expect(result.master).toBe(b.address);
    expect(hostnameOf(result.body)).toBe('beta');
    expect(c.requests).toHaveLength(0);
  });

  it('keeps the first state when the leader cannot be fetched, and warns', async () => {
    const a = await master();
    const b = await master();
    a.serve(markedState(a, 'alpha', b.upid));
    b.fail(503);
    const { log, lines } = memoryLogger();

    const result = await fetchState([a.address], plain, log);

    expect(result.master).toBe(a.address);
    expect(hostnameOf(result.body)).toBe('alpha');
    const warning = lines.find((l) => l.level === 40 && l.master === b.address);
    expect(errOf(warning)?.code).toBe('MESOS_DNS_FETCH_HTTP_STATUS');
  });

  it('treats a host name and its address as the same master', async () => {
    const a = await master();
    a.serve(markedState(a, 'alpha'));
    const { log } = memoryLogger();

    const result = await fetchState([`localhost:${a.port}`], plain, log);

    expect(result.master).toBe(`localhost:${a.port}`);
    expect(hostnameOf(result.body)).toBe('alpha');
    expect(a.requests).toHaveLength(1);
  });

  it('fails a master whose leader is not name@host:port', async () => {
    const a = await master();
    const b = await master();
    a.serve(markedState(a, 'alpha', '127.0.0.1:5050'));
    b.serve(markedState(b, 'beta'));
    const { log, lines } = memoryLogger();

    const result = await fetchState([a.address, b.address], plain, log);

    expect(result.master).toBe(b.address);
    expect(errOf(lines.find((l) => l.master === a.address && l.level === 40))?.code).toBe('MESOS_DNS_FETCH_BAD_LEADER');
  });
});

describe('fetchState: failover', () => {
  const cases: Array<[string, (m: StandInMaster) => void, string]> = [
    ['answers 500', (m) => m.fail(500), 'MESOS_DNS_FETCH_HTTP_STATUS'],
    [
      'answers 503 with a valid state',
      (m) => m.fail(503, JSON.stringify(markedState(m, 'x'))),
      'MESOS_DNS_FETCH_HTTP_STATUS',
    ],
    ['hangs before the headers', (m) => m.hang(), 'MESOS_DNS_FETCH_TIMEOUT'],
    ['hangs in the middle of the body', (m) => m.hangBody(), 'MESOS_DNS_FETCH_TIMEOUT'],
    ['serves malformed JSON', (m) => m.malformed(), 'MESOS_DNS_FETCH_BAD_JSON'],
    ['serves an empty body', (m) => m.empty(), 'MESOS_DNS_FETCH_EMPTY_BODY'],
    ['serves a JSON array', (m) => m.serve('[{"leader":"master@127.0.0.1:5050"}]'), 'MESOS_DNS_FETCH_NOT_OBJECT'],
    ['serves a state without leader', (m) => m.leaderless(), 'MESOS_DNS_FETCH_NO_LEADER'],
  ];

  it.each(cases)('moves on when a master %s', async (_name, breakIt, code) => {
    const bad = await master();
    const good = await master();
    breakIt(bad);
    good.serve(markedState(good, 'good'));
    const { log, lines } = memoryLogger();

    const result = await fetchState([bad.address, good.address], short, log);

    expect(result.master).toBe(good.address);
    expect(hostnameOf(result.body)).toBe('good');
    expect(bad.requests).toHaveLength(1);
    const warning = lines.find((l) => l.level === 40 && l.master === bad.address);
    expect(errOf(warning)?.code).toBe(code);
  });

  it('moves on when a master refuses the connection', async () => {
    const good = await master();
    const gone = await closedPortAddress();
    const { log, lines } = memoryLogger();

    const result = await fetchState([gone, good.address], short, log);

    expect(result.master).toBe(good.address);
    expect(errOf(lines.find((l) => l.level === 40 && l.master === gone))?.code).toBe('MESOS_DNS_FETCH_CONNECT');
  });

  it('skips an entry that is not host:port', async () => {
    const good = await master();
    const { log, lines } = memoryLogger();

    const result = await fetchState(['no-port-here', good.address], plain, log);

    expect(result.master).toBe(good.address);
    expect(errOf(lines.find((l) => l.level === 40 && l.master === 'no-port-here'))?.code).toBe(
      'MESOS_DNS_FETCH_BAD_ADDRESS',
    );
  });

  it('accepts the leader case-insensitively, as Go decodes it', async () => {
    const a = await master();
    const state = markedState(a, 'upper');
    delete state.leader;
    a.serve({ ...state, LEADER: a.upid });
    const { log } = memoryLogger();

    const result = await fetchState([a.address], plain, log);

    expect(hostnameOf(result.body)).toBe('upper');
  });

  it('throws MasterUnavailableError naming the last master and every reason when all fail', async () => {
    const a = await master();
    const b = await master();
    a.fail(500);
    b.malformed();
    const { log } = memoryLogger();

    const error = await fetchState(['', a.address, b.address], short, log).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MasterUnavailableError);
    const e = error as MasterUnavailableError;
    expect(e.code).toBe('MESOS_DNS_MASTER_UNREACHABLE');
    expect(e.master).toBe(b.address);
    expect(e.message).toContain(`${a.address}: MESOS_DNS_FETCH_HTTP_STATUS`);
    expect(e.message).toContain(`${b.address}: MESOS_DNS_FETCH_BAD_JSON`);
  });

  it('throws MasterUnavailableError for an empty list or only the unknown leader', async () => {
    const { log } = memoryLogger();
    for (const masters of [[], ['']]) {
      const error = await fetchState(masters, plain, log).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MasterUnavailableError);
      expect((error as MasterUnavailableError).code).toBe('MESOS_DNS_MASTER_UNREACHABLE');
    }
  });

  it('tries a master listed twice only once', async () => {
    const a = await master();
    a.fail(500);
    const { log } = memoryLogger();

    await expect(fetchState([a.address, a.address], plain, log)).rejects.toBeInstanceOf(MasterUnavailableError);
    expect(a.requests).toHaveLength(1);
  });
});

/** 1 MiB: small enough for quick tests, large enough for every fixture state. */
const SMALL_CAP = 1024 * 1024;
const capped: FetchOptions = { ...plain, maxStateBytes: SMALL_CAP };

interface StreamingMaster {
  address: string;
  /** bytes the server managed to hand to its socket */
  sent(): number;
  /** whether the whole body was written before the connection closed */
  finished(): boolean;
  closed: Promise<void>;
}

/**
 * A master that streams a valid state of about `bytes` bytes (padding in its
 * `hostname`) in 64 KiB chunks as fast as the client reads, chunked, without
 * Content-Length; gzip-compressed on the fly when asked (then a few KiB on the wire).
 */
async function streamingMaster(bytes: number, gzip = false): Promise<StreamingMaster> {
  let sent = 0;
  let finished = false;
  let closed: () => void = () => undefined;
  const closedPromise = new Promise<void>((resolve) => (closed = resolve));
  let address = '';
  const server = createServer((req, res: ServerResponse) => {
    req.resume();
    res.on('close', () => closed());
    res.on('finish', () => (finished = true));
    function* body(): Generator<Buffer> {
      yield Buffer.from(`{"leader":"master@${address}","hostname":"`);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      for (let n = 0; n < bytes; n += chunk.length) yield chunk;
      yield Buffer.from('"}');
    }
    const source = Readable.from(body());
    source.on('data', (chunk: Buffer) => (sent += chunk.length));
    res.writeHead(200, { 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
    const out = gzip ? source.pipe(createGzip()) : source;
    out.pipe(res);
    res.on('close', () => source.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  open.push({
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
  return { address, sent: () => sent, finished: () => finished, closed: closedPromise };
}

describe('fetchState: maxStateBytes', () => {
  it('moves on when the Content-Length passes the cap', async () => {
    const big = await master();
    const good = await master();
    big.serve({ ...markedState(big, 'big'), padding: 'x'.repeat(2 * SMALL_CAP) });
    good.serve(markedState(good, 'good'));
    const { log, lines } = memoryLogger();

    const result = await fetchState([big.address, good.address], capped, log);

    expect(result.master).toBe(good.address);
    expect(errOf(lines.find((l) => l.level === 40 && l.master === big.address))?.code).toBe(
      'MESOS_DNS_FETCH_TOO_LARGE',
    );
  });

  it('stops reading a body without Content-Length as soon as it passes the cap', async () => {
    const endless = await streamingMaster(64 * SMALL_CAP);
    const good = await master();
    good.serve(markedState(good, 'good'));
    const { log, lines } = memoryLogger();

    const result = await fetchState([endless.address, good.address], capped, log);

    expect(result.master).toBe(good.address);
    const warning = lines.find((l) => l.level === 40 && l.master === endless.address);
    expect(errOf(warning)?.code).toBe('MESOS_DNS_FETCH_TOO_LARGE');
    expect(errOf(warning)?.message).toContain('as received');
    // The client hung up mid-body: the rest of the 64 MiB was never sent.
    await endless.closed;
    expect(endless.finished()).toBe(false);
    expect(endless.sent()).toBeLessThan(32 * SMALL_CAP);
  });

  it('stops decompressing a gzip bomb as soon as its output passes the cap', async () => {
    const bomb = await streamingMaster(64 * SMALL_CAP, true);
    const good = await master();
    good.serve(markedState(good, 'good'));
    const { log, lines } = memoryLogger();

    const result = await fetchState([bomb.address, good.address], capped, log);

    expect(result.master).toBe(good.address);
    const warning = lines.find((l) => l.level === 40 && l.master === bomb.address);
    expect(errOf(warning)?.code).toBe('MESOS_DNS_FETCH_TOO_LARGE');
    expect(errOf(warning)?.message).toContain('once decompressed');
    await bomb.closed;
    expect(bomb.finished()).toBe(false);
  });

  it('accepts a state of exactly the cap', async () => {
    const a = await master();
    const state = markedState(a, 'exact');
    const text = JSON.stringify({ ...state, padding: '' });
    a.serve(JSON.stringify({ ...state, padding: 'x'.repeat(SMALL_CAP - Buffer.byteLength(text)) }));
    a.gzip(true);
    const { log } = memoryLogger();

    const result = await fetchState([a.address], capped, log);

    expect(result.bytes).toBe(SMALL_CAP);
  });
});

describe('fetchState: IAM authentication', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let login: Server;
  let loginUrl = '';
  let loginStatus = 200;
  const logins: Array<{ uid: unknown; claims: Record<string, unknown>; signatureOk: boolean }> = [];

  beforeAll(async () => {
    login = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const { uid, token } = JSON.parse(body) as { uid: unknown; token: string };
        const [header = '', claims = '', signature = ''] = token.split('.');
        logins.push({
          uid,
          claims: JSON.parse(Buffer.from(claims, 'base64url').toString()) as Record<string, unknown>,
          signatureOk: verify(
            'sha256',
            Buffer.from(`${header}.${claims}`),
            publicKey,
            Buffer.from(signature, 'base64url'),
          ),
        });
        res.writeHead(loginStatus, { 'content-type': 'application/json' });
        res.end(loginStatus === 200 ? '{"token":"tok-123"}' : '{"title":"denied"}');
      });
    });
    await new Promise<void>((resolve) => login.listen(0, '127.0.0.1', resolve));
    loginUrl = `http://127.0.0.1:${(login.address() as AddressInfo).port}/acs/api/v1/auth/login`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => login.close(() => resolve()));
  });

  function iamOptions(): FetchOptions {
    return { ...plain, auth: { kind: 'iam', uid: 'svc-dns', privateKey: privatePem, loginEndpoint: loginUrl } };
  }

  it('logs in with a signed JWT and sends the token', async () => {
    loginStatus = 200;
    logins.length = 0;
    const a = await master();
    const { log } = memoryLogger();
    const before = Math.floor(Date.now() / 1000);

    await fetchState([a.address], iamOptions(), log);

    expect(a.requests[0]?.headers.authorization).toBe('token=tok-123');
    expect(logins).toHaveLength(1);
    expect(logins[0]?.uid).toBe('svc-dns');
    expect(logins[0]?.signatureOk).toBe(true);
    expect(logins[0]?.claims.uid).toBe('svc-dns');
    expect(logins[0]?.claims.exp).toBeGreaterThanOrEqual(before + 3600);
  });

  it('fails the master when the login is refused, without leaking the key', async () => {
    loginStatus = 401;
    const a = await master();
    const { log, text } = memoryLogger();

    const error = await fetchState([a.address], iamOptions(), log).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MasterUnavailableError);
    expect((error as Error).message).toContain('IAM authentication failed');
    expect(a.requests).toHaveLength(0);
    const keyBody = privatePem.split('\n')[1] ?? '';
    expect(keyBody.length).toBeGreaterThan(20);
    expect((error as Error).message).not.toContain(keyBody);
    expect(text()).not.toContain(keyBody);
    expect(text()).toContain('MESOS_DNS_FETCH_IAM_FAILED');
  });
});
