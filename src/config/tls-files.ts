/**
 * Start-up checks of the TLS files named in the config,
 * with the Go program's messages: a CA bundle must hold at least one certificate,
 * a client certificate needs its key (and the other way round), and the two must match.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';

const GO_ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
};

/** Reads a file; on failure throws an `Error` worded like Go's `*PathError` (`open /x: no such file or directory`). */
export function readFileGoStyle(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    // Go opens directories fine and fails on the read.
    const op = code === 'EISDIR' ? 'read' : 'open';
    const why = GO_ERRNO_TEXT[code] ?? (err as Error).message;
    throw new Error(`${op} ${path}: ${why}`, { cause: err });
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function pemBlocks(text: string): Array<{ type: string; pem: string }> {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({ type: m[1]!, pem: m[0] }));
}

function parseCertificates(text: string): X509Certificate[] {
  const certs: X509Certificate[] = [];
  for (const block of pemBlocks(text)) {
    if (block.type !== 'CERTIFICATE') continue;
    try {
      certs.push(new X509Certificate(block.pem));
    } catch {
      // Go's AppendCertsFromPEM skips blocks that do not parse as well.
    }
  }
  return certs;
}

/** `CACertFile` must be readable and hold at least one PEM certificate. */
export function checkCaCertFile(path: string): void {
  let data: Buffer;
  try {
    data = readFileGoStyle(path);
  } catch (err) {
    const msg = (err as Error).message;
    const stage = msg.startsWith('read ') ? 'read' : 'open';
    throw new ConfigError(`CACertFile ${stage} failed: ${msg}`, 'caCertFile', { cause: err });
  }
  if (parseCertificates(data.toString('latin1')).length === 0) {
    // Go prints its nil error here, literally.
    throw new ConfigError('CACertFile parsing failed: <nil>', 'caCertFile');
  }
}

/** `CertFile` and `KeyFile`: both or neither; when both, a matching certificate and private key. */
export function checkClientKeyPair(certFile: string, keyFile: string): void {
  if (certFile === '' && keyFile === '') return;
  if (keyFile === '') throw new ConfigError('Missing private key', 'keyFile');
  if (certFile === '') throw new ConfigError('Missing certificate', 'certFile');
  const read = (path: string, key: string): string => {
    try {
      return readFileGoStyle(path).toString('latin1');
    } catch (err) {
      throw new ConfigError((err as Error).message, key, { cause: err });
    }
  };
  const certText = read(certFile, 'certFile');
  const keyText = read(keyFile, 'keyFile');

  const certBlocks = pemBlocks(certText).filter((b) => b.type === 'CERTIFICATE');
  if (certBlocks.length === 0) {
    throw new ConfigError('tls: failed to find any PEM data in certificate input', 'certFile');
  }
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certBlocks[0]!.pem);
  } catch (err) {
    throw new ConfigError(`x509: malformed certificate in ${certFile}`, 'certFile', { cause: err });
  }

  const keyBlock = pemBlocks(keyText).find((b) => b.type === 'PRIVATE KEY' || b.type.endsWith(' PRIVATE KEY'));
  if (!keyBlock) throw new ConfigError('tls: failed to find any PEM data in key input', 'keyFile');
  let key: KeyObject;
  try {
    key = createPrivateKey(keyBlock.pem);
  } catch (err) {
    throw new ConfigError('tls: failed to parse private key', 'keyFile', { cause: err });
  }
  if (!leaf.checkPrivateKey(key)) {
    throw new ConfigError('tls: private key does not match public key', 'keyFile');
  }
}
