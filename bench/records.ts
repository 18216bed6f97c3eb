/**
 * `npm run bench:records`: JSON parse, generation and table build of a synthetic
 * 50,000-task state, as the refresh worker does them for a poll, with peak RSS.
 * The tasks are parsed and validated as generation reads them
 * (state/state-json.ts, state/task.ts), so most of the parsing and the
 * validation count in `generateMs`. The HTTP-only names, which the worker
 * makes after the table has gone to DNS, are timed apart (`httpOnlyNamesMs`).
 * Target: parse + generate + build ≤ 1.2 s, peak RSS ≤ 350 MiB.
 * `npm run bench:records -- 50000 ptr` measures with `ptrOn` (PTR records):
 * generate + build at most 10% over the run without.
 */
import { validateFrameworksAndAgents, type MesosState } from '../src/state/state.js';
import type { PolledTasks } from '../src/state/task.js';
import { parseStateJson } from '../src/state/state-json.js';
import { generate } from '../src/records/generator.js';
import { TYPE_A, TYPE_AAAA, TYPE_SRV } from '../src/records/store.js';
import { RecordTable } from '../src/table/table.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticState } from './synthetic-state.js';
import { defaultConfig } from '../src/config/defaults.js';
import { tableMetaFor } from '../src/table/meta.js';
import { httpOnlyNames, openHttpNames } from '../src/table/http-names.js';

// The state is written by this process and measured in a fresh child, so the
// peak RSS is that of a refresh (body text + parse + generate + build), not of
// building the synthetic state.
if (process.argv[2] !== '--measure') {
  const tasks = Number(process.argv[2] ?? 50_000);
  const ptr = process.argv[3] === 'ptr' ? 'ptr' : '';
  const dir = mkdtempSync(join(tmpdir(), 'mesos-dns-bench-'));
  const file = join(dir, 'state.json');
  writeFileSync(file, JSON.stringify(syntheticState(tasks)));
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), '--measure', file, String(tasks), ptr],
    {
      stdio: 'inherit',
    },
  );
  rmSync(dir, { recursive: true, force: true });
  process.exit(child.status ?? 1);
}

const tasks = Number(process.argv[4]);
const ptrOn = process.argv[5] === 'ptr';
// Like the refresh worker, parse the body's bytes with the tasks deferred (generation
// parses and validates each), and drop the references to the bytes and the document:
// peak RSS counts, and live references keep them from being collected.
let body: Buffer | null = readFileSync(process.argv[3]!);
const stateBytes = body.length;
globalThis.gc?.();
const rssBefore = process.memoryUsage().rss;

const t0 = performance.now();
let doc: unknown = parseStateJson(body);
const t1 = performance.now();
let state: MesosState<PolledTasks> | null = validateFrameworksAndAgents(doc, 'bench', () => {}).state;
// eslint-disable-next-line no-useless-assignment -- a dropped reference lets GC reclaim the bytes, as in the refresh worker
body = null;
// eslint-disable-next-line no-useless-assignment -- as above, for the parsed document
doc = null;
const generated = generate(state, {
  domain: 'mesos',
  enforceRFC952: false,
  ipSources: ['netinfo', 'mesos', 'host'],
  soaMname: 'ns1.mesos.',
  listener: '127.0.0.1',
  masters: ['127.0.0.1:5050'],
  healthyOnly: false,
  ptrOn,
  resolved: new Map(),
  interfaceAddrs: [],
});
// eslint-disable-next-line no-useless-assignment -- as above, for the validated state
state = null;
const t2 = performance.now();
const { table, plan } = RecordTable.buildWithPlan(generated.store, tableMetaFor(defaultConfig(), 1));
const t3 = performance.now();
// As in the refresh worker, after the table has gone to DNS.
const httpOnly = openHttpNames(httpOnlyNames(generated.store, plan));
const t4 = performance.now();
// The kernel's high-water mark: a timer sampling RSS never fires while the work above runs, all of it synchronous.
const peakRss = process.resourceUsage().maxRSS * 1024;

const mib = (b: number) => Math.round((b / 1048576) * 10) / 10;
console.log(
  JSON.stringify(
    {
      tasks,
      ptrOn,
      stateBytes,
      parseMs: Math.round(t1 - t0),
      generateMs: Math.round(t2 - t1),
      tableBuildMs: Math.round(t3 - t2),
      generateAndBuildMs: Math.round(t3 - t1),
      httpOnlyNamesMs: Math.round(t4 - t3),
      totalMs: Math.round(t3 - t0),
      records: {
        a: generated.store.valueCount(TYPE_A),
        aaaa: generated.store.valueCount(TYPE_AAAA),
        srv: generated.store.valueCount(TYPE_SRV),
        names: table.counts.names,
        ptr: table.counts.ptr,
      },
      tableBytes: table.buffer.byteLength,
      httpOnlyNames: httpOnly.hosts.size + httpOnly.services.size,
      peakRssMiB: mib(peakRss),
      rssBeforeMiB: mib(rssBefore),
    },
    null,
    2,
  ),
);
