import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { Agent, redirectInterceptor } from './undici-parts.js';
import type { Dispatcher } from 'undici';
import type { FetchOptions } from './options.js';

/** Go's http.Client default. */
const MAX_REDIRECTIONS = 10;

interface CachedAgent {
  agent: Agent;
  dispatcher: Dispatcher;
}

/**
 * Options arrive by structured clone (a fresh object per message to the worker),
 * so agents are cached by the content of their TLS settings, not by identity.
 */
const agents = new Map<string, CachedAgent>();

/** The undici dispatcher (TLS settings + redirect following) for these options. */
export function dispatcherFor(options: FetchOptions, log: Logger): Dispatcher {
  return cachedAgent(options, log).dispatcher;
}

/**
 * The same TLS settings without redirect following: the event stream follows
 * a non-leader's redirect itself, since it must know which master it ends at.
 */
export function plainDispatcherFor(options: FetchOptions, log: Logger): Dispatcher {
  return cachedAgent(options, log).agent;
}

function cachedAgent(options: FetchOptions, log: Logger): CachedAgent {
  const key = agentKey(options);
  const cached = agents.get(key);
  if (cached !== undefined) return cached;

  if (options.https && options.ca === undefined) {
    log.warn('MesosHTTPSOn without CACertFile: master certificates are not verified');
  }
  // Each request says `Connection: close` (as Go does), so no socket outlives
  // its request; the pool settings below only matter for the TLS context.
  const agent = new Agent({
    connect: options.https
      ? {
          ca: options.ca,
          cert: options.cert,
          key: options.key,
          rejectUnauthorized: options.ca !== undefined,
        }
      : {},
  });
  const dispatcher = agent.compose(redirectInterceptor({ maxRedirections: MAX_REDIRECTIONS }));
  const entry = { agent, dispatcher };
  agents.set(key, entry);
  return entry;
}

/** Closes every cached agent, so a worker thread can exit without open handles. */
export async function closeFetchAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map(({ agent }) => agent.destroy()));
}

function agentKey(options: FetchOptions): string {
  if (!options.https) return 'http';
  const hash = createHash('sha256');
  for (const part of [options.ca, options.cert, options.key]) {
    hash.update(part === undefined ? '-' : `+${part.length}:${part}`);
  }
  return `https:${hash.digest('hex')}`;
}
