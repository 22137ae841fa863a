/**
 * EventStoreDbStandIn — a TEST FIXTURE, never a product.
 *
 * A small in-process gRPC server that implements the subset of the EventStoreDB / KurrentDB v1
 * gRPC protocol that `@eventstore/db-client` 6.2.1 uses for what `@hoso/store-eventstoredb`
 * needs, so that the adapter can be tested through the REAL client and the REAL wire protocol on
 * machines where no server can run (KurrentDB issue 4958, fixed in 24.10 / 25.0). It is served with `@grpc/grpc-js` and the
 * generated service definitions and messages shipped inside `@eventstore/db-client/generated/`.
 *
 * Implemented:
 * - `ServerFeatures/GetSupportedMethods` → UNIMPLEMENTED, which makes the client assume an unknown
 *   server and use plain client-streaming `Streams/Append` (not `BatchAppend`).
 * - `Streams/Append`: options (stream + expected revision: exact revision, `no_stream`, `any`,
 *   `stream_exists`), then proposed messages. Outcomes as the server gives them: `Success` with the
 *   current revision and the (commit, prepare) position of the last event; `WrongExpectedVersion`
 *   with current and expected revisions; the idempotent re-append of the same event ids at the same
 *   expected revision (success, nothing written); the errors the client decodes from the trailing
 *   metadata `exception` key (`missing-required-metadata-property`,
 *   `maximum-append-size-exceeded`), and INVALID_ARGUMENT for malformed requests.
 * - `Streams/Read`: reads of one stream or of `$all`, forwards and backwards, from start/end/a
 *   revision/a position, with a count; `StreamNotFound` for a missing stream; uuid as string or
 *   structured; catch-up subscriptions to a stream or to `$all` (confirmation, then the events
 *   after the given revision/position, then `CaughtUp`, then live events). Server-side filters
 *   are NOT implemented (answered with UNIMPLEMENTED), nor are persistent subscriptions,
 *   deletes, tombstones, `BatchAppend`, ACLs, `$`-system streams or gossip.
 * - Stream metadata, as far as `$maxCount`: appends to `$$<stream>` (what `setStreamMetadata` does)
 *   are kept, and a stream read hides all but the last `$maxCount` events of the stream, as the
 *   server's reads do before a scavenge removes them (subscriptions and `$all` are not affected).
 *
 * Positions: every record gets a commit position equal to its prepare position, growing by the
 * record's size as in a transaction file (v20+ writes are single-record implicit transactions).
 *
 * For tests it can inject faults: answer the next calls of a method with a status
 * ({@link EventStoreDbStandIn.failNext}), drop every live subscription
 * ({@link EventStoreDbStandIn.dropSubscriptions}), stop and restart on the same port with its data
 * kept ({@link EventStoreDbStandIn.stop}, {@link EventStoreDbStandIn.restart}).
 */
import { createRequire } from 'node:module';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type * as StreamsPbModule from '@eventstore/db-client/generated/streams_pb.js';
import type * as SharedPbModule from '@eventstore/db-client/generated/shared_pb.js';
import type * as StreamsGrpcModule from '@eventstore/db-client/generated/streams_grpc_pb.js';
import type * as FeaturesGrpcModule from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';

// The generated modules are CommonJS built with `goog.object.extend(exports, …)`, which Node's ESM
// loader cannot see named exports through; require them so the client and this server share the
// very same message classes (the generated serializers check `instanceof`).
const require = createRequire(import.meta.url);
const pb = require('@eventstore/db-client/generated/streams_pb.js') as typeof StreamsPbModule;
const shared = require('@eventstore/db-client/generated/shared_pb.js') as typeof SharedPbModule;
const streamsGrpc = require('@eventstore/db-client/generated/streams_grpc_pb.js') as typeof StreamsGrpcModule;
const featuresGrpc = require('@eventstore/db-client/generated/serverfeatures_grpc_pb.js') as typeof FeaturesGrpcModule;

type ReadReq = StreamsPbModule.ReadReq;
type ReadResp = StreamsPbModule.ReadResp;
type AppendReq = StreamsPbModule.AppendReq;
type AppendResp = StreamsPbModule.AppendResp;

/** EventStoreDB's default `MaxAppendSize` (1 MiB of event data and metadata per append). */
export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;

