/**
 * `Streams/Read` of the EventStoreDB stand-in (a TEST FIXTURE): reads of one stream or of `$all`,
 * forwards and backwards, and catch-up subscriptions, served from what THIS node has replicated —
 * so a follower's reads lag behind the leader's. Behaviours and the server files they imitate
 * (github.com/kurrent-io/KurrentDB):
 *
 * - A read with `requires-leader: true` on a node that is not the leader is refused with NotLeader
 *   and the leader's address, or NotReady when there is no leader; without the header the node
 *   serves it from its own copy, however far behind — src/KurrentDB.Core/Services/VNode/
 *   ClusterVNodeController.cs (`HandleAsNonLeader(ClientMessage.ReadStreamEventsForward …)`).
 * - A missing stream is `StreamNotFound`; events hidden by `$maxCount` / `$tb` are skipped —
 *   src/KurrentDB.Core/Services/Transport/Grpc/Streams.Read.cs and the index reader.
 * - A subscription confirms, sends the events after the given revision, `CaughtUp`, then live events.
 */
import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import type { LogRecord, StandInLog } from './standin-log.js';
import {
  makeUuid,
  nameOf,
  pb,
  requiresLeader,
  send,
  statusError,
  streamIdentifier,
  type ReadReq,
  type ReadResp,
} from './standin-wire.js';

/** What the read service needs of its node. */
export interface ReadNode {
  readonly log: StandInLog;
  /** Records of `$all` this node has (a prefix of the log). */
  visible(): number;
  /** The error a `requires-leader` request gets on this node, or null when it is the leader. */
  leaderRefusal(): grpc.ServiceError | null;
  /** An injected failure for this call, if any. */
  takeFailure(method: 'read' | 'subscribe'): grpc.ServiceError | undefined;
  count(method: 'read' | 'subscribe', stream: string, leader: boolean): void;
  sent(n: number): void;
}

interface LiveSubscription {
  readonly call: grpc.ServerWritableStream<ReadReq, ReadResp>;
  /** `null` = `$all`. */
  readonly stream: string | null;
  /** Index of the next record to send: a revision for a stream, an index into `$all`. */
  cursor: number;
  readonly structuredUuid: boolean;
  caughtUpSent: boolean;
  pumping: boolean;
  closed: boolean;
}

/** See the module comment. */
export class ReadService {
  private readonly live = new Set<LiveSubscription>();

  constructor(private readonly node: ReadNode) {}

  /** The gRPC handler. */
  handle(call: grpc.ServerWritableStream<ReadReq, ReadResp>): void {
    this.onRead(call).catch((e: unknown) => {
      if (call.cancelled) return;
      const known = typeof (e as { code?: unknown }).code === 'number';
      call.emit('error', known ? e : statusError(grpc.status.INTERNAL, `stand-in: ${String(e)}`));
    });
  }

  /** End every live subscription with `code`; returns how many. */
  dropAll(code: grpc.status): number {
    const subs = [...this.live];
    for (const sub of subs) {
      sub.closed = true;
      this.live.delete(sub);
      sub.call.emit('error', statusError(code, 'stand-in: subscription dropped'));
    }
    return subs.length;
  }

  /** Forget every live subscription (the server is stopping). */
  clear(): void {
    for (const sub of this.live) sub.closed = true;
    this.live.clear();
  }

  /** Send newly visible records to live subscriptions. */
  pumpAll(): void {
    for (const sub of this.live) void this.pump(sub);
  }

  /**
   * A stream's records readable on this node: `records[first, end)` (never copied: a catch-up of a
   * large stream reads it once per event).
   */
  private streamView(name: string): { records: readonly LogRecord[]; first: number; end: number } {
    const visible = this.node.visible();
    const records = this.node.log.records(name);
    let end = records.length;
    while (end > 0 && records[end - 1]!.seq >= visible) end--;
    const meta = this.node.log.metadataOf(name);
    let first = meta.truncateBefore ?? 0;
    if (meta.maxCount !== undefined) first = Math.max(first, end - meta.maxCount);
    return { records, first: Math.min(first, end), end };
  }

