import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPki } from '../helpers/certs.js';
import { dig } from '../helpers/dig.js';
import { errOf } from '../helpers/memory-logger.js';
import { startMesosDns, testConfig } from '../helpers/mesos-dns-process.js';
import { startStandInMaster, type StandInMaster } from '../helpers/stand-in-master.js';
import { fixtureState, stateWithLeader } from '../helpers/fixtures.js';

const SECRET = 'Very-Secret-Master-Pa55';

describe('HTTPS and basic authentication to the master, through the running program', () => {
  let pki: TestPki;
  let master: StandInMaster;

  beforeAll(async () => {
    pki = new TestPki()
      .ca('ca')
      .ca('other-ca')
      .leaf('server', 'ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    master = await startStandInMaster({
      tls: { key: pki.pem['server.key']!, cert: pki.pem['server.crt']! },
      basicAuth: { principal: 'mesos-dns', secret: SECRET },
    });
    master.serve(stateWithLeader(fixtureState('upstream-fake'), master.upid));
  });

  afterAll(async () => {
    await master?.close();
    pki?.remove();
  });

  it('loads the state with the right CA and credentials; a wrong password or CA keeps the old table and never logs the secret', async () => {
    const config = testConfig({
      masters: [master.address],
      MesosHTTPSOn: true,
      CACertFile: pki.file('ca.crt'),
      MesosAuthentication: 'basic',
      MesosCredentials: { principal: 'mesos-dns', secret: SECRET },
    });
    const s = await startMesosDns(config);
    try {
      await s.waitForRefresh();
      expect((await dig(s.udpPort, ['leader.mesos.', 'A'])).answer).toHaveLength(1);

      for (const bad of [
        { ...config, MesosCredentials: { principal: 'mesos-dns', secret: 'wrong-password' } },
        { ...config, CACertFile: pki.file('other-ca.crt') },
      ]) {
        s.writeConfig(bad);
        const from = s.logs.length;
        s.proc.kill('SIGHUP');
        const failed = await s.waitForLog((r) => r.msg === 'refresh failed; keeping the current table', 20_000, from);
        expect(errOf(failed)?.message).toMatch(/MESOS_DNS_FETCH_(HTTP_STATUS|TLS)/);
        const still = await dig(s.udpPort, ['leader.mesos.', 'A']);
        expect(still.status).toBe('NOERROR');
        expect(still.answer).toHaveLength(1);
      }
      const allLogs = JSON.stringify(s.logs) + s.stderr();
      expect(allLogs).not.toContain(SECRET);
      expect(allLogs).not.toContain('wrong-password');
      expect(allLogs).not.toContain(Buffer.from(`mesos-dns:${SECRET}`).toString('base64'));
    } finally {
      await s.stop();
    }
  }, 60_000);
});
