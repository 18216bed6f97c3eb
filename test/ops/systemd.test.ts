import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const unit = readFileSync(join(root, 'systemd', 'mesos-dns.service'), 'utf8');

describe('systemd/mesos-dns.service', () => {
  it('passes systemd-analyze verify (ExecStart pointed at this checkout)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mesos-dns-unit-'));
    try {
      const file = join(dir, 'mesos-dns.service');
      writeFileSync(file, unit.replace('/opt/mesos-dns/bin/mesos-dns', join(root, 'bin', 'mesos-dns')));
      const out = execFileSync('systemd-analyze', ['verify', file], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(out).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('binds port 53 unprivileged, reloads with SIGHUP, restarts on failure, and is hardened', () => {
    for (const line of [
      'AmbientCapabilities=CAP_NET_BIND_SERVICE',
      'ExecReload=/bin/kill -HUP $MAINPID',
      'Restart=on-failure',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ProtectHome=yes',
      'PrivateTmp=yes',
    ]) {
      expect(unit.split('\n')).toContain(line);
    }
    expect(unit).toMatch(/^User=(?!root)\S+$/m);
  });
});

describe('deploy/marathon.json', () => {
  const app = JSON.parse(readFileSync(join(root, 'deploy', 'marathon.json'), 'utf8')) as {
    networks: Array<{ mode: string }>;
    constraints: string[][];
    healthChecks: Array<{ path: string; port?: number; portIndex?: number }>;
    portDefinitions?: Array<{ port: number }>;
    requirePorts?: boolean;
    readinessChecks?: unknown[];
  };

  it('is a host-networked app pinned to its hosts with a hostname constraint', () => {
    expect(app.networks).toEqual([{ mode: 'host' }]);
    expect(app.constraints.some((c) => c[0] === 'hostname')).toBe(true);
  });

  it('reserves no ports, so it starts on agents that offer only the default port range (31000-32000)', () => {
    // Reserving 53 and 8123 with requirePorts needs agents started with --resources=ports:[53-53,8123-8123,...];
    // on any other agent Marathon waits for an offer forever.
    expect(app.requirePorts ?? false).toBe(false);
    expect(app.portDefinitions ?? []).toEqual([]);
    // A readiness check needs a port definition to name.
    expect(app.readinessChecks ?? []).toEqual([]);
  });

  it('checks /health on the fixed HTTP port, not /ready (a master outage must not get the servers killed)', () => {
    expect(app.healthChecks).toEqual([expect.objectContaining({ path: '/health', port: 8123 })]);
    expect(app.healthChecks[0]!.portIndex).toBeUndefined();
  });
});