/** One stored record, as the server's index would know it. */
export interface StandInRecord {
  readonly streamName: string;
  readonly revision: bigint;
  /** Lowercase canonical UUID. */
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
  /** Ticks (100 ns) since the Unix epoch, as the server writes `created`. */
  readonly created: bigint;
  /** Commit = prepare position in `$all`. */
  readonly position: bigint;
}

/** What an append asked for, as logged by the stand-in (for tests of the adapter's requests). */
export interface StandInAppendRequest {
  readonly stream: string;
  /** `any`, `no_stream`, `stream_exists` or the exact revision. */
  readonly expected: 'any' | 'no_stream' | 'stream_exists' | bigint;
  readonly events: number;
}

/** An event written with {@link EventStoreDbStandIn.write}, as another client would. */
export interface StandInEvent {
  readonly id: string;
  readonly type: string;
  readonly data: Uint8Array;
  readonly contentType?: string;
  readonly customMetadata?: Uint8Array;
}

/** Which calls {@link EventStoreDbStandIn.failNext} can make fail. */
export type StandInMethod = 'append' | 'read' | 'subscribe';

/** Options of {@link EventStoreDbStandIn.start}. */
export interface StandInOptions {
  /** Port to listen on (default 0: a random free port). */
  readonly port?: number;
  /** Maximum bytes of data + metadata per append (default {@link DEFAULT_MAX_APPEND_SIZE}). */
  readonly maxAppendSize?: number;
}

/** Call counters, for tests and benchmarks that count round trips. */
export interface StandInStats {
  appends: number;
  reads: number;
  subscriptions: number;
  eventsWritten: number;
  eventsSent: number;
}

interface Failure {
  readonly code: grpc.status;
  readonly details: string;
  /** Trailing metadata, e.g. `{ exception: 'not-leader', 'leader-endpoint-host': …, 'leader-endpoint-port': … }`. */
  readonly metadata: Record<string, string>;
  remaining: number;
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

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const TICKS_PER_MS = 10_000n;
const U64_MAX = 0xffff_ffff_ffff_ffffn;
/** Overhead counted per record when advancing the `$all` position, like a log record header. */
const RECORD_OVERHEAD = 120n;

function statusError(code: grpc.status, details: string, meta: Record<string, string> = {}): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(meta)) metadata.set(k, v);
  const err = new Error(details) as grpc.ServiceError;
  err.code = code;
  err.details = details;
  err.metadata = metadata;
  return err;
}

function bytesOf(v: Uint8Array | string): Uint8Array {
  return typeof v === 'string' ? new Uint8Array(Buffer.from(v, 'base64')) : v;
}

function parseUuid(u: SharedPbModule.UUID | undefined): string | undefined {
  if (u === undefined) return undefined;
  if (u.hasString()) {
    const s = u.getString();
    return UUID_RE.test(s) ? s.toLowerCase() : undefined;
  }
  if (u.hasStructured()) {
    const st = u.getStructured()!;
    const msb = BigInt.asUintN(64, BigInt(st.getMostSignificantBits()));
    const lsb = BigInt.asUintN(64, BigInt(st.getLeastSignificantBits()));
    const hex = msb.toString(16).padStart(16, '0') + lsb.toString(16).padStart(16, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return undefined;
}

function makeUuid(id: string, structured: boolean): SharedPbModule.UUID {
  const u = new shared.UUID();
  if (!structured) return u.setString(id);
  const hex = id.replace(/-/g, '');
  const st = new shared.UUID.Structured();
  st.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString(10));
  st.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString(10));
  return u.setStructured(st);
}

function streamIdentifier(name: string): SharedPbModule.StreamIdentifier {
  return new shared.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
}

function nameOf(id: SharedPbModule.StreamIdentifier | undefined): string | undefined {
  if (id === undefined) return undefined;
  return Buffer.from(bytesOf(id.getStreamName())).toString('utf8');
}

/** Write with backpressure: wait for `drain` when grpc-js's buffer is full. */
async function send(call: grpc.ServerWritableStream<ReadReq, ReadResp>, msg: ReadResp): Promise<void> {
  if (!call.write(msg)) await once(call, 'drain');
}

/**
 * The stand-in server. Start with {@link EventStoreDbStandIn.start}; connect the real client with
 * `EventStoreDBClient.connectionString(standIn.connectionString)`.
 */
