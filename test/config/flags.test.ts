import { describe, expect, it } from 'vitest';
import { parseFlags, usage } from '../../src/config/flags.js';
import { FlagError } from '../../src/errors.js';

const DEFAULTS = {
  config: 'config.json',
  version: false,
  verbosity: 0,
  logToStderr: false,
  help: false,
  pretty: false,
};

function flagError(argv: string[]): FlagError {
  try {
    parseFlags(argv);
  } catch (err) {
    if (err instanceof FlagError) return err;
    throw err;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
}

describe('parseFlags', () => {
  it('has Go defaults', () => {
    expect(parseFlags([])).toEqual(DEFAULTS);
  });

  it.each([
    [['-config', '/etc/m.json'], { config: '/etc/m.json' }],
    [['-config=/etc/m.json'], { config: '/etc/m.json' }],
    [['--config', '/etc/m.json'], { config: '/etc/m.json' }],
    [['--config=a=b.json'], { config: 'a=b.json' }],
    [['-config', '-weird.json'], { config: '-weird.json' }],
    [['-version'], { version: true }],
    [['-version=true'], { version: true }],
    [['-version=false'], { version: false }],
    [['-version=T'], { version: true }],
    [['-version=0'], { version: false }],
    [['-v', '2'], { verbosity: 2 }],
    [['-v=1'], { verbosity: 1 }],
    [['-logtostderr'], { logToStderr: true }],
    [['-pretty'], { pretty: true }],
    [['-help'], { help: true }],
    [['-h'], { help: true }],
    [['--help', '-bogus'], { help: true }],
  ])('%j', (argv, expected) => {
    expect(parseFlags(argv)).toEqual({ ...DEFAULTS, ...expected });
  });

  it('accepts and ignores the glog flags', () => {
    expect(
      parseFlags([
        '-alsologtostderr',
        '-log_dir',
        '/tmp',
        '-stderrthreshold=ERROR',
        '-vmodule',
        'x=2',
        '-log_backtrace_at=a.go:1',
        '-v=1',
      ]),
    ).toEqual({ ...DEFAULTS, verbosity: 1 });
  });

  it('stops at the first non-flag argument, and at "--"', () => {
    expect(parseFlags(['-v', '1', 'extra', '-bogus'])).toEqual({ ...DEFAULTS, verbosity: 1 });
    expect(parseFlags(['-', '-version'])).toEqual(DEFAULTS);
    expect(parseFlags(['--', '-version'])).toEqual(DEFAULTS);
  });

  it.each([
    [['-bogus'], 'flag provided but not defined: -bogus'],
    [['--bogus=1'], 'flag provided but not defined: -bogus'],
    [['-config'], 'flag needs an argument: -config'],
    [['-version=yes'], 'invalid boolean value "yes" for -version: parse error'],
    [['-v', 'high'], 'invalid value "high" for flag -v: parse error'],
    [['---v'], 'bad flag syntax: ---v'],
    [['-=x'], 'bad flag syntax: -=x'],
  ])('rejects %j', (argv, message) => {
    const err = flagError(argv);
    expect(err.code).toBe('MESOS_DNS_FLAG_INVALID');
    expect(err.message).toBe(message);
  });
});

describe('usage', () => {
  it('lists every flag in Go PrintDefaults style', () => {
    const text = usage();
    expect(text.startsWith('Usage of mesos-dns:\n')).toBe(true);
    expect(text).toContain('  -config string\n    \tpath to config file (json) (default "config.json")\n');
    expect(text).toContain('  -version\n    \toutput the version\n');
    expect(text).toContain('  -v value\n    \tlog level for V logs\n');
    for (const name of [
      'alsologtostderr',
      'log_backtrace_at',
      'log_dir',
      'logtostderr',
      'pretty',
      'stderrthreshold',
      'vmodule',
    ]) {
      expect(text).toContain(`  -${name}`);
    }
  });
});
