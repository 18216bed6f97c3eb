import { LRUCache } from 'lru-cache';
import { RCODE, TC } from '../../wire/constants.js';
import { sameQuestion, type MessageScan } from '../../wire/scan.js';
import { replayCached } from './relay.js';

/** Upper bound on any cached TTL, whatever the upstream says (one day, like common resolvers). */
const MAX_TTL_SECONDS = 86_400;

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

/** An LRU of forwarded replies, each kept no longer than its own TTL. */
export class ForwardCache {
  private readonly lru: LRUCache<string, Entry>;

  constructor(
    maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    this.lru = new LRUCache<string, Entry>({ max: maxEntries });
  }

  get size(): number {
    return this.lru.size;
  }

  /** Stores a copy of `reply` when it is cacheable; returns the TTL used (0 = not stored). */
  store(key: string, reply: Buffer, scan: MessageScan): number {
    const ttl = cacheableTtl(scan);
    if (ttl === 0) return 0;
    const storedAt = this.now();
    this.lru.set(key, {
      reply: Buffer.from(reply),
      scan,
      storedAt,
      expiresAt: storedAt + ttl * 1000,
    });
    return ttl;
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
