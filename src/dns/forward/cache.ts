import { LRUCache } from 'lru-cache';
import { RCODE, TC } from '../../wire/constants.js';
import type { MessageScan } from '../../wire/scan.js';
import type { UpstreamAnswer } from './reply.js';

/** Upper bound on any cached TTL, whatever the upstream says (one day, like common resolvers). */
const MAX_TTL_SECONDS = 86_400;
/**
 * Larger entries are not cached: a few of the rare 64 KB TCP answers would
 * otherwise displace thousands of ordinary ones, and refetching them costs
 * little next to the memory they would hold.
 */
export const MAX_ENTRY_BYTES = 16 * 1024;
/** What an entry costs besides its message bytes: the entry, answer and scan objects, the key. */
const ENTRY_OVERHEAD_BYTES = 256;
const TTL_OFFSET_BYTES = 8;

interface Entry {
  answer: UpstreamAnswer;
  storedAt: number;
  expiresAt: number;
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

export interface ForwardCacheLimits {
  /** entries at most (`forwardCacheSize`) */
  maxEntries: number;
  /** bytes at most, as `entryBytes` counts them (`forwardCacheBytes`) */
  maxBytes: number;
}

/** What one cached answer costs, in bytes: its message plus the bookkeeping around it. */
export function entryBytes(key: string, answer: UpstreamAnswer): number {
  return answer.msg.length + key.length + answer.scan.ttlOffsets.length * TTL_OFFSET_BYTES + ENTRY_OVERHEAD_BYTES;
}

export interface CacheHit {
  answer: UpstreamAnswer;
  /** whole seconds since it was stored, to lower its TTLs by */
  ageSeconds: number;
}

/**
 * An LRU of upstream answers by question key (`questionKey`), each kept no
 * longer than its own TTL, bounded both in entries and in bytes; an entry over
 * MAX_ENTRY_BYTES is not kept at all. Answers are stored without any OPT, so
 * nothing of one client's or upstream's EDNS reaches another client.
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
      sizeCalculation: (e, key) => entryBytes(key, e.answer),
    });
  }

  get size(): number {
    return this.lru.size;
  }

  /** Bytes held, as `entryBytes` counts them. */
  get bytes(): number {
    return this.lru.calculatedSize;
  }

  /** Keeps `answer` (not copied: it is never written to) when it is cacheable; returns the TTL used (0 = not kept). */
  store(key: string, answer: UpstreamAnswer): number {
    const ttl = cacheableTtl(answer.scan);
    if (ttl === 0) return 0;
    const storedAt = this.now();
    this.lru.set(key, { answer, storedAt, expiresAt: storedAt + ttl * 1000 });
    // lru-cache turns away an entry over maxEntrySize without a word.
    return this.lru.has(key) ? ttl : 0;
  }

  /** The answer stored under `key` and its age, or null on a miss or an expired entry. */
  lookup(key: string): CacheHit | null {
    const entry = this.lru.get(key);
    if (entry === undefined) return null;
    const now = this.now();
    if (now >= entry.expiresAt) {
      this.lru.delete(key);
      return null;
    }
    return { answer: entry.answer, ageSeconds: Math.floor((now - entry.storedAt) / 1000) };
  }
}
