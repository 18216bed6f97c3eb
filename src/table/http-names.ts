/**
 * What `/v1/hosts` and `/v1/services` must answer that the record table cannot.
 * The Go program answers those routes from its record maps, by exact match on
 * the lower-cased key, so it answers names that can never go on the wire
 * (empty labels, labels over 63 octets, non-ASCII DiscoveryInfo names) and
 * `SOAMname` outside the domain. The table leaves those out, and it may also
 * answer a name differently (SRV values it had to drop). This pass finds the
 * names whose table answer would differ from Go's and keeps their answers,
 * made from the record store, for HTTP only. It is a small share of the names
 * (none in a cluster without odd task names, 2 % in the 50,000-task benchmark
 * state); `maxValues` bounds it, and what does not fit is counted and answered
 * from the table as before.
 */
import { goToLower } from '../records/lower-case.js';
import { TYPE_A, TYPE_AAAA, TYPE_SRV, type RecordStore, type StoreType } from '../records/store.js';
import { splitHostPort } from '../net/host-port.js';
import { PackedAnswers, packAnswers, type NameAnswers } from './packed-answers.js';
import type { TablePlan } from './plan.js';

/** A name's A and AAAA values, in generation order. */
export interface HostAddresses {
  a: string[];
  aaaa: string[];
}

/** One entry of a `/v1/services` body, without the echoed parameter. */
export interface ServiceAddress {
  host: string;
  ip: string;
  port: string;
}

/**
 * Plain data: it crosses from the refresh worker to the main thread, the
 * thread that answers DNS, as two transferred buffers (packed-answers.ts),
 * opened there with `openHttpNames`. Each answer is one JSON string, parsed
 * on request (`httpHosts`, `httpServices`).
 */
export interface HttpNames {
  /** `/v1/hosts` answers by key (an absolute name that `goToLower` leaves unchanged): `[[A…], [AAAA…]]` */
  hosts: ArrayBuffer;
  /** `/v1/services` answers by key: `[[host, ip, port], …]`, one per entry of the body */
  services: ArrayBuffer;
  /** names and values kept */
  size: number;
  /** names left out because `maxValues` was reached */
  leftOut: number;
}

/** The bound on `HttpNames.size`: about 10 MB of strings. */
export const HTTP_NAMES_MAX_VALUES = 100_000;

export function httpOnlyNames(store: RecordStore, plan: TablePlan, maxValues = HTTP_NAMES_MAX_VALUES): HttpNames {
  const hostAnswers: Array<[string, string]> = [];
  const serviceAnswers: Array<[string, string]> = [];
  let size = 0;
  let leftOut = 0;
  const fits = (values: number): boolean => {
    if (size + 1 + values > maxValues) {
      leftOut++;
      return false;
    }
    size += 1 + values;
    return true;
  };
  for (let id = 0; id < store.nameCount; id++) {
    const hosts = !tableAnswersHosts(store, plan, id);
    const services = !tableAnswersServices(store, plan, id);
    if (!hosts && !services) continue;
    // Only what a lower-cased key with its dot can ever equal: the rest Go never answers either.
    const name = store.nameText(id);
    if (!name.endsWith('.') || goToLower(name) !== name) continue;
    if (hosts) {
      const a = texts(store, TYPE_A, id);
      const aaaa = texts(store, TYPE_AAAA, id);
      if (fits(a.length + aaaa.length)) hostAnswers.push([name, JSON.stringify([a, aaaa])]);
    }
    if (services) {
      const found = serviceAddresses(store, id);
      if (fits(found.length)) serviceAnswers.push([name, JSON.stringify(found)]);
    }
  }
  return { hosts: packAnswers(hostAnswers), services: packAnswers(serviceAnswers), size, leftOut };
}

/** The answers of `names`, read in place on the thread they were transferred to. */
export function openHttpNames(names: HttpNames): HttpNamesView {
  return {
    hosts: new PackedAnswers(names.hosts),
    services: new PackedAnswers(names.services),
    size: names.size,
    leftOut: names.leftOut,
  };
}

/**
 * How an overlay (refresh/overlay.ts) changes the HTTP-only names of its base:
 * the entries under `replaced` (every name the overlay regenerated) give way
 * to `names`, those of the regenerated records. Overlays are cumulative, so a
 * patch always applies to the base, never to the patch before it.
 */
export interface HttpNamesPatch {
  names: HttpNames;
  replaced: string[];
}

/** The HTTP-only names a snapshot serves: a base's, or a base's with an overlay's patch. */
export interface HttpNamesView {
  hosts: NameAnswers;
  services: NameAnswers;
  size: number;
  leftOut: number;
}

/**
 * A base's answers read through a patch, without copying the base: the main
 * thread swaps in an overlay up to 20 times a second, and copying a base of
 * thousands of names each time held up DNS answers for milliseconds.
 */
class PatchedAnswers implements NameAnswers {
  constructor(
    private readonly base: NameAnswers,
    private readonly replaced: ReadonlySet<string>,
    private readonly patch: NameAnswers,
  ) {}

  get(key: string): string | undefined {
    return this.patch.get(key) ?? (this.replaced.has(key) ? undefined : this.base.get(key));
  }

  *entries(): IterableIterator<[string, string]> {
    yield* this.patch.entries();
    for (const entry of this.base.entries()) {
      if (!this.replaced.has(entry[0]) && this.patch.get(entry[0]) === undefined) yield entry;
    }
  }

