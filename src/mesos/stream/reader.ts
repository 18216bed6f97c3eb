/**
 * One subscription's stream, read into a `ClusterModel`: the first record must
 * be SUBSCRIBED, which becomes the model once the leader and the framework
 * pids are known; every later record is an event applied to it. The
 * subscriber (subscriber.ts) opens the stream and decides what to do when
 * this ends; a silence of 3 heartbeats aborts it from here.
 */
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { StreamFailure } from '../../errors.js';
import { ensureRoomToParse } from '../fetch/heap-room.js';
import type { FetchOptions } from '../fetch/options.js';
import { fetchFrameworkPids, fetchLeader, type CallContext } from './calls.js';
import { ClusterModel, type Change } from './model.js';
import { RecordIoDecoder } from './recordio.js';
import type { Opened } from './subscribe.js';
import { parseRecord, readEvent, type StreamEvent, type StreamEventType, type StreamWarning } from './v1.js';

export interface StreamCounters {
  /** subscriptions that reached SUBSCRIBED */
  subscriptions: number;
  /** subscriptions that failed, or streams that ended */
  failures: number;
  /** events applied to the model */
  events: number;
  /** of which, by type (SUBSCRIBED counted once per subscription, heartbeats included) */
  eventsByType: Partial<Record<StreamEventType, number>>;
  /** Date.now() when the last record of any kind arrived (0: none yet), to tell a live stream */
  lastEventAt: number;
  /** events of a type we do not know, ignored */
  unknownEvents: number;
  /** frameworks, agents and tasks skipped as unusable */
  skippedItems: number;
}

/** What reading a stream needs from its subscriber. */
export interface ReaderContext {
  /** authentication, TLS and `maxStateBytes` (the largest record) */
  options: FetchOptions;
  log: Logger;
  counters: StreamCounters;
  dispatcher: Dispatcher;
  authDispatcher: Dispatcher;
  /** the first record made the model: the subscription stands (the deadline to subscribe no longer applies) */
  subscribed(model: ClusterModel, master: string, heartbeatSeconds: number | null): void;
  /** an event changed the model */
  changed(change: Change, model: ClusterModel, master: string): void;
}

/** Records above this size are checked against the heap left before they are parsed. */
const LARGE_RECORD = 1024 * 1024;

/** Reads `opened` until the master ends the stream; fails on a bad record, a failed call, or 3 heartbeats of silence. */
export async function readStream(opened: Opened, controller: AbortController, ctx: ReaderContext): Promise<void> {
  const decoder = new RecordIoDecoder(ctx.options.maxStateBytes);
  const calls: CallContext = {
    options: ctx.options,
    dispatcher: ctx.dispatcher,
    authDispatcher: ctx.authDispatcher,
    signal: controller.signal,
  };
  let model: ClusterModel | null = null;
  let silenceMs = 0;
  let watchdog: NodeJS.Timeout | undefined;
  try {
    for await (const chunk of opened.body as AsyncIterable<Buffer>) {
      // The watchdog measures the master's silence, not our time spent on what it sent.
      clearTimeout(watchdog);
      for (const record of decoder.push(chunk)) {
        ctx.counters.lastEventAt = Date.now();
        if (record.length === 0) continue;
        if (model === null) {
          const first = await snapshot(record, opened, calls, ctx);
          model = first.model;
          silenceMs = first.heartbeatSeconds === null ? 0 : first.heartbeatSeconds * 3000;
          count(ctx.counters, 'SUBSCRIBED');
          ctx.subscribed(model, opened.master, first.heartbeatSeconds);
        } else {
          await event(record, model, opened, calls, ctx);
        }
      }
      if (silenceMs > 0) {
        watchdog = setTimeout(() => {
          controller.abort(
            new StreamFailure('MESOS_DNS_STREAM_SILENT', `nothing for ${silenceMs} ms (3 heartbeats)`, opened.master),
          );
        }, silenceMs);
      }
    }
  } finally {
    clearTimeout(watchdog);
  }
}

async function snapshot(
  record: Buffer,
  opened: Opened,
  calls: CallContext,
  ctx: ReaderContext,
): Promise<{ model: ClusterModel; heartbeatSeconds: number | null }> {
  const decoded = decode(record);
  if (decoded.kind !== 'event' || decoded.event.type !== 'SUBSCRIBED') {
    throw new StreamFailure('MESOS_DNS_STREAM_BAD_EVENT', 'the first event is not SUBSCRIBED', opened.master);
  }
  warn(ctx, decoded.warnings, opened.master, 'SUBSCRIBED');
  const { subscribed } = decoded.event;
  const [leader, framePids] = await Promise.all([
    fetchLeader(opened.origin, calls),
    fetchFrameworkPids(opened.origin, calls),
  ]);
  warnPids(ctx, framePids.warnings, opened.master);
  for (const framework of subscribed.frameworks) framework.pid = framePids.pids.get(framework.id) ?? null;
  return { model: ClusterModel.fromSubscribed(subscribed, leader), heartbeatSeconds: subscribed.heartbeatSeconds };
}

async function event(
  record: Buffer,
  model: ClusterModel,
  opened: Opened,
  calls: CallContext,
  ctx: ReaderContext,
): Promise<void> {
  const decoded = decode(record);
  if (decoded.kind === 'unknown') {
    ctx.counters.unknownEvents++;
    ctx.log.debug({ master: opened.master, type: decoded.type }, 'ignored an event of an unknown type');
    return;
  }
  if (decoded.kind === 'skipped') {
    warn(ctx, [decoded.warning], opened.master, decoded.type);
    return;
  }
  const event: StreamEvent = decoded.event;
  if (event.type === 'SUBSCRIBED') {
    throw new StreamFailure('MESOS_DNS_STREAM_BAD_EVENT', 'a second SUBSCRIBED on one stream', opened.master);
  }
  // A pid that cannot be read fails the stream: the next subscription reads them all again, where going on
  // would show the framework without the records its pid gives.
  if (event.type === 'FRAMEWORK_ADDED' || event.type === 'FRAMEWORK_UPDATED') {
    const found = await fetchFrameworkPids(opened.origin, calls, event.framework.id);
    warnPids(ctx, found.warnings, opened.master);
    event.framework.pid = found.pids.get(event.framework.id) ?? null;
  }
  const change = model.apply(event);
  ctx.counters.events++;
  count(ctx.counters, event.type);
  if (change.tasks.length + change.agents.length + change.frameworks.length === 0) return;
  ctx.changed(change, model, opened.master);
}

function count(counters: StreamCounters, type: StreamEventType): void {
  counters.eventsByType[type] = (counters.eventsByType[type] ?? 0) + 1;
}

function decode(record: Buffer): ReturnType<typeof readEvent> {
  // A SUBSCRIBED of a large cluster is tens of megabytes: parse it only with room for it.
  if (record.length > LARGE_RECORD) ensureRoomToParse(record);
  return readEvent(parseRecord(record));
}

function warn(ctx: ReaderContext, warnings: readonly StreamWarning[], master: string, type: string): void {
  ctx.counters.skippedItems += warnings.length;
  for (const w of warnings) ctx.log.warn({ master, event: type, ...w }, 'skipped a bad stream item');
}

function warnPids(ctx: ReaderContext, warnings: ReadonlyArray<{ id: string; reason: string }>, master: string): void {
  for (const w of warnings) ctx.log.warn({ master, item: 'framework', ...w }, 'framework pid unusable');
}
