import { isAscii } from 'node:buffer';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { resourceLimits } from 'node:worker_threads';
import { FetchFailure } from '../../errors.js';

/**
 * The largest block JSON.parse allocates at once, per byte of text: an array of
 * one-digit numbers (`0,`, 2 bytes each) becomes one block of 8 bytes per element.
 */
const PARSE_BLOCK_PER_BYTE = 4;

/** Heap spaces of the young generation; large strings and arrays go to the old one. */
const YOUNG_SPACES = new Set(['new_space', 'new_large_object_space']);

/**
 * Fails the attempt unless this thread's heap has room for the state as a
 * string plus the largest block JSON.parse may build from it. A refresh worker
 * that grows past its heap limit bit by bit is stopped, and only the refresh
 * fails; but one allocation larger than the room left aborts the whole process
 * (V8 grants a worker at its limit 16 MiB of grace to stop). The master decides
 * the size of these two, so they must be known to fit before they are made.
 */
export function ensureRoomToParse(raw: Buffer): void {
  // A string holds one byte per character when every character is Latin-1, else two.
  const textBytes = isAscii(raw) ? raw.length : 2 * raw.length;
  const need = textBytes + PARSE_BLOCK_PER_BYTE * raw.length;
  const room = heapRoom();
  if (need > room) {
    throw new FetchFailure(
      'MESOS_DNS_FETCH_TOO_LARGE',
      `a state of ${raw.length} bytes may need ${need} bytes of heap at once to parse, more than the ${room} left (refreshHeapMiB)`,
    );
  }
}

/** Bytes the old generation can still take: in the refresh worker, up to its `maxOldGenerationSizeMb`. */
function heapRoom(): number {
  const limitMiB = resourceLimits.maxOldGenerationSizeMb;
  if (limitMiB === undefined) {
    const heap = getHeapStatistics();
    return heap.heap_size_limit - heap.used_heap_size;
  }
  let used = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (!YOUNG_SPACES.has(space.space_name)) used += space.space_used_size;
  }
  return limitMiB * 1024 * 1024 - used;
}
