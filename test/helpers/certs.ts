import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test PKI made with the `openssl` command (Debian package `openssl`) in a temp
 * dir: CAs and leaf certificates signed by them, as files and as PEM text.
 */
export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'mesos-dns-tls-'));
  readonly pem: Record<string, string> = {};

  private openssl(...args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }

  private newKey(name: string): void {
    this.openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  }

  private keep(name: string): void {
    for (const ext of ['crt', 'key']) this.pem[`${name}.${ext}`] = readFileSync(this.file(`${name}.${ext}`), 'utf8');
  }

  ca(name: string): this {
    this.newKey(name);
    this.openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
    );
    this.keep(name);
    return this;
  }

  /** A certificate for `name` signed by `ca`, with the given extensions (e.g. `subjectAltName=IP:127.0.0.1`). */
  leaf(name: string, ca: string, extensions: string): this {
    this.newKey(name);
    this.openssl('req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(this.dir, `${name}.ext`), extensions);
    this.openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    );
    this.keep(name);
    return this;
  }

  file(name: string): string {
    return join(this.dir, name);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
