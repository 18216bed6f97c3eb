import { createPrivateKey, sign } from 'node:crypto';
import { request } from './undici-parts.js';
import type { Dispatcher } from 'undici';
import { FetchFailure } from '../../errors.js';
import type { FetchAuth } from './options.js';

/** `Authorization` value for HTTP Basic, as Go's SetBasicAuth builds it. */
export function basicAuthorization(principal: string, secret: string): string {
  return `Basic ${Buffer.from(`${principal}:${secret}`, 'utf8').toString('base64')}`;
}

/** RS256 JWT with the claims the DC/OS IAM login expects: `{uid, exp: now + 1 h}`. */
export function iamLoginJwt(uid: string, privateKeyPem: string, nowSeconds: number): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = base64url(JSON.stringify({ exp: nowSeconds + 3600, uid }));
  const signingInput = `${header}.${claims}`;
  let key;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    // Never echo the key material or the parser's view of it.
    throw new FetchFailure(
      'MESOS_DNS_FETCH_IAM_FAILED',
      'IAM authentication failed: private_key is not a usable PEM key',
    );
  }
  const signature = sign('sha256', Buffer.from(signingInput), key);
  return `${signingInput}.${base64url(signature)}`;
}

/**
 * The `Authorization` header value for one state request, or undefined for none.
 * IAM logs in afresh for every request, as the Go program does.
 */
export async function authorizationFor(
  auth: FetchAuth,
  dispatcher: Dispatcher,
  signal: AbortSignal,
): Promise<string | undefined> {
  switch (auth.kind) {
    case 'none':
      return undefined;
    case 'basic':
      return basicAuthorization(auth.principal, auth.secret);
    case 'iam':
      return `token=${await iamLogin(auth, dispatcher, signal)}`;
  }
}

async function iamLogin(
  auth: Extract<FetchAuth, { kind: 'iam' }>,
  dispatcher: Dispatcher,
  signal: AbortSignal,
): Promise<string> {
  const token = iamLoginJwt(auth.uid, auth.privateKey, Math.floor(Date.now() / 1000));
  const { statusCode, body } = await request(auth.loginEndpoint, {
    method: 'POST',
    dispatcher,
    signal,
    headers: { 'content-type': 'application/json', 'user-agent': 'Mesos-DNS', connection: 'close' },
    body: JSON.stringify({ uid: auth.uid, token }),
  });
  if (statusCode !== 200) {
    await body.dump();
    throw new FetchFailure(
      'MESOS_DNS_FETCH_IAM_FAILED',
      `IAM authentication failed: login endpoint answered ${statusCode}`,
    );
  }
  const text = await body.text();
  let reply: unknown;
  try {
    reply = JSON.parse(text);
  } catch {
    reply = undefined;
  }
  const loginToken = typeof reply === 'object' && reply !== null ? (reply as { token?: unknown }).token : undefined;
  if (typeof loginToken !== 'string' || loginToken === '') {
    throw new FetchFailure('MESOS_DNS_FETCH_IAM_FAILED', 'IAM authentication failed: login reply has no token');
  }
  return loginToken;
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}
