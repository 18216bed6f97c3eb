import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeFetchAgents, type FetchOptions } from '../../../src/mesos/fetch/fetch.js';
import { StreamSubscriber, type StreamStatus } from '../../../src/mesos/stream/subscriber.js';
import { TestPki } from '../../helpers/certs.js';
import { memoryLogger } from '../../helpers/memory-logger.js';
import { StreamMaster } from '../../helpers/stream-master.js';
import { waitFor } from '../../helpers/wait.js';

let pki: TestPki;
const pem: Record<string, string> = {};

beforeAll(() => {
  pki = new TestPki()
    .ca('ca')
    .ca('other-ca')
    .leaf('server', 'ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n')
    .leaf('client', 'ca', 'extendedKeyUsage=clientAuth\n');
  Object.assign(pem, pki.pem);
});

afterAll(async () => {
  await closeFetchAgents();
  pki.remove();
});

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function tlsMaster(): Promise<StreamMaster> {
  const m = await StreamMaster.start({
    tls: { key: pem['server.key']!, cert: pem['server.crt']!, ca: pem['ca.crt'] },
    basicAuth: { principal: 'alice', secret: 's3cret' },
  });
  open.push(m);
  return m;
}

function subscribe(address: string, fetch: Partial<FetchOptions>): { states: StreamStatus[]; masters: string[] } {
  const seen = { states: [] as StreamStatus[], masters: [] as string[] };
  const sub = new StreamSubscriber([address], {
    fetch: {
      https: true,
      timeoutMs: 5_000,
      maxStateBytes: 268_435_456,
      auth: { kind: 'basic', principal: 'alice', secret: 's3cret' },
      ...fetch,
    },
    log: memoryLogger().log,
    backoff: { initialMs: 20, maxMs: 200 },
    callbacks: {
      onSnapshot: (_model, master) => seen.masters.push(master),
      onChange: () => {},
      onState: (s) => seen.states.push(s),
    },
  });
  open.unshift(sub);
  sub.start();
  return seen;
}

describe('StreamSubscriber over HTTPS (the state fetch TLS settings)', () => {
  it('subscribes to a master whose certificate chains to the CA, presenting the client certificate', async () => {
    const m = await tlsMaster();
    const seen = subscribe(m.address, { ca: pem['ca.crt'], cert: pem['client.crt'], key: pem['client.key'] });
    await waitFor('a snapshot', () => seen.masters.length === 1);
    expect(seen.masters).toEqual([m.address]);
    expect(m.requests.map((r) => r.body).sort()).toEqual(['', 'GET_MASTER', 'SUBSCRIBE']);
  });

  it('refuses a master whose certificate does not chain to the CA (MESOS_DNS_FETCH_TLS)', async () => {
    const m = await tlsMaster();
    const seen = subscribe(m.address, { ca: pem['other-ca.crt'], cert: pem['client.crt'], key: pem['client.key'] });
    const failing = await waitFor('failing', () => seen.states.find((s) => s.state === 'failing'));
    expect(failing.value).toMatchObject({ code: 'MESOS_DNS_FETCH_TLS', master: m.address });
    expect(m.requests).toHaveLength(0);
  });
});