export class EventStoreDbStandIn {
  private server: grpc.Server | null = null;
  private portNumber = 0;
  private readonly maxAppendSize: number;
  private readonly streams = new Map<string, StandInRecord[]>();
  private readonly all: StandInRecord[] = [];
  private nextPosition = 0n;
  private readonly failures = new Map<StandInMethod, Failure>();
  private readonly live = new Set<LiveSubscription>();
  /** Every append request received, in order (the last 1,000). */
  readonly appendLog: StandInAppendRequest[] = [];
  /**
   * Called once, then cleared, when the next append has been received in full and before it is
   * decided: lets a test make another writer get there first (see {@link write}).
   */
  beforeNextCommit: ((stream: string) => void) | null = null;
  /** Counters of calls served (reset with {@link resetStats}). */
  readonly stats: StandInStats = { appends: 0, reads: 0, subscriptions: 0, eventsWritten: 0, eventsSent: 0 };

  private constructor(options: StandInOptions) {
    this.maxAppendSize = options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE;
    this.portNumber = options.port ?? 0;
  }

  /** Start a stand-in on 127.0.0.1 (random port unless given). */
  static async start(options: StandInOptions = {}): Promise<EventStoreDbStandIn> {
    const s = new EventStoreDbStandIn(options);
    await s.listen();
    return s;
  }

  /** The port it listens on. */
  get port(): number {
    return this.portNumber;
  }

  /** `esdb://127.0.0.1:<port>?tls=false` — the client connects directly, without gossip. */
  get connectionString(): string {
    return `esdb://127.0.0.1:${this.portNumber}?tls=false`;
  }

  /** The records of one stream (a copy of the list; for assertions in tests). */
  records(stream: string): readonly StandInRecord[] {
    return [...(this.streams.get(stream) ?? [])];
  }

  /** Number of records in `$all`. */
  get allCount(): number {
    return this.all.length;
  }

  /** Zero the call counters. */
  resetStats(): void {
    this.stats.appends = 0;
    this.stats.reads = 0;
    this.stats.subscriptions = 0;
    this.stats.eventsWritten = 0;
    this.stats.eventsSent = 0;
  }

  /**
   * Answer the next `count` calls of `method` with the status `code` (default UNAVAILABLE, as a
   * server going away does), before looking at their request. `metadata` goes into the trailers,
   * where the server puts its `exception` (e.g. `not-leader` with `leader-endpoint-host` and
   * `leader-endpoint-port`).
   */
  failNext(
    method: StandInMethod,
    options: { code?: grpc.status; details?: string; count?: number; metadata?: Record<string, string> } = {},
  ): void {
    this.failures.set(method, {
      code: options.code ?? grpc.status.UNAVAILABLE,
      details: options.details ?? 'stand-in: injected failure',
      metadata: options.metadata ?? {},
      remaining: options.count ?? 1,
    });
  }

  /** End every live subscription with `code` (default UNAVAILABLE); returns how many. */
  dropSubscriptions(code: grpc.status = grpc.status.UNAVAILABLE): number {
    const subs = [...this.live];
    for (const sub of subs) {
      sub.closed = true;
      this.live.delete(sub);
      sub.call.emit('error', statusError(code, 'stand-in: subscription dropped'));
    }
    return subs.length;
  }

  /**
   * Append directly, as another client would with `any`, bypassing gRPC (for tests that need
   * another writer at an exact moment, or records no hoso writer would produce).
   */
  write(stream: string, events: readonly StandInEvent[]): void {
    let records = this.streams.get(stream);
    if (records === undefined) this.streams.set(stream, (records = []));
    const created = BigInt(Date.now()) * TICKS_PER_MS;
    for (const e of events) {
      const customMetadata = e.customMetadata ?? new Uint8Array(0);
      const rec: StandInRecord = {
        streamName: stream,
        revision: BigInt(records.length),
        id: e.id.toLowerCase(),
        type: e.type,
        contentType: e.contentType ?? 'application/octet-stream',
        data: e.data,
        customMetadata,
        created,
        position: this.nextPosition,
      };
      this.nextPosition +=
        RECORD_OVERHEAD + BigInt(e.data.length + customMetadata.length + e.type.length + stream.length);
      records.push(rec);
      this.all.push(rec);
    }
    this.stats.eventsWritten += events.length;
    for (const sub of this.live) if (sub.stream === null || sub.stream === stream) void this.pump(sub);
  }