  private async onRead(call: grpc.ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
    const options = call.request.getOptions();
    if (options === undefined) throw statusError(grpc.status.INVALID_ARGUMENT, 'no read options');
    const isSubscription = options.hasSubscription();
    const method = isSubscription ? 'subscribe' : 'read';
    const leader = requiresLeader(call.metadata);
    const target = options.hasStream() ? (nameOf(options.getStream()!.getStreamIdentifier()) ?? '') : '$all';
    this.node.count(method, target, leader);
    const failure = this.node.takeFailure(method);
    if (failure !== undefined) {
      call.emit('error', failure);
      return;
    }
    if (leader) {
      const refusal = this.node.leaderRefusal();
      if (refusal !== null) {
        call.emit('error', refusal);
        return;
      }
    }
    if (options.hasFilter()) {
      call.emit('error', statusError(grpc.status.UNIMPLEMENTED, 'stand-in: server-side filters not implemented'));
      return;
    }
    const structuredUuid = options.getUuidOption()?.hasStructured() ?? false;
    const backwards = options.getReadDirection() === pb.ReadReq.Options.ReadDirection.BACKWARDS;
    const count = BigInt(options.getCount() || '0');

    if (options.hasStream()) {
      const so = options.getStream()!;
      const name = nameOf(so.getStreamIdentifier());
      if (name === undefined) throw statusError(grpc.status.INVALID_ARGUMENT, 'stream identifier required');
      const { records, first, end } = this.streamView(name);
      if (isSubscription) {
        // A subscription starts AFTER the given revision; a missing stream is simply empty.
        let cursor = 0;
        if (so.hasEnd()) cursor = end;
        else if (so.hasRevision()) cursor = Number(BigInt(so.getRevision()) + 1n);
        return this.subscribe(call, name, cursor, structuredUuid);
      }
      if (end - first === 0) {
        const nf = new pb.ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name));
        await send(call, new pb.ReadResp().setStreamNotFound(nf));
        call.end();
        return;
      }
      let from: number;
      if (so.hasStart()) from = backwards ? -1 : 0;
      else if (so.hasEnd()) from = backwards ? end - 1 : end;
      else from = Number(BigInt(so.getRevision()));
      const picked: LogRecord[] = [];
      if (backwards) {
        for (let r = Math.min(from, end - 1); r >= first && BigInt(picked.length) < count; r--)
          picked.push(records[r]!);
      } else {
        for (let r = Math.max(from, first); r < end && BigInt(picked.length) < count; r++) picked.push(records[r]!);
      }
      return this.sendAll(call, picked, structuredUuid);
    }

    if (options.hasAll()) {
      const ao = options.getAll()!;
      const scavenged = this.node.log.scavenged;
      const all = this.node.log.all.slice(0, this.node.visible());
      if (isSubscription) {
        let cursor = 0;
        if (ao.hasEnd()) cursor = all.length;
        else if (ao.hasPosition()) {
          const p = BigInt(ao.getPosition()!.getCommitPosition());
          cursor = all.findIndex((r) => r.position > p);
          if (cursor < 0) cursor = all.length;
        }
        return this.subscribe(call, null, cursor, structuredUuid);
      }
      const picked: LogRecord[] = [];
      if (backwards) {
        // Backwards from a position: the records strictly before it.
        let i = all.length - 1;
        if (ao.hasStart()) i = -1;
        else if (ao.hasPosition()) {
          const p = BigInt(ao.getPosition()!.getCommitPosition());
          while (i >= 0 && all[i]!.position >= p) i--;
        }
        for (; i >= 0 && BigInt(picked.length) < count; i--) if (!scavenged.has(i)) picked.push(all[i]!);
      } else {
        // Forwards from a position: the records at or after it.
        let i = 0;
        if (ao.hasEnd()) i = all.length;
        else if (ao.hasPosition()) {
          const p = BigInt(ao.getPosition()!.getCommitPosition());
          while (i < all.length && all[i]!.position < p) i++;
        }
        for (; i < all.length && BigInt(picked.length) < count; i++) if (!scavenged.has(i)) picked.push(all[i]!);
      }
      return this.sendAll(call, picked, structuredUuid);
    }
    throw statusError(grpc.status.INVALID_ARGUMENT, 'stream or $all required');
  }

  private async sendAll(
    call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    records: readonly LogRecord[],
    structured: boolean,
  ): Promise<void> {
    for (const r of records) {
      if (call.cancelled) return;
      await send(call, eventResp(r, structured));
      this.node.sent(1);
    }
    call.end();
  }

  private async subscribe(
    call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    stream: string | null,
    cursor: number,
    structuredUuid: boolean,
  ): Promise<void> {
    const sub: LiveSubscription = {
      call,
      stream,
      cursor,
      structuredUuid,
      caughtUpSent: false,
      pumping: false,
      closed: false,
    };
    this.live.add(sub);
    const drop = () => {
      sub.closed = true;
      this.live.delete(sub);
    };
    call.on('cancelled', drop);
    call.on('close', drop);
    const confirmation = new pb.ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
    await send(call, new pb.ReadResp().setConfirmation(confirmation));
    await this.pump(sub);
  }

  /** What a subscription may send: `records[0, end)`. */
  private sourceOf(sub: LiveSubscription): { records: readonly LogRecord[]; end: number } {
    return sub.stream === null ? { records: this.node.log.all, end: this.node.visible() } : this.streamView(sub.stream);
  }

  /** Send everything from the cursor to the current end; CaughtUp once, the first time. */
  private async pump(sub: LiveSubscription): Promise<void> {
    if (sub.pumping) return;
    sub.pumping = true;
    try {
      for (;;) {
        if (sub.closed || sub.call.cancelled) return;
        const source = this.sourceOf(sub);
        if (sub.cursor >= source.end) break;
        const rec = source.records[sub.cursor]!;
        sub.cursor++;
        if (sub.stream === null && this.node.log.scavenged.has(rec.seq)) continue;
        await send(sub.call, eventResp(rec, sub.structuredUuid));
        this.node.sent(1);
      }
      if (!sub.caughtUpSent && !sub.closed) {
        sub.caughtUpSent = true;
        await send(sub.call, new pb.ReadResp().setCaughtUp(new pb.ReadResp.CaughtUp()));
      }
    } finally {
      sub.pumping = false;
    }
    // An append may have landed while the last write waited for `drain`.
    if (!sub.closed && sub.cursor < this.sourceOf(sub).end) await this.pump(sub);
  }
}

function eventResp(r: LogRecord, structured: boolean): ReadResp {
  const rec = new pb.ReadResp.ReadEvent.RecordedEvent();
  rec.setId(makeUuid(r.id, structured));
  rec.setStreamIdentifier(streamIdentifier(r.streamName));
  rec.setStreamRevision(r.revision.toString(10));
  rec.setPreparePosition(r.position.toString(10));
  rec.setCommitPosition(r.position.toString(10));
  const md = rec.getMetadataMap();
  md.set('type', r.type);
  md.set('content-type', r.contentType);
  md.set('created', r.created.toString(10));
  rec.setCustomMetadata(r.customMetadata);
  rec.setData(r.data);
  const ev = new pb.ReadResp.ReadEvent().setEvent(rec).setCommitPosition(r.position.toString(10));
  return new pb.ReadResp().setEvent(ev);
}
