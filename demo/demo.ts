/**
 * `npm run demo`: a stand-in Mesos master serving the bundled sample cluster
 * (examples/state.json) on loopback, and mesos-dns on 127.0.0.1:8053 (HTTP 8123)
 * reading it. No Mesos needed. Ctrl-C stops both.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const state = JSON.parse(readFileSync(join(root, 'examples', 'state.json'), 'utf8')) as Record<string, unknown>;
const config = JSON.parse(readFileSync(join(root, 'examples', 'config.json'), 'utf8')) as Record<string, unknown>;

const master = createServer((req, res) => {
  if (req.url?.split('?')[0] !== '/master/state') {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state));
});

master.listen(0, '127.0.0.1', () => {
  const { port } = master.address() as AddressInfo;
  state.leader = `master@127.0.0.1:${port}`;
  config.masters = [`127.0.0.1:${port}`];
  const dir = mkdtempSync(join(tmpdir(), 'mesos-dns-demo-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));

  const child = spawn(join(root, 'bin', 'mesos-dns'), [`-config=${configFile}`, '-pretty'], { stdio: 'inherit' });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => {
    master.close();
    process.exit(code ?? 0);
  });

  process.stdout.write(
    [
      '',
      `stand-in Mesos master on 127.0.0.1:${port}, mesos-dns on 127.0.0.1:8053 (DNS) and :8123 (HTTP). Try:`,
      '  dig @127.0.0.1 -p 8053 web.marathon.mesos',
      '  dig @127.0.0.1 -p 8053 _web._tcp.marathon.mesos SRV',
      '  dig @127.0.0.1 -p 8053 v6.marathon.mesos AAAA',
      '  dig @127.0.0.1 -p 8053 leader.mesos',
      '  dig @127.0.0.1 -p 8053 -x 10.1.0.2       (PTR: any task, agent or master address)',
      '  dig @127.0.0.1 -p 8053 mesos SOA',
      '  curl -s http://127.0.0.1:8123/v1/hosts/web.marathon.mesos',
      '  curl -s http://127.0.0.1:8123/v1/services/_web._tcp.marathon.mesos',
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
});
