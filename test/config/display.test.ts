import { describe, expect, it } from 'vitest';
import { configForDisplay } from '../../src/config/display.js';
import { FILE, load, loadText } from './support.js';

const GO_KEYS = [
  'RefreshSeconds',
  'Port',
  'Timeout',
  'StateTimeoutSeconds',
  'ZkDetectionTimeout',
  'HttpPort',
  'TTL',
  'SRVRecordDefaultWeight',
  'SOASerial',
  'SOARefresh',
  'SOARetry',
  'SOAExpire',
  'SOAMinttl',
  'SOAMname',
  'SOARname',
  'Masters',
  'ZoneResolvers',
  'Resolvers',
  'IPSources',
  'Zk',
  'Domain',
  'File',
  'Listener',
  'HTTPListener',
  'RecurseOn',
  'DnsOn',
  'HttpOn',
  'ExternalOn',
  'EnforceRFC952',
  'SetTruncateBit',
  'EnumerationOn',
  'MesosHTTPSOn',
  'CACertFile',
  'CertFile',
  'KeyFile',
  'MesosCredentials',
  'IAMConfigFile',
  'MesosAuthentication',
];
const OUR_KEYS = [
  'Listeners',
  'EdnsMaxUdpSize',
  'Workers',
  'HealthyOnly',
  'PtrOn',
  'ForwardCacheSize',
  'ForwardCacheBytes',
  'MaxForwardsInFlight',
  'MaxForwardsPerClient',
  'MaxTcpConnections',
  'TcpIdleTimeoutSeconds',
  'MaxStateBytes',
  'RefreshHeapMiB',
  'HttpMaxConnections',
  'StateSource',
];

describe('configForDisplay', () => {
  it("uses Go's keys in Go's order, then ours", () => {
    expect(Object.keys(configForDisplay(load({}).config, 1))).toEqual([...GO_KEYS, ...OUR_KEYS]);
  });

  it('shows post-normalisation values and the given serial', () => {
    const { config } = load({ domain: 'Cluster.Example', SOARname: 'admin@example.com', timeout: 0 });
    const shown = configForDisplay(config, 42);
    expect(shown).toMatchObject({
      SOASerial: 42,
      Domain: 'cluster.example',
      SOAMname: 'ns1.mesos.',
      SOARname: 'admin.example.com.',
      Timeout: 5,
      File: FILE,
      Masters: ['127.0.0.1:5050'],
      ZoneResolvers: {},
      IPSources: ['netinfo', 'mesos', 'host'],
      MesosCredentials: { Principal: '', Secret: '' },
      MesosAuthentication: '',
      Listeners: [],
      EdnsMaxUdpSize: 1232,
      Workers: 1,
    });
  });

  it('shows Masters null when not configured', () => {
    expect(configForDisplay(loadText('{"zk":"zk://127.0.0.1:2181/mesos"}').config, 1).Masters).toBeNull();
  });

  it('redacts a non-empty secret', () => {
    const { config } = load({ mesosAuthentication: 'basic', mesosCredentials: { principal: 'p', secret: 'hunter2' } });
    const shown = configForDisplay(config, 1);
    expect(shown.MesosCredentials).toEqual({ Principal: 'p', Secret: '******' });
    expect(JSON.stringify(shown)).not.toContain('hunter2');
  });

  it('returns copies, so callers cannot change the config', () => {
    const { config } = load({ zoneResolvers: { 'a.com': ['1.1.1.1'] } });
    const shown = configForDisplay(config, 1) as { Resolvers: string[]; ZoneResolvers: Record<string, string[]> };
    shown.Resolvers.push('x');
    shown.ZoneResolvers['a.com']!.push('y');
    expect(config.resolvers).toEqual(['8.8.8.8:53']);
    expect(config.zoneResolvers).toEqual({ 'a.com': ['1.1.1.1:53'] });
  });
});
