/**
 * The parts of undici this program uses, loaded on their own. undici's index
 * loads all of undici (fetch, WebSocket, caches, mocks, proxies): ~95 ms on a
 * 2-core VM, in the refresh worker's start-up, which the first fetch, and
 * with it the first answer, waits for. These parts load in ~40 ms. They are
 * the very class and functions the index exports, typed by its declarations;
 * the paths are undici's own files, at the version package-lock.json pins,
 * and every fetch test goes through them.
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';
import type { Dispatcher } from 'undici';

const load = createRequire(import.meta.url);

export const Agent = load('undici/lib/dispatcher/agent') as typeof Undici.Agent;
export type Agent = Undici.Agent;

export const redirectInterceptor = load('undici/lib/interceptor/redirect') as typeof Undici.interceptors.redirect;

/** `Dispatcher.request`, which undici's index sets on every dispatcher's prototype. */
const dispatcherRequest = load('undici/lib/api/api-request') as (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Dispatcher };

/** `undici.request(url, options)`, always through `options.dispatcher`, as undici's index makes it. */
export function request(url: string | URL, options: RequestOptions): Promise<Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = options;
  const u = typeof url === 'string' ? new URL(url) : url;
  return dispatcherRequest.call(dispatcher, {
    ...rest,
    origin: u.origin,
    path: u.search ? `${u.pathname}${u.search}` : u.pathname,
  });
}
