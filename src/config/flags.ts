/**
 * Command-line flags with Go `flag` package syntax (docs/compatibility.md, Command line): the
 * Go Mesos-DNS flags, the glog flags it inherits (accepted, ignored), and our `-pretty`.
 */
import { FlagError } from '../errors.js';

export interface Flags {
  /** config file path as given (default `config.json`) */
  config: string;
  version: boolean;
  /** `-v`: 0 quiet, 1 verbose, 2+ very verbose */
  verbosity: number;
  logToStderr: boolean;
  /** `-help` / `-h`: print usage and exit 0 */
  help: boolean;
  /** human-readable log lines instead of JSON */
  pretty: boolean;
}

type Target = keyof Flags | null;

interface FlagDef {
  readonly name: string;
  readonly boolean: boolean;
  /** type word Go's usage prints after the name (`string`, `value`) */
  readonly typeName: string;
  readonly usage: string;
  readonly defaultText: string;
  readonly target: Target;
}

const bool = (name: string, usage: string, target: Target): FlagDef => ({
  name,
  boolean: true,
  typeName: '',
  usage,
  defaultText: '',
  target,
});
const valued = (name: string, typeName: string, usage: string, defaultText: string, target: Target): FlagDef => ({
  name,
  boolean: false,
  typeName,
  usage,
  defaultText,
  target,
});

const DEFS: readonly FlagDef[] = [
  bool('alsologtostderr', 'log to standard error as well as files', null),
  valued('config', 'string', 'path to config file (json)', '"config.json"', 'config'),
  valued('log_backtrace_at', 'value', 'when logging hits line file:N, emit a stack trace', ':0', null),
  valued('log_dir', 'string', 'If non-empty, write log files in this directory', '', null),
  bool('logtostderr', 'log to standard error instead of files', 'logToStderr'),
  bool('pretty', 'human-readable log lines instead of JSON', 'pretty'),
  valued('stderrthreshold', 'value', 'logs at or above this threshold go to stderr', '2', null),
  valued('v', 'value', 'log level for V logs', '', 'verbosity'),
  bool('version', 'output the version', 'version'),
  valued('vmodule', 'value', 'comma-separated list of pattern=N settings for file-filtered logging', '', null),
];

const BY_NAME = new Map(DEFS.map((d) => [d.name, d]));

/** Go's `strconv.ParseBool`. */
function parseBool(s: string): boolean | null {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return null;
}

function assign(flags: Flags, def: FlagDef, value: string | boolean): void {
  switch (def.target) {
    case 'verbosity': {
      const n = /^[+-]?[0-9]+$/.test(value as string) ? Number(value) : NaN;
      if (!Number.isSafeInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) {
        throw new FlagError(`invalid value ${JSON.stringify(value)} for flag -v: parse error`);
      }
      flags.verbosity = n;
      return;
    }
    case 'config':
      flags.config = value as string;
      return;
    case 'version':
    case 'logToStderr':
    case 'pretty':
      flags[def.target] = value as boolean;
      return;
    default:
      return;
  }
}

/** Parses `argv` (without node and script); stops at the first non-flag argument, as Go does. */
export function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = {
    config: 'config.json',
    version: false,
    verbosity: 0,
    logToStderr: false,
    help: false,
    pretty: false,
  };
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    if (arg.length < 2 || arg[0] !== '-') break;
    const dashes = arg[1] === '-' ? 2 : 1;
    if (arg === '--') break;
    const body = arg.slice(dashes);
    if (body === '' || body[0] === '-' || body[0] === '=') throw new FlagError(`bad flag syntax: ${arg}`);
    i++;
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const inline = eq < 0 ? undefined : body.slice(eq + 1);
    const def = BY_NAME.get(name);
    if (!def) {
      if (name === 'help' || name === 'h') return { ...flags, help: true };
      throw new FlagError(`flag provided but not defined: -${name}`);
    }
    if (def.boolean) {
      const value = inline === undefined ? true : parseBool(inline);
      if (value === null)
        throw new FlagError(`invalid boolean value ${JSON.stringify(inline)} for -${name}: parse error`);
      assign(flags, def, value);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i >= argv.length) throw new FlagError(`flag needs an argument: -${name}`);
      value = argv[i++]!;
    }
    assign(flags, def, value);
  }
  return flags;
}

/** Go's `flag.PrintDefaults` text, headed `Usage of mesos-dns:`. */
export function usage(): string {
  const lines = ['Usage of mesos-dns:'];
  for (const d of DEFS) {
    const head = `  -${d.name}${d.typeName ? ` ${d.typeName}` : ''}`;
    const dflt = d.defaultText ? ` (default ${d.defaultText})` : '';
    lines.push(head.length <= 4 ? `${head}\t${d.usage}${dflt}` : `${head}\n    \t${d.usage}${dflt}`);
  }
  return `${lines.join('\n')}\n`;
}
