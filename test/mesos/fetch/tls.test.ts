import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MasterUnavailableError } from '../../../src/errors.js';
import { closeFetchAgents, fetchOptionsFromConfig, fetchState } from '../../../src/mesos/fetch/fetch.js';
import type { FetchOptions } from '../../../src/mesos/fetch/fetch.js';
import type { FetchConfig } from '../../../src/mesos/fetch/options.js';
import { TestPki } from '../../helpers/certs.js';
import { memoryLogger } from '../../helpers/memory-logger.js';
import { startStandInMaster } from '../../helpers/stand-in-master.js';
import type { StandInMaster } from '../../helpers/stand-in-master.js';

const PRINCIPAL = 'mesos-dns';
const SECRET = 'Sup3r-Secret-Pa55word';

let pki: TestPki;
const pem: Record<string, string> = {};

function file(name: string): string {
  return pki.file(name);
}

beforeAll(() => {
  pki = new TestPki()
    .ca('ca')
    .ca('other-ca')
    .leaf('server', 'ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n')
    .leaf('wrong-ip', 'ca', 'subjectAltName=IP:127.0.0.2\nextendedKeyUsage=serverAuth\n')
    .leaf('client', 'ca', 'extendedKeyUsage=clientAuth\n');
  Object.assign(pem, pki.pem);
});

afterAll(async () => {
  await closeFetchAgents();
  pki.remove();
});

const open: StandInMaster[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});

async function tlsMaster(
  cert = 'server',
  extra: { requestCert?: boolean; basicAuth?: boolean } = {},
): Promise<StandInMaster> {
  const m = await startStandInMaster({
    tls: {
      key: pem[`${cert}.key`] ?? '',
      cert: pem[`${cert}.crt`] ?? '',
      ca: pem['ca.crt'],
      requestCert: extra.requestCert,
    },
    basicAuth: extra.basicAuth === true ? { principal: PRINCIPAL, secret: SECRET } : undefined,
  });
  open.push(m);
  return m;
}

function config(overrides: Partial<FetchConfig>): FetchConfig {
  return {
    mesosHTTPSOn: true,
    stateTimeoutSeconds: 10,
    maxStateBytes: 268_435_456,
    caCertFile: file('ca.crt'),
    certFile: '',
    keyFile: '',
    mesosAuthentication: 'basic',
    mesosCredentials: { principal: PRINCIPAL, secret: SECRET },
    iamConfigFile: '',
    ...overrides,
  };
}

function expectNoSecret(error: unknown, logText: string, secret: string): void {
  const encoded = Buffer.from(`${PRINCIPAL}:${secret}`).toString('base64');
  expect((error as Error).message).not.toContain(secret);
  expect((error as Error).message).not.toContain(encoded);
  expect(logText).not.toContain(secret);
  expect(logText).not.toContain(encoded);
}

describe('fetchState over HTTPS', () => {
  it('reads the CA from config and fetches with basic credentials', async () => {
    const m = await tlsMaster('server', { basicAuth: true });
    const options = fetchOptionsFromConfig(config({}));
    expect(options.ca).toBe(pem['ca.crt']);
    const { log, text } = memoryLogger();

    const result = await fetchState([m.address], options, log);

    expect(result.master).toBe(m.address);
    expect(result.unchanged).toBe(false);
    expect(!result.unchanged && (result.body as Record<string, unknown>).leader).toBe(m.upid);
    expect(m.requests).toHaveLength(1);
    expect(text()).not.toContain(SECRET);
  });

  it('rejects a server whose certificate does not chain to the configured CA', async () => {
    const m = await tlsMaster('server', { basicAuth: true });
    const options = fetchOptionsFromConfig(config({ caCertFile: file('other-ca.crt') }));
    const { log, text } = memoryLogger();

    const error = await fetchState([m.address], options, log).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MasterUnavailableError);
    expect((error as Error).message).toContain('MESOS_DNS_FETCH_TLS');
    expect(m.requests).toHaveLength(0);
    expectNoSecret(error, text(), SECRET);
  });

  it('rejects a certificate issued for another IP address', async () => {
    const m = await tlsMaster('wrong-ip');
    const options = fetchOptionsFromConfig(config({ mesosAuthentication: '' }));
    const { log } = memoryLogger();

    const error = await fetchState([m.address], options, log).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MasterUnavailableError);
    expect((error as Error).message).toContain('MESOS_DNS_FETCH_TLS');
  });

  it('fails cleanly on a wrong password (401) without revealing either password', async () => {
    const m = await tlsMaster('server', { basicAuth: true });
    const wrong = 'Wr0ng-Guess-Pa55word';
    const options = fetchOptionsFromConfig(config({ mesosCredentials: { principal: PRINCIPAL, secret: wrong } }));
    const { log, text } = memoryLogger();

    const error = await fetchState([m.address], options, log).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MasterUnavailableError);
    expect((error as Error).message).toContain('HTTP status 401');
    expect(m.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${PRINCIPAL}:${wrong}`).toString('base64')}`,
    );
    expectNoSecret(error, text(), wrong);
    expectNoSecret(error, text(), SECRET);
  });

  it('skips verification without a CA (as Go does) and warns once', async () => {
    await closeFetchAgents();
    const m = await tlsMaster('wrong-ip');
    const options: FetchOptions = {
      https: true,
      timeoutMs: 10_000,
      maxStateBytes: 268_435_456,
      auth: { kind: 'none' },
    };
    const { log, lines } = memoryLogger();

    await fetchState([m.address], options, log);
    await fetchState([m.address], structuredClone(options), log);

    expect(m.requests).toHaveLength(2);
    expect(lines.filter((l) => l.level === 40 && String(l.msg).includes('not verified'))).toHaveLength(1);
  });

  it('presents the configured client certificate', async () => {
    const m = await tlsMaster('server', { requestCert: true });
    const withCert = fetchOptionsFromConfig(
      config({ mesosAuthentication: '', certFile: file('client.crt'), keyFile: file('client.key') }),
    );
    const withoutCert = fetchOptionsFromConfig(config({ mesosAuthentication: '' }));
    const { log } = memoryLogger();

    const result = await fetchState([m.address], withCert, log);
    expect(result.master).toBe(m.address);

    const error = await fetchState([m.address], withoutCert, log).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MasterUnavailableError);
    expect(m.requests).toHaveLength(1);
  });
});