  /** An upper bound: base entries replaced still count. */
  get size(): number {
    return this.base.size + this.patch.size;
  }
}

/**
 * The HTTP-only names of a base with a patch. `size` and `leftOut` add the
 * patch's to the base's: an entry replaced still counts, so `size` may exceed
 * the names kept, never fall short of them.
 */
export function patchHttpNames(base: HttpNamesView, patch: HttpNamesPatch): HttpNamesView {
  const replaced = new Set(patch.replaced);
  const names = openHttpNames(patch.names);
  return {
    hosts: new PatchedAnswers(base.hosts, replaced, names.hosts),
    services: new PatchedAnswers(base.services, replaced, names.services),
    size: base.size + patch.names.size,
    leftOut: base.leftOut + patch.names.leftOut,
  };
}

/** The keys (as `httpOnlyNames` keeps them) of the names with records in `store`. */
export function namesWithValues(store: RecordStore): string[] {
  const out: string[] = [];
  for (let id = 0; id < store.nameCount; id++) {
    if (!store.hasValues(id)) continue;
    const name = store.nameText(id);
    if (name.endsWith('.') && goToLower(name) === name) out.push(name);
  }
  return out;
}

/** The `/v1/hosts` answer kept for `key`, if any. */
export function httpHosts(names: HttpNamesView, key: string): HostAddresses | undefined {
  const kept = names.hosts.get(key);
  if (kept === undefined) return undefined;
  const [a, aaaa] = JSON.parse(kept) as [string[], string[]];
  return { a, aaaa };
}

/** The `/v1/services` answer kept for `key`, if any. */
export function httpServices(names: HttpNamesView, key: string): ServiceAddress[] | undefined {
  const kept = names.services.get(key);
  if (kept === undefined) return undefined;
  return (JSON.parse(kept) as Array<[string, string, string]>).map(([host, ip, port]) => ({ host, ip, port }));
}

/** True when the table's A and AAAA values of name `id` are the store's, with the same text. */
function tableAnswersHosts(store: RecordStore, plan: TablePlan, id: number): boolean {
  const a = store.count(TYPE_A, id);
  const aaaa = store.count(TYPE_AAAA, id);
  const inTable = plan.entryValues(id, TYPE_A);
  if (inTable < 0) return a + aaaa === 0;
  if (plan.mergesTwins(id) || inTable !== a || plan.entryValues(id, TYPE_AAAA) !== aaaa) return false;
  return !keptText(store, TYPE_A, id) && !keptText(store, TYPE_AAAA, id);
}

/**
 * True when the table's SRV values of name `id` are the store's, with the same
 * target text and port text: none was left out, no port wraps modulo 2^16, and
 * no target is a name written without its dot that DNS reads as its twin.
 */
function tableAnswersServices(store: RecordStore, plan: TablePlan, id: number): boolean {
  const n = store.count(TYPE_SRV, id);
  const inTable = plan.entryValues(id, TYPE_SRV);
  if (inTable < 0) return n === 0;
  if (plan.mergesTwins(id) || inTable !== n) return false;
  if (!store.hasRawValues(TYPE_SRV) && !store.srvPortWraps && !plan.hasTwins) return true;
  for (let v = store.firstNode(TYPE_SRV, id); v >= 0; v = store.nextNode(TYPE_SRV, v)) {
    const port = store.srvPortOf(v);
    if (store.rawOf(TYPE_SRV, v) !== undefined || !(Number.isInteger(port) && port >= 0 && port < 0x10000)) {
      return false;
    }
    if (plan.wireLen[store.srvTargetOf(v)]! <= 1) return false;
  }
  return true;
}

function keptText(store: RecordStore, type: StoreType, id: number): boolean {
  if (!store.hasRawValues(type)) return false;
  for (let v = store.firstNode(type, id); v >= 0; v = store.nextNode(type, v)) {
    if (store.rawOf(type, v) !== undefined) return true;
  }
  return false;
}

function texts(store: RecordStore, type: StoreType, id: number): string[] {
  const out: string[] = [];
  for (let v = store.firstNode(type, id); v >= 0; v = store.nextNode(type, v)) out.push(store.text(type, v));
  return out;
}

/**
 * As Go builds the body: each value split as `net.SplitHostPort` does, the
 * host's first A value and its first AAAA value, each with the port as
 * `strconv.Itoa(strconv.Atoi(port))` prints it. A host without addresses adds nothing.
 */
function serviceAddresses(store: RecordStore, id: number): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  for (let v = store.firstNode(TYPE_SRV, id); v >= 0; v = store.nextNode(TYPE_SRV, v)) {
    const hp = splitHostPort(store.text(TYPE_SRV, v)) ?? { host: '', port: '' };
    const target = store.names.find(hp.host);
    if (target < 0) continue;
    const port = goAtoiText(hp.port);
    const a = store.firstNode(TYPE_A, target);
    if (a >= 0) out.push([hp.host, store.text(TYPE_A, a), port]);
    const aaaa = store.firstNode(TYPE_AAAA, target);
    if (aaaa >= 0) out.push([hp.host, store.text(TYPE_AAAA, aaaa), port]);
  }
  return out;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** `strconv.Itoa(strconv.Atoi(s))`: 0 for what is not a decimal integer, clamped to 64 bits as Atoi does. */
function goAtoiText(s: string): string {
  if (!/^[+-]?[0-9]+$/.test(s)) return '0';
  const n = BigInt(s);
  return String(n > INT64_MAX ? INT64_MAX : n < INT64_MIN ? INT64_MIN : n);
}
