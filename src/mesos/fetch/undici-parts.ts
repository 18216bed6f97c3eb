/**
 * The parts of undici this program uses, loaded on their own. undici's index
 * loads all of undici (fetch, WebSocket, caches, mocks, proxies): ~95 ms on a
 * 2-core VM, in the refresh worker's start-up, which the first fetch, and
 * with it the first answer, waits for. These parts load in ~40 ms, and the
 * worker's bundle (scripts/bundle.mjs) takes them in. They are the very class
 * and functions the index exports, typed by its declarations
 * (undici-internals.d.ts); the paths are undici's own files, at the version
 * package-lock.json pins, and every fetch test goes through them.
 */
import type { Dispatcher } from 'undici';
import AgentClass from 'undici/lib/dispatcher/agent.js';
import apiRequest from 'undici/lib/api/api-request.js';
import redirect from 'undici/lib/interceptor/redirect.js';

export const Agent = AgentClass;
export type Agent = InstanceType<typeof AgentClass>;

export const redirectInterceptor = redirect;

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Dispatcher };

/** `undici.request(url, options)`, always through `options.dispatcher`, as undici's index makes it. */
export function request(url: string | URL, options: RequestOptions): Promise<Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = options;
  const u = typeof url === 'string' ? new URL(url) : url;
  return apiRequest.call(dispatcher, {
    ...rest,
    origin: u.origin,
    path: u.search ? `${u.pathname}${u.search}` : u.pathname,
  });
}