  /** Stop serving (connections are cut); the data is kept for {@link restart}. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    for (const sub of this.live) sub.closed = true;
    this.live.clear();
    server.forceShutdown();
  }

  /** Serve again on the same port with the same data. */
  async restart(): Promise<void> {
    if (this.server !== null) await this.stop();
    await this.listen();
  }

  private async listen(): Promise<void> {
    const server = new grpc.Server();
    server.addService(streamsGrpc.StreamsService, {
      read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => {
        this.onRead(call).catch((e: unknown) => {
          if (call.cancelled) return;
          const known = typeof (e as { code?: unknown }).code === 'number';
          call.emit('error', known ? e : statusError(grpc.status.INTERNAL, `stand-in: ${String(e)}`));
        });
      },
      append: (call: grpc.ServerReadableStream<AppendReq, AppendResp>, callback: grpc.sendUnaryData<AppendResp>) => {
        this.onAppend(call, callback);
      },
    });
    server.addService(featuresGrpc.ServerFeaturesService, {
      getSupportedMethods: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        callback(statusError(grpc.status.UNIMPLEMENTED, 'stand-in: server features not implemented'), null);
      },
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${this.portNumber}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      );
    });
    this.portNumber = port;
    this.server = server;
  }

  private takeFailure(method: StandInMethod): Failure | undefined {
    const f = this.failures.get(method);
    if (f === undefined) return undefined;
    f.remaining -= 1;
    if (f.remaining <= 0) this.failures.delete(method);
    return f;
  }

  // ---------------------------------------------------------------- Append

  private onAppend(
    call: grpc.ServerReadableStream<AppendReq, AppendResp>,
    callback: grpc.sendUnaryData<AppendResp>,
  ): void {
    this.stats.appends++;
    const failure = this.takeFailure('append');
    if (failure !== undefined) {
      callback(statusError(failure.code, failure.details, failure.metadata), null);
      return;
    }
    let options: StreamsPbModule.AppendReq.Options | undefined;
    const proposed: StreamsPbModule.AppendReq.ProposedMessage[] = [];
    let bad: grpc.ServiceError | undefined;
    call.on('data', (req: AppendReq) => {
      if (bad !== undefined) return;
      if (req.hasOptions()) {
        if (options !== undefined || proposed.length > 0)
          bad = statusError(grpc.status.INVALID_ARGUMENT, 'options sent twice');
        else options = req.getOptions();
      } else if (req.hasProposedMessage()) {
        if (options === undefined) bad = statusError(grpc.status.INVALID_ARGUMENT, 'proposed message before options');
        else proposed.push(req.getProposedMessage()!);
      } else {
        bad = statusError(grpc.status.INVALID_ARGUMENT, 'empty append request');
      }
    });
    call.on('error', () => {
      // The client went away mid-append: nothing is written (appends are atomic).
      bad ??= statusError(grpc.status.CANCELLED, 'cancelled');
    });
    call.on('end', () => {
      if (bad !== undefined) return callback(bad, null);
      if (options === undefined) return callback(statusError(grpc.status.INVALID_ARGUMENT, 'no options'), null);
      try {
        callback(null, this.commitAppend(options, proposed));
      } catch (e) {
        callback(e as grpc.ServiceError, null);
      }
    });
  }

  private commitAppend(
    options: StreamsPbModule.AppendReq.Options,
    proposed: StreamsPbModule.AppendReq.ProposedMessage[],
  ): AppendResp {
    const streamName = nameOf(options.getStreamIdentifier());
    if (streamName === undefined || streamName === '')
      throw statusError(grpc.status.INVALID_ARGUMENT, 'stream identifier required');
    // `$$<stream>` is a stream's metadata stream (setStreamMetadata); other `$` streams are the server's.
    if (streamName.startsWith('$') && !streamName.startsWith('$$'))
      throw statusError(grpc.status.UNIMPLEMENTED, 'stand-in: system streams not implemented');

    // Decode and validate every proposed message before deciding anything.
    const incoming: Array<Omit<StandInRecord, 'streamName' | 'revision' | 'position' | 'created'>> = [];
    let size = 0;
    for (const m of proposed) {
      const id = parseUuid(m.getId());
      if (id === undefined) throw statusError(grpc.status.INVALID_ARGUMENT, 'invalid event id');
      const md = m.getMetadataMap();
      const type = md.get('type');
      const contentType = md.get('content-type');
      const missing = [type === undefined ? 'type' : null, contentType === undefined ? 'content-type' : null].filter(
        (x) => x !== null,
      );
      if (missing.length > 0) {
        throw statusError(grpc.status.INVALID_ARGUMENT, `missing required metadata: ${missing.join(',')}`, {
          exception: 'missing-required-metadata-property',
          'required-metadata-properties': 'type,content-type',
        });
      }
      const data = m.getData_asU8();
      const customMetadata = m.getCustomMetadata_asU8();
      size += data.length + customMetadata.length;
      incoming.push({ id, type: type!, contentType: contentType!, data, customMetadata });
    }
    if (size > this.maxAppendSize) {
      throw statusError(grpc.status.INVALID_ARGUMENT, `maximum append size of ${this.maxAppendSize} exceeded`, {
        exception: 'maximum-append-size-exceeded',
        'maximum-append-size': String(this.maxAppendSize),
      });
    }

    const exp = options.getExpectedStreamRevisionCase();
    const Case = pb.AppendReq.Options.ExpectedStreamRevisionCase;
    this.appendLog.push({
      stream: streamName,
      expected:
        exp === Case.REVISION
          ? BigInt(options.getRevision())
          : exp === Case.NO_STREAM
            ? 'no_stream'
            : exp === Case.STREAM_EXISTS
              ? 'stream_exists'
              : 'any',
      events: incoming.length,
    });
    if (this.appendLog.length > 1000) this.appendLog.shift();
    const hook = this.beforeNextCommit;
    if (hook !== null) {
      this.beforeNextCommit = null;
      hook(streamName);
    }
    const existing = this.streams.get(streamName) ?? [];
    const current = BigInt(existing.length) - 1n; // -1: no stream

    // The revision the batch was written after, when an exact one is known.
    let expectedRev: bigint | null = null;
    if (exp === Case.REVISION) {
      const r = BigInt(options.getRevision());
      if (r < 0n || r > U64_MAX) throw statusError(grpc.status.INVALID_ARGUMENT, 'revision out of range');
      expectedRev = r;
    } else if (exp === Case.NO_STREAM) {
      expectedRev = -1n;
    } else if (exp !== Case.ANY && exp !== Case.STREAM_EXISTS) {
      throw statusError(grpc.status.INVALID_ARGUMENT, 'expected revision required');
    }

    if (expectedRev !== null && expectedRev !== current) {
      // Idempotency: the same ids already written right after the expected revision.
      const idem = this.idempotent(existing, expectedRev + 1n, incoming);
      if (idem !== null) return idem;
      return this.wrongExpectedVersion(current, options);
    }
    if (exp === Case.STREAM_EXISTS && current < 0n) return this.wrongExpectedVersion(current, options);
    if (exp === Case.ANY && incoming.length > 0) {
      // Best effort, as the server does with `any`: a batch whose first id is already in the
      // stream is treated as a retry when the whole batch matches there.
      const at = existing.findIndex((r) => r.id === incoming[0]!.id);
      if (at >= 0) {
        const idem = this.idempotent(existing, BigInt(at), incoming);
        if (idem !== null) return idem;
        return this.wrongExpectedVersion(current, options);
      }
    }

    if (incoming.length === 0) return this.success(current, existing[existing.length - 1]);
    const records = this.streams.get(streamName) ?? [];
    if (records.length === 0) this.streams.set(streamName, records);
    const created = BigInt(Date.now()) * TICKS_PER_MS;
    let last: StandInRecord | undefined;
    for (const e of incoming) {
      const rec: StandInRecord = {
        ...e,
        streamName,
        revision: BigInt(records.length),
        created,
        position: this.nextPosition,
      };
      this.nextPosition +=
        RECORD_OVERHEAD + BigInt(e.data.length + e.customMetadata.length + e.type.length + streamName.length);
      records.push(rec);
      this.all.push(rec);
      last = rec;
    }
    this.stats.eventsWritten += incoming.length;
    for (const sub of this.live) if (sub.stream === null || sub.stream === streamName) void this.pump(sub);
    return this.success(BigInt(records.length) - 1n, last);
  }

  /** Success when `incoming` equals (by id) the records from `from` on; otherwise null. */
  private idempotent(
    existing: readonly StandInRecord[],
    from: bigint,
    incoming: ReadonlyArray<{ id: string }>,
  ): AppendResp | null {
    if (incoming.length === 0 || from < 0n || from + BigInt(incoming.length) > BigInt(existing.length)) return null;
    const start = Number(from);
    for (let i = 0; i < incoming.length; i++) if (existing[start + i]!.id !== incoming[i]!.id) return null;
    const lastRec = existing[start + incoming.length - 1]!;
    return this.success(lastRec.revision, lastRec);
  }

  private success(current: bigint, last: StandInRecord | undefined): AppendResp {
    const ok = new pb.AppendResp.Success();
    if (current < 0n) ok.setNoStream(new shared.Empty());
    else ok.setCurrentRevision(current.toString(10));
    if (last === undefined) ok.setNoPosition(new shared.Empty());
    else
      ok.setPosition(
        new pb.AppendResp.Position()
          .setCommitPosition(last.position.toString(10))
          .setPreparePosition(last.position.toString(10)),
      );
    return new pb.AppendResp().setSuccess(ok);
  }

  private wrongExpectedVersion(current: bigint, options: StreamsPbModule.AppendReq.Options): AppendResp {
    const w = new pb.AppendResp.WrongExpectedVersion();
    if (current < 0n) w.setCurrentNoStream(new shared.Empty());
    else w.setCurrentRevision(current.toString(10));
    const Case = pb.AppendReq.Options.ExpectedStreamRevisionCase;
    switch (options.getExpectedStreamRevisionCase()) {
      case Case.REVISION:
        w.setExpectedRevision(options.getRevision());
        break;
      case Case.NO_STREAM:
        w.setExpectedNoStream(new shared.Empty());
        break;
      case Case.STREAM_EXISTS:
        w.setExpectedStreamExists(new shared.Empty());
        break;
      default:
        w.setExpectedAny(new shared.Empty());
    }
    return new pb.AppendResp().setWrongExpectedVersion(w);
  }

  // ---------------------------------------------------------------- Read

  private async onRead(call: grpc.ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
    const options = call.request.getOptions();
    if (options === undefined) throw statusError(grpc.status.INVALID_ARGUMENT, 'no read options');
    const isSubscription = options.hasSubscription();
    this.stats[isSubscription ? 'subscriptions' : 'reads']++;
    const failure = this.takeFailure(isSubscription ? 'subscribe' : 'read');
    if (failure !== undefined) {
      call.emit('error', statusError(failure.code, failure.details, failure.metadata));
      return;
    }
    if (options.hasFilter()) {
      call.emit('error', statusError(grpc.status.UNIMPLEMENTED, 'stand-in: server-side filters not implemented'));
      return;
    }
    const structuredUuid = options.getUuidOption()?.hasStructured() ?? false;
    const backwards = options.getReadDirection() === pb.ReadReq.Options.ReadDirection.BACKWARDS;

    if (options.hasStream()) {
      const so = options.getStream()!;
      const name = nameOf(so.getStreamIdentifier());
      if (name === undefined) throw statusError(grpc.status.INVALID_ARGUMENT, 'stream identifier required');
      const all = this.streams.get(name) ?? [];
      // `$maxCount` hides all but the last n events from reads (the server scavenges them later).
      const keep = this.maxCountOf(name);
      const records = keep === undefined || keep >= all.length ? all : all.slice(all.length - keep);
      const first = all.length - records.length;
      if (isSubscription) {
        // A subscription starts AFTER the given revision; a missing stream is simply empty.
        let cursor = 0;
        if (so.hasEnd()) cursor = records.length;
        else if (so.hasRevision()) cursor = Number(BigInt(so.getRevision()) + 1n);
        return this.subscribe(call, name, cursor, structuredUuid);
      }
      if (records.length === 0) {
        const nf = new pb.ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name));
        await send(call, new pb.ReadResp().setStreamNotFound(nf));
        call.end();
        return;
      }
      const count = BigInt(options.getCount() || '0');
      let from: bigint;
      if (so.hasStart()) from = backwards ? -1n : 0n;
      else if (so.hasEnd()) from = backwards ? BigInt(all.length - 1) : BigInt(all.length);
      else from = BigInt(so.getRevision());
      const picked: StandInRecord[] = [];
      const lo = BigInt(first);
      if (backwards) {
        for (
          let r = from > BigInt(all.length - 1) ? BigInt(all.length - 1) : from;
          r >= lo && BigInt(picked.length) < count;
          r--
        ) {
          picked.push(all[Number(r)]!);
        }
      } else {
        for (let r = from < lo ? lo : from; r < BigInt(all.length) && BigInt(picked.length) < count; r++)
          picked.push(all[Number(r)]!);
      }
      return this.sendAll(call, picked, structuredUuid);
    }

    if (options.hasAll()) {
      const ao = options.getAll()!;
      if (isSubscription) {
        let cursor = 0;
        if (ao.hasEnd()) cursor = this.all.length;
        else if (ao.hasPosition()) {
          const p = BigInt(ao.getPosition()!.getCommitPosition());
          cursor = this.all.findIndex((r) => r.position > p);
          if (cursor < 0) cursor = this.all.length;
        }
        return this.subscribe(call, null, cursor, structuredUuid);
      }
      const count = BigInt(options.getCount() || '0');
      const picked: StandInRecord[] = [];
      if (backwards) {
        // Backwards from a position: the records strictly before it.
        let i = this.all.length - 1;
        if (ao.hasStart()) i = -1;
        else if (ao.hasPosition()) {
          const p = BigInt(ao.getPosition()!.getCommitPosition());
          while (i >= 0 && this.all[i]!.position >= p) i--;
        }
        for (; i >= 0 && BigInt(picked.length) < count; i--) picked.push(this.all[i]!);
      } else {
        // Forwards from a position: the records at or after it.
        let i = 0;
        if (ao.hasEnd()) i = this.all.length;
        else if (ao.hasPosition()) {
          const p = BigInt(ao.getPosition()!.getCommitPosition());
          while (i < this.all.length && this.all[i]!.position < p) i++;
        }
        for (; i < this.all.length && BigInt(picked.length) < count; i++) picked.push(this.all[i]!);
      }
      return this.sendAll(call, picked, structuredUuid);
    }
    throw statusError(grpc.status.INVALID_ARGUMENT, 'stream or $all required');
  }

  /** The `$maxCount` of a stream's newest metadata event, if any. */
  private maxCountOf(stream: string): number | undefined {
    const meta = this.streams.get(`$$${stream}`);
    const last = meta?.[meta.length - 1];
    if (last === undefined) return undefined;
    try {
      const v = JSON.parse(Buffer.from(last.data).toString('utf8')) as { $maxCount?: unknown };
      return typeof v.$maxCount === 'number' && v.$maxCount >= 0 ? v.$maxCount : undefined;
    } catch {
      return undefined;
    }
  }

  private async sendAll(
    call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    records: readonly StandInRecord[],
    structured: boolean,
  ): Promise<void> {
    for (const r of records) {
      if (call.cancelled) return;
      await send(call, this.eventResp(r, structured));
      this.stats.eventsSent++;
    }
    call.end();
  }

  private eventResp(r: StandInRecord, structured: boolean): ReadResp {
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

  /** Send everything from the cursor to the current end; CaughtUp once, the first time. */
  private async pump(sub: LiveSubscription): Promise<void> {
    if (sub.pumping) return;
    sub.pumping = true;
    try {
      for (;;) {
        if (sub.closed || sub.call.cancelled) return;
        const source = sub.stream === null ? this.all : (this.streams.get(sub.stream) ?? []);
        if (sub.cursor >= source.length) break;
        const rec = source[sub.cursor]!;
        sub.cursor++;
        await send(sub.call, this.eventResp(rec, sub.structuredUuid));
        this.stats.eventsSent++;
      }
      if (!sub.caughtUpSent && !sub.closed) {
        sub.caughtUpSent = true;
        await send(sub.call, new pb.ReadResp().setCaughtUp(new pb.ReadResp.CaughtUp()));
      }
    } finally {
      sub.pumping = false;
    }
    // An append may have landed while the last write waited for `drain`.
    const source = sub.stream === null ? this.all : (this.streams.get(sub.stream) ?? []);
    if (!sub.closed && sub.cursor < source.length) await this.pump(sub);
  }
}
