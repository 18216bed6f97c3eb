import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeFetchAgents, fetchOptionsFromConfig } from '../../../src/mesos/fetch/fetch.js';
import { dispatcherFor, plainDispatcherFor } from '../../../src/mesos/fetch/agent.js';
import { openSubscription } from '../../../src/mesos/stream/subscribe.js';
import { fixtureConfig } from '../../helpers/fixtures.js';
import { memoryLogger } from '../../helpers/memory-logger.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  await closeFetchAgents();
});

/** A master answering every request with `status`, `location` and `body`; its `host:port`. */
async function master(status: number, location?: (self: string) => string, body = ''): Promise<string> {
  let self = '';
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(status, location ? { location: location(self) } : {});
    res.end(body);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  self = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return self;
}

function open(entry: string) {
  const options = fetchOptionsFromConfig(fixtureConfig('upstream-fake'));
  const { log } = memoryLogger();
  return openSubscription(entry, {
    options,
    dispatcher: plainDispatcherFor(options, log),
    authDispatcher: dispatcherFor(options, log),
    log,
    signal: new AbortController().signal,
  });
}

describe('openSubscription', () => {
  it('follows a redirect written as //host:port to the leader, which the stream then comes from', async () => {
    const leader = await master(200, undefined, '10\n{"a":true}');
    const follower = await master(307, () => `//${leader}/api/v1`);
    const opened = await open(follower);
    expect(opened.master).toBe(leader);
    expect(opened.origin).toBe(`http://${leader}`);
    let text = '';
    for await (const chunk of opened.body) text += String(chunk);
    expect(text).toBe('10\n{"a":true}');
  });

  it('gives up after 3 redirects, and on a redirect to another scheme or without a Location', async () => {
    const loop = await master(307, (self) => `//${self}/api/v1`);
    await expect(open(loop)).rejects.toMatchObject({ code: 'MESOS_DNS_STREAM_REDIRECT' });
    const toHttps = await master(307, (self) => `https://${self}/api/v1`);
    await expect(open(toHttps)).rejects.toThrow(/another scheme/);
    const bare = await master(307);
    await expect(open(bare)).rejects.toThrow(/without a usable Location/);
  });

  it('tells a master without the API (404, 405, 501) from one that fails (500)', async () => {
    for (const status of [404, 405, 501]) {
      await expect(open(await master(status))).rejects.toMatchObject({ code: 'MESOS_DNS_STREAM_UNSUPPORTED' });
    }
    await expect(open(await master(500))).rejects.toMatchObject({ code: 'MESOS_DNS_STREAM_HTTP_STATUS' });
    await expect(open('no-port')).rejects.toMatchObject({ code: 'MESOS_DNS_FETCH_BAD_ADDRESS' });
  });
});
