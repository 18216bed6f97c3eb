import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_HOST, expectConfigError, load, tempDir, tempFile } from './support.js';

const PEM = join(import.meta.dirname, '..', 'fixtures', 'tls');
const CA = join(PEM, 'ca-cert.pem');
const CERT = join(PEM, 'client-cert.pem');
const KEY = join(PEM, 'client-key.pem');
const OTHER_KEY = join(PEM, 'other-key.pem');

describe('CACertFile', () => {
  it('accepts a PEM bundle with a certificate, also among other text', () => {
    expect(load({ CACertFile: CA }).config.caCertFile).toBe(CA);
    const bundle = tempFile('bundle.pem', `# my CAs\n${readFileSync(KEY, 'utf8')}\n${readFileSync(CA, 'utf8')}`);
    expect(load({ CACertFile: bundle }, NO_HOST).config.caCertFile).toBe(bundle);
  });

  it('rejects a missing file', () => {
    expectConfigError(
      () => load({ CACertFile: '/nonexistent' }),
      'caCertFile',
      'CACertFile open failed: open /nonexistent: no such file or directory',
    );
  });

  it('rejects a directory at the read', () => {
    const dir = tempDir();
    expectConfigError(
      () => load({ CACertFile: dir }),
      'caCertFile',
      `CACertFile read failed: read ${dir}: is a directory`,
    );
  });

  it.each([
    ['no PEM at all', 'hello'],
    ['only a key', readFileSync(KEY, 'utf8')],
    ['a broken certificate', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
  ])('rejects a file with %s', (_what, content) => {
    const f = tempFile('ca.pem', content);
    expectConfigError(() => load({ CACertFile: f }), 'caCertFile', 'CACertFile parsing failed: <nil>');
  });
});

describe('CertFile and KeyFile', () => {
  it('accepts a matching pair', () => {
    const { config } = load({ CertFile: CERT, KeyFile: KEY });
    expect([config.certFile, config.keyFile]).toEqual([CERT, KEY]);
  });

  it('need each other', () => {
    expectConfigError(() => load({ CertFile: CERT }), 'keyFile', 'Missing private key');
    expectConfigError(() => load({ KeyFile: KEY }), 'certFile', 'Missing certificate');
  });

  it('must be readable', () => {
    expectConfigError(
      () => load({ CertFile: '/nonexistent/c.pem', KeyFile: KEY }),
      'certFile',
      'open /nonexistent/c.pem: no such file or directory',
    );
    expectConfigError(
      () => load({ CertFile: CERT, KeyFile: '/nonexistent/k.pem' }),
      'keyFile',
      'open /nonexistent/k.pem: no such file or directory',
    );
  });

  it('must hold a certificate and a key', () => {
    expectConfigError(
      () => load({ CertFile: KEY, KeyFile: KEY }),
      'certFile',
      'tls: failed to find any PEM data in certificate input',
    );
    expectConfigError(
      () => load({ CertFile: CERT, KeyFile: CERT }),
      'keyFile',
      'tls: failed to find any PEM data in key input',
    );
    const broken = tempFile('k.pem', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    expectConfigError(() => load({ CertFile: CERT, KeyFile: broken }), 'keyFile', 'tls: failed to parse private key');
  });

  it('must match', () => {
    expectConfigError(
      () => load({ CertFile: CERT, KeyFile: OTHER_KEY }),
      'keyFile',
      'tls: private key does not match public key',
    );
  });
});
