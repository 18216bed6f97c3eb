import { LRUCache } from 'lru-cache';
import { RCODE, TC } from '../../wire/constants.js';
import { sameQuestion, type MessageScan } from '../../wire/scan.js';
import { replayCached } from './relay.js';

/** Upper bound on any cached TTL, whatever the upstream says (one day, like common resolvers). */
const MAX_TTL_SECONDS = 86_400;
/**
 * Larger entries are not cached: a few of the rare 64 KB TCP answers would
 * otherwise displace thousands of ordinary ones, and refetching them costs
 * little next to the memory they would hold.
 */
export const MAX_ENTRY_BYTES = 16 * 1024;
/** What an entry costs besides its reply bytes: the entry and scan objects, the key, the TTL offsets. */
const ENTRY_OVERHEAD_BYTES = 256;
const TTL_OFFSET_BYTES = 8;

interface Entry {
  reply: Buffer;
  scan: MessageScan;
  storedAt: number;
  expiresAt: number;
}

/**
 * What a cached reply depends on besides the name: the client's DO/CD/RD bits
 * and whether it sent OPT change what an upstream returns, and replies fetched
 * over TCP may be larger than any UDP client accepts.
 */
export interface CacheKeyParts {
  qname: string;
  qtype: number;
  qclass: number;
  transport: 'udp' | 'tcp';
  /** the query had an OPT RR */
  edns: boolean;
  /** DNSSEC OK bit of the query's OPT */
  dnssecOk: boolean;
  /** the query's header flags RD and CD */
  rd: boolean;
  cd: boolean;
}

export function cacheKey(p: CacheKeyParts): string {
  const bits = (p.edns ? 1 : 0) | (p.dnssecOk ? 2 : 0) | (p.rd ? 4 : 0) | (p.cd ? 8 : 0);
  return `${p.qname}|${p.qtype}|${p.qclass}|${p.transport}|${bits}`;
}

/**
 * Seconds a reply may be cached (RFC 2308 for negative replies), or 0 when it
 * must not be: errors other than NXDOMAIN, truncated replies, and negative
 * replies without an SOA.
 */
export function cacheableTtl(scan: MessageScan): number {
  if (scan.flagsHi & TC) return 0;
  let ttl: number;
  if (scan.rcode === RCODE.NXDOMAIN || (scan.rcode === RCODE.NOERROR && scan.ancount === 0)) {
    ttl = scan.negativeTtl;
  } else if (scan.rcode === RCODE.NOERROR) {
    ttl = scan.minTtl;
  } else {
    return 0;
  }
  return ttl > 0 ? Math.min(ttl, MAX_TTL_SECONDS) : 0;
}

export interface CacheHit {
  reply: Buffer;
  scan: MessageScan;
}

export interface ForwardCacheLimits {
  /** entries at most (`forwardCacheSize`) */
  maxEntries: number;
  /** bytes at most, as `entryBytes` counts them (`forwardCacheBytes`) */
  maxBytes: number;
}

/** What one cached reply costs, in bytes: its copy plus the bookkeeping around it. */
export function entryBytes(key: string, reply: Buffer, scan: MessageScan): number {
  return reply.length + key.length + scan.ttlOffsets.length * TTL_OFFSET_BYTES + ENTRY_OVERHEAD_BYTES;
}

/**
 * An LRU of forwarded replies, each kept no longer than its own TTL, bounded
 * both in entries and in bytes; an entry over MAX_ENTRY_BYTES is not kept
 * at all.
 */
export class ForwardCache {
  private readonly lru: LRUCache<string, Entry>;

  constructor(
    limits: ForwardCacheLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.lru = new LRUCache<string, Entry>({
      max: limits.maxEntries,
      maxSize: limits.maxBytes,
      maxEntrySize: Math.min(limits.maxBytes, MAX_ENTRY_BYTES),
      sizeCalculation: (e, key) => entryBytes(key, e.reply, e.scan),
    });
  }

  get size(): number {
    return this.lru.size;
  }

  /** Bytes held, as `entryBytes` counts them. */
  get bytes(): number {
    return this.lru.calculatedSize;
  }

  /** Stores a copy of `reply` when it is cacheable; returns the TTL used (0 = not stored). */
  store(key: string, reply: Buffer, scan: MessageScan): number {
    const ttl = cacheableTtl(scan);
    if (ttl === 0) return 0;
    const storedAt = this.now();
    // A copy with its own memory: a slice of a shared pool slab would keep the whole slab alive
    // while the entry is counted at its own length.
    const copy = Buffer.allocUnsafeSlow(reply.length);
    reply.copy(copy);
    this.lru.set(key, { reply: copy, scan, storedAt, expiresAt: storedAt + ttl * 1000 });
    // lru-cache turns away an entry over maxEntrySize without a word.
    return this.lru.has(key) ? ttl : 0;
  }

  /**
   * The cached reply rewritten for this query (its ID, its question case, TTLs
   * lowered by the age) with the scan of the stored bytes (same offsets), or
   * null on a miss or an expired entry.
   */
  lookup(key: string, query: Buffer, queryQuestionEnd: number): CacheHit | null {
    const entry = this.lru.get(key);
    if (entry === undefined) return null;
    const now = this.now();
    if (now >= entry.expiresAt) {
      this.lru.delete(key);
      return null;
    }
    // The key is derived from the question; comparing the bytes as well means no key collision can ever
    // serve one name's answer for another.
    if (!sameQuestion(entry.reply, entry.scan.questionEnd, query, queryQuestionEnd)) return null;
    const age = Math.floor((now - entry.storedAt) / 1000);
    const reply = replayCached(
      entry.reply,
      entry.scan.ttlOffsets,
      entry.scan.questionEnd,
      query,
      queryQuestionEnd,
      age,
    );
    return { reply, scan: entry.scan };
  }

  clear(): void {
    this.lru.clear();
  }
}
