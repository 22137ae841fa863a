/**
 * EventStoreDbStandIn — a TEST FIXTURE, never a product.
 *
 * A small in-process gRPC server (or a cluster of them) that implements the subset of the
 * EventStoreDB / KurrentDB v1 gRPC protocol that `@eventstore/db-client` 6.2.1 uses for what
 * `@hoso/store-eventstoredb` needs, so that the adapter can be tested through the REAL client and
 * the REAL wire protocol on machines where no server can run. It is served with `@grpc/grpc-js`
 * and the generated service definitions and messages shipped inside
 * `@eventstore/db-client/generated/`.
 *
 * Each behaviour imitates the server's source (github.com/kurrent-io/KurrentDB), cited where it is
 * implemented: the commit check, idempotency, replication and timeouts in `standin-log.ts`; reads
 * and subscriptions, and leader-only reads, in `standin-read.ts`; here:
 *
 * - `ServerFeatures/GetSupportedMethods`: the methods and features a server advertises, BatchAppend
 *   included, with its version — src/KurrentDB.Core/Services/Transport/Grpc/ServerFeatures.cs — so
 *   the client appends through BatchAppend, as in production. `serverFeatures: false` answers
 *   UNIMPLEMENTED, as servers before 21.10 do, and the client falls back to plain `Streams/Append`.
 * - `Streams/Append` — src/KurrentDB.Core/Services/Transport/Grpc/Streams.Append.cs: required
 *   metadata, sizes counted the server's way (`Event.SizeOnDisk`: data + metadata + 2 × the type's
 *   length) against `MaxAppendEventSize` per event and `MaxAppendSize` per append, then the write;
 *   answers Success / WrongExpectedVersion, or statuses: a timeout is ABORTED "Operation timed out",
 *   NotReady is UNAVAILABLE, NotLeader is NOT_FOUND with `exception: not-leader` and the leader's
 *   host and port (RpcExceptions.cs).
 * - `Streams/BatchAppend` — src/KurrentDB.Core/Services/Transport/Grpc/Streams.BatchAppend.cs: one
 *   duplex call carries many appends by correlation id; the `requires-leader` header is read once,
 *   when the call opens. Errors are google.rpc.Status values in the response (WrongExpectedVersion,
 *   Timeout, MaximumAppendSizeExceeded, MaximumAppendEventSizeExceeded), "Server Is Not Ready" has
 *   an Empty detail (which client 6.2.1 maps to UnknownError, with no reconnection), and NotLeader
 *   fails the whole call with the not-leader trailers (every append pending on it fails).
 * - A cluster ({@link EventStoreDbStandIn.startCluster}): nodes share one log; a follower serves
 *   reads from its own, lagging copy, forwards writes to the leader, and refuses requests carrying
 *   `requires-leader: true` with NotLeader — src/KurrentDB.Core/Services/VNode/ClusterVNodeController.cs
 *   (`HandleAsNonLeader`, `DenyRequestBecauseNotLeader`). There is no gossip: a client connects to
 *   one node directly and follows NotLeader to the leader, as the client does.
 *
 * Not implemented: server-side filters (UNIMPLEMENTED), persistent subscriptions, deletes,
 * tombstones, ACLs, `$`-system streams other than `$$<stream>` metadata, gossip, elections.
 *
 * For tests it can inject faults: answer the next calls of a method with a status
 * ({@link failNext}); let a write land but lose or time out its answer ({@link loseNextAnswers});
 * hold replication so writes time out, stay unreadable and their retries are dropped
 * ({@link holdReplication}); lag a follower ({@link lag}); drop live subscriptions; stop and
 * restart on the same port with the data kept; let another writer in just before a commit
 * ({@link beforeNextCommit}).
 */
import * as grpc from '@grpc/grpc-js';
import {
  StandInLog,
  type ExpectedVersion,
  type LogRecord,
  type ProposedEvent,
  type StandInRecord,
} from './standin-log.js';
import { ReadService } from './standin-read.js';
import {
  featuresGrpc,
  featuresPb,
  nameOf,
  parseUuid,
  pb,
  requiresLeader,
  rpcError,
  shared,
  statusError,
  streamIdentifier,
  streamsGrpc,
  type AppendReq,
  type AppendResp,
  type BatchAppendReq,
  type BatchAppendResp,
  type ReadReq,
  type ReadResp,
  type RpcStatus,
} from './standin-wire.js';
import type * as StreamsPbModule from '@eventstore/db-client/generated/streams_pb.js';
import { DEFAULT_MAX_APPEND_SIZE, sizeOnDisk } from '../limits.js';

export type { StandInRecord } from './standin-log.js';

export { DEFAULT_MAX_APPEND_SIZE, sizeOnDisk } from '../limits.js';

/** What an append asked for, as logged by the stand-in (for tests of the adapter's requests). */
export interface StandInAppendRequest {
  readonly stream: string;
  /** `any`, `no_stream`, `stream_exists` or the exact revision. */
  readonly expected: 'any' | 'no_stream' | 'stream_exists' | bigint;
  readonly events: number;
  /** `Streams/Append` or `Streams/BatchAppend`. */
  readonly via: 'append' | 'batch-append';
  /** Whether the call carried `requires-leader: true`. */
  readonly requiresLeader: boolean;
}

/** A call as logged by the stand-in: which method, on which stream, with or without `requires-leader`. */
export interface StandInCall {
  readonly method: 'append' | 'batch-append' | 'read' | 'subscribe';
  readonly stream: string;
  readonly requiresLeader: boolean;
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

/** Options of {@link EventStoreDbStandIn.start} (and of every node of {@link EventStoreDbStandIn.startCluster}). */
export interface StandInOptions {
  /** Port to listen on (default 0: a random free port; a cluster's nodes always take random ports). */
  readonly port?: number;
  /** `MaxAppendSize`: bytes per append, counted as data + metadata + 2 × type length (default 1 MiB). */
  readonly maxAppendSize?: number;
  /** `MaxAppendEventSize`: the same per event (default: no limit, as the server's `int.MaxValue`). */
  readonly maxAppendEventSize?: number;
  /** Advertise methods in ServerFeatures, BatchAppend included (default true); false: UNIMPLEMENTED. */
  readonly serverFeatures?: boolean;
  /** The version ServerFeatures reports (default `24.10.0`). */
  readonly serverVersion?: string;
  /** `WriteTimeoutMs`: a write not replicated by then is answered with a timeout (default 2,000). */
  readonly writeTimeoutMs?: number;
  /** Capacity of the committed-events cache that `any` idempotency relies on (default 100,000 ids). */
  readonly idempotencyCacheSize?: number;
}

/** Call counters, for tests and benchmarks that count round trips. */
export interface StandInStats {
  /** Appends received (plain calls and BatchAppend requests). */
  appends: number;
  /** Of which through BatchAppend. */
  batchAppends: number;
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

/** How {@link EventStoreDbStandIn.loseNextAnswers} spoils the answer of a write that landed. */
export type LostAnswer = 'timeout' | 'unavailable';

/** The answer of a decided write, before it is put on the wire. */
type Outcome =
  | { readonly kind: 'success'; readonly current: bigint; readonly last: LogRecord | undefined }
  | { readonly kind: 'wrong-expected-version'; readonly current: bigint }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'not-leader' }
  | { readonly kind: 'not-ready' };

const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** A stand-in cluster: nodes sharing one log, one of them the leader. */
export interface StandInCluster {
  readonly nodes: readonly EventStoreDbStandIn[];
  readonly leader: EventStoreDbStandIn;
  readonly followers: readonly EventStoreDbStandIn[];
  /**
   * Make `node` the leader (the others follow), or none (`null`: an election in progress, when every
   * node answers writes and leader-only reads with NotReady); live subscriptions on nodes that
   * changed role are dropped.
   */
  elect(node: EventStoreDbStandIn | null): void;
  /** Stop every node. */
  stop(): Promise<void>;
}

/**
 * A stand-in node. Start one with {@link EventStoreDbStandIn.start} (a single-node cluster) or
 * several with {@link EventStoreDbStandIn.startCluster}; connect the real client with
 * `EventStoreDBClient.connectionString(node.connectionString)`.
 */
export class EventStoreDbStandIn {
  private server: grpc.Server | null = null;
  private portNumber: number;
  private readonly options: StandInOptions;
  private readonly failures = new Map<StandInMethod, Failure>();
  private readonly reads: ReadService;
  private lost: { as: LostAnswer; remaining: number } | null = null;
  private cluster: { nodes: EventStoreDbStandIn[]; leader: EventStoreDbStandIn | null };
  /** Every append request received, in order (the last 1,000). */
  readonly appendLog: StandInAppendRequest[] = [];
  /** Every call received, in order (the last 1,000). */
  readonly callLog: StandInCall[] = [];
  /**
   * Called once, then cleared, when the next append has been received in full and before it is
   * decided: lets a test make another writer get there first (see {@link write}).
   */
  beforeNextCommit: ((stream: string) => void) | null = null;
  /** Counters of calls served by this node (reset with {@link resetStats}). */
  readonly stats: StandInStats = {
    appends: 0,
    batchAppends: 0,
    reads: 0,
    subscriptions: 0,
    eventsWritten: 0,
    eventsSent: 0,
  };
  /** Records of the log a follower has not replicated yet (reads lag by this many; the leader ignores it). */
  lag = 0;

  private constructor(
    readonly log: StandInLog,
    options: StandInOptions,
  ) {
    this.options = options;
    this.portNumber = options.port ?? 0;
    this.cluster = { nodes: [this], leader: this };
    this.reads = new ReadService({
      log,
      visible: () => this.visible(),
      leaderRefusal: () => this.leaderRefusal(),
      takeFailure: (m) => this.takeFailure(m),
      count: (method, stream, leader) => {
        this.stats[method === 'read' ? 'reads' : 'subscriptions']++;
        this.logCall({ method, stream, requiresLeader: leader });
      },
      sent: (n) => {
        this.stats.eventsSent += n;
      },
    });
    log.onReplicated.add(() => this.reads.pumpAll());
  }

  /** Start a single stand-in node (its own leader) on 127.0.0.1 (random port unless given). */
  static async start(options: StandInOptions = {}): Promise<EventStoreDbStandIn> {
    const s = new EventStoreDbStandIn(new StandInLog(options.idempotencyCacheSize ?? 100_000), options);
    await s.listen();
    return s;
  }

  /** Start `nodes` (default 3) stand-in nodes sharing one log; the first is the leader. */
  static async startCluster(options: StandInOptions & { readonly nodes?: number } = {}): Promise<StandInCluster> {
    const log = new StandInLog(options.idempotencyCacheSize ?? 100_000);
    const nodes = Array.from(
      { length: options.nodes ?? 3 },
      () => new EventStoreDbStandIn(log, { ...options, port: 0 }),
    );
    const shared = { nodes, leader: nodes[0]! as EventStoreDbStandIn | null };
    for (const n of nodes) n.cluster = shared;
    await Promise.all(nodes.map((n) => n.listen()));
    return {
      nodes,
      get leader() {
        if (shared.leader === null) throw new Error('stand-in cluster: no leader (an election is in progress)');
        return shared.leader;
      },
      get followers() {
        return nodes.filter((n) => n !== shared.leader);
      },
      elect(node) {
        const before = shared.leader;
        shared.leader = node;
        for (const n of [before, node]) if (n !== null && n !== undefined) n.reads.dropAll(grpc.status.UNAVAILABLE);
      },
      async stop() {
        await Promise.all(nodes.map((n) => n.stop()));
      },
    };
  }

  /** The port it listens on. */
  get port(): number {
    return this.portNumber;
  }

  /** `esdb://127.0.0.1:<port>?tls=false` — the client connects to this node directly, without gossip. */
  get connectionString(): string {
    return `esdb://127.0.0.1:${this.portNumber}?tls=false`;
  }

  /** Whether this node is its cluster's leader. */
  get isLeader(): boolean {
    return this.cluster.leader === this;
  }

  /** The records of one stream, replicated or not (a copy of the list; for assertions in tests). */
  records(stream: string): readonly StandInRecord[] {
    return [...this.log.records(stream)];
  }

  /**
   * Run a scavenge (on the shared log, so on every node of a cluster): records hidden by `$tb` or
   * `$maxCount` lose their bytes and leave `$all` reads. Returns how many it removed.
   */
  scavenge(): number {
    return this.log.scavenge();
  }

  /** Every byte the log holds, data and metadata of every record (for tests that search it for values). */
  bytes(): Uint8Array {
    const parts = this.log.all.flatMap((r) => [Buffer.from(r.data), Buffer.from(r.customMetadata)]);
    return new Uint8Array(Buffer.concat(parts));
  }

  /** Number of records in `$all`. */
  get allCount(): number {
    return this.log.all.length;
  }

  /** Zero the call counters. */
  resetStats(): void {
    for (const k of Object.keys(this.stats) as Array<keyof StandInStats>) this.stats[k] = 0;
  }

  /**
   * Answer the next `count` calls of `method` with the status `code` (default UNAVAILABLE, as a
   * server going away does), before looking at their request. `metadata` goes into the trailers,
   * where the server puts its `exception`. For BatchAppend the whole call fails, as a dropped
   * connection does.
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

  /**
   * The next `count` appends that reach a decision are carried out as usual — a write lands — but
   * the answer is lost: `timeout` as the server's commit timeout answers it (plain Append: ABORTED;
   * BatchAppend: a Timeout status), `unavailable` as a connection that breaks before the answer
   * (for BatchAppend, the whole call).
   */
  loseNextAnswers(options: { as?: LostAnswer; count?: number } = {}): void {
    this.lost = { as: options.as ?? 'timeout', remaining: options.count ?? 1 };
  }

  /**
   * Stop replication (the followers do not acknowledge): writes from now on are in the leader's log
   * but unreadable, their callers are answered with a timeout after `writeTimeoutMs`, and a retry of
   * them before {@link releaseReplication} is dropped unanswered (and so times out too).
   */
  holdReplication(): void {
    this.log.hold();
  }

  /** Replicate what was held: the writes become readable, waiting callers get their success. */
  releaseReplication(): void {
    this.log.release();
  }

  /** End every live subscription on this node with `code` (default UNAVAILABLE); returns how many. */
  dropSubscriptions(code: grpc.status = grpc.status.UNAVAILABLE): number {
    return this.reads.dropAll(code);
  }

  /**
   * Append directly, as another client would with `any`, bypassing gRPC (for tests that need
   * another writer at an exact moment, or records no hoso writer would produce).
   */
  write(stream: string, events: readonly StandInEvent[]): void {
    this.log.write(
      stream,
      events.map((e) => ({
        id: e.id.toLowerCase(),
        type: e.type,
        contentType: e.contentType ?? 'application/octet-stream',
        data: e.data,
        customMetadata: e.customMetadata ?? new Uint8Array(0),
      })),
    );
    this.stats.eventsWritten += events.length;
  }

  /** Stop serving (connections are cut); the data is kept for {@link restart}. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    this.reads.clear();
    server.forceShutdown();
  }

  /** Serve again on the same port with the same data. */
  async restart(): Promise<void> {
    if (this.server !== null) await this.stop();
    await this.listen();
  }

  /** Records of the log this node has: all replicated ones on the leader, fewer on a lagging follower. */
  private visible(): number {
    return this.isLeader ? this.log.replicated : Math.max(0, this.log.replicated - this.lag);
  }

  /** NotLeader with the leader's address, NotReady without a leader, null on the leader. */
  private leaderRefusal(): grpc.ServiceError | null {
    if (this.isLeader) return null;
    const leader = this.cluster.leader;
    if (leader === null) return statusError(grpc.status.UNAVAILABLE, 'Server Is Not Ready');
    return statusError(grpc.status.NOT_FOUND, 'Leader info available', {
      exception: 'not-leader',
      'leader-endpoint-host': '127.0.0.1',
      'leader-endpoint-port': String(leader.port),
    });
  }

  private logCall(c: StandInCall): void {
    this.callLog.push(c);
    if (this.callLog.length > 1000) this.callLog.shift();
  }

  private async listen(): Promise<void> {
    const server = new grpc.Server();
    server.addService(streamsGrpc.StreamsService, {
      read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => this.reads.handle(call),
      append: (call: grpc.ServerReadableStream<AppendReq, AppendResp>, callback: grpc.sendUnaryData<AppendResp>) => {
        this.onAppend(call, callback);
      },
      batchAppend: (call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => this.onBatchAppend(call),
    });
    server.addService(featuresGrpc.ServerFeaturesService, {
      getSupportedMethods: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        if (this.options.serverFeatures === false) {
          callback(statusError(grpc.status.UNIMPLEMENTED, 'stand-in: server features not implemented'), null);
          return;
        }
        callback(null, this.supportedMethods());
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

  /** What ServerFeatures.cs reports: lowercase service and method names, with their features. */
  private supportedMethods(): InstanceType<typeof featuresPb.SupportedMethods> {
    const method = (service: string, name: string, features: string[] = []) =>
      new featuresPb.SupportedMethod().setServiceName(service).setMethodName(name).setFeaturesList(features);
    const streams = 'event_store.client.streams.streams';
    return new featuresPb.SupportedMethods()
      .setEventStoreServerVersion(this.options.serverVersion ?? '24.10.0')
      .setMethodsList([
        method(streams, 'read', ['position', 'events']),
        method(streams, 'append'),
        method(streams, 'batchappend', ['deadline_duration']),
        method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
      ]);
  }

  private takeFailure(method: StandInMethod): grpc.ServiceError | undefined {
    const f = this.failures.get(method);
    if (f === undefined) return undefined;
    f.remaining -= 1;
    if (f.remaining <= 0) this.failures.delete(method);
    return statusError(f.code, f.details, f.metadata);
  }

  private takeLost(): LostAnswer | undefined {
    const l = this.lost;
    if (l === null) return undefined;
    l.remaining -= 1;
    if (l.remaining <= 0) this.lost = null;
    return l.as;
  }

  private logAppend(
    stream: string,
    expected: ExpectedVersion,
    events: number,
    via: StandInAppendRequest['via'],
    leader: boolean,
  ) {
    this.stats.appends++;
    if (via === 'batch-append') this.stats.batchAppends++;
    this.appendLog.push({
      stream,
      expected: expected === -1n ? 'no_stream' : expected,
      events,
      via,
      requiresLeader: leader,
    });
    if (this.appendLog.length > 1000) this.appendLog.shift();
    this.logCall({ method: via, stream, requiresLeader: leader });
  }

  /**
   * Size limits as Streams.Append.cs / Streams.BatchAppend.cs apply them: each event against
   * `MaxAppendEventSize`, the running total against `MaxAppendSize`. Returns the violated limit.
   */
  private checkSizes(
    events: readonly ProposedEvent[],
  ):
    | { readonly kind: 'event'; readonly id: string; readonly size: number; readonly max: number }
    | { readonly kind: 'append'; readonly max: number }
    | null {
    const maxEvent = this.options.maxAppendEventSize ?? 0x7fffffff;
    const maxAppend = this.options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE;
    let total = 0;
    for (const e of events) {
      const size = sizeOnDisk(e.type, e.data, e.customMetadata);
      if (size > maxEvent) return { kind: 'event', id: e.id, size, max: maxEvent };
      total += size;
      if (total > maxAppend) return { kind: 'append', max: maxAppend };
    }
    return null;
  }

  /**
   * The write as the node carries it out, whatever the transport: a follower refuses it with
   * NotLeader when the call requires the leader and otherwise forwards it (the leader decides);
   * the commit check decides; a write waits for replication or times out; a dropped idempotent
   * retry is only ever answered by the timeout.
   */
  private async execute(
    stream: string,
    expected: ExpectedVersion,
    events: readonly ProposedEvent[],
    leaderRequired: boolean,
  ): Promise<Outcome> {
    if (!this.isLeader) {
      if (leaderRequired || this.cluster.leader === null)
        return this.cluster.leader === null ? { kind: 'not-ready' } : { kind: 'not-leader' };
    }
    const hook = this.beforeNextCommit;
    if (hook !== null) {
      this.beforeNextCommit = null;
      hook(stream);
    }
    const timeoutMs = this.options.writeTimeoutMs ?? 2000;
    const d = this.log.decide(
      stream,
      expected,
      events.map((e) => e.id),
    );
    let outcome: Outcome;
    switch (d.kind) {
      case 'wrong-expected-version':
        outcome = d;
        break;
      case 'idempotent':
        outcome = { kind: 'success', current: d.last.revision, last: d.last };
        break;
      case 'idempotent-not-ready':
        // StorageWriterService drops it; only the request manager's timeout answers.
        await new Promise((r) => setTimeout(r, timeoutMs));
        outcome = { kind: 'timeout' };
        break;
      case 'ok': {
        if (events.length === 0) {
          const recs = this.log.records(stream);
          outcome = { kind: 'success', current: BigInt(recs.length) - 1n, last: recs[recs.length - 1] };
          break;
        }
        const written = this.log.write(stream, events);
        this.stats.eventsWritten += written.length;
        const last = written[written.length - 1]!;
        const replicated = await this.log.whenReplicated(last.seq, timeoutMs);
        outcome = replicated ? { kind: 'success', current: last.revision, last } : { kind: 'timeout' };
        break;
      }
    }
    const lost = this.takeLost();
    return lost === undefined ? outcome : { kind: lost };
  }

  // ---------------------------------------------------------------- Append

  private onAppend(
    call: grpc.ServerReadableStream<AppendReq, AppendResp>,
    callback: grpc.sendUnaryData<AppendResp>,
  ): void {
    const failure = this.takeFailure('append');
    if (failure !== undefined) {
      this.stats.appends++;
      callback(failure, null);
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
      this.append(options, proposed, requiresLeader(call.metadata)).then(
        (resp) => callback(null, resp),
        (e: unknown) => callback(e as grpc.ServiceError, null),
      );
    });
  }

  private async append(
    options: StreamsPbModule.AppendReq.Options,
    proposed: StreamsPbModule.AppendReq.ProposedMessage[],
    leader: boolean,
  ): Promise<AppendResp> {
    const streamName = checkedStream(nameOf(options.getStreamIdentifier()));
    const Case = pb.AppendReq.Options.ExpectedStreamRevisionCase;
    const exp = options.getExpectedStreamRevisionCase();
    let expected: ExpectedVersion;
    if (exp === Case.REVISION) expected = checkedRevision(options.getRevision());
    else if (exp === Case.NO_STREAM) expected = -1n;
    else if (exp === Case.ANY) expected = 'any';
    else if (exp === Case.STREAM_EXISTS) expected = 'stream_exists';
    else throw statusError(grpc.status.INVALID_ARGUMENT, 'expected revision required');
    const events = proposed.map((m) =>
      proposedEvent(m.getId(), m.getMetadataMap(), m.getData_asU8(), m.getCustomMetadata_asU8()),
    );
    this.logAppend(streamName, expected, events.length, 'append', leader);
    const size = this.checkSizes(events);
    if (size?.kind === 'event') {
      throw statusError(
        grpc.status.INVALID_ARGUMENT,
        `Event with Id: ${size.id}, Size: ${size.size}, exceeds Maximum Append Event Size of ${size.max}.`,
        {
          exception: 'maximum-append-event-size-exceeded',
          'maximum-append-event-size': String(size.max),
          'event-id': size.id,
          'proposed-append-event-size': String(size.size),
        },
      );
    }
    if (size?.kind === 'append') {
      throw statusError(grpc.status.INVALID_ARGUMENT, `Maximum Append Size of ${size.max} Exceeded.`, {
        exception: 'maximum-append-size-exceeded',
        'maximum-append-size': String(size.max),
      });
    }
    const out = await this.execute(streamName, expected, events, leader);
    switch (out.kind) {
      case 'success': {
        const ok = new pb.AppendResp.Success();
        if (out.current < 0n) ok.setNoStream(new shared.Empty());
        else ok.setCurrentRevision(out.current.toString(10));
        if (out.last === undefined) ok.setNoPosition(new shared.Empty());
        else
          ok.setPosition(
            new pb.AppendResp.Position()
              .setCommitPosition(out.last.position.toString(10))
              .setPreparePosition(out.last.position.toString(10)),
          );
        return new pb.AppendResp().setSuccess(ok);
      }
      case 'wrong-expected-version': {
        const w = new pb.AppendResp.WrongExpectedVersion();
        if (out.current < 0n) w.setCurrentNoStream(new shared.Empty());
        else w.setCurrentRevision(out.current.toString(10));
        if (exp === Case.REVISION) w.setExpectedRevision(options.getRevision());
        else if (exp === Case.NO_STREAM) w.setExpectedNoStream(new shared.Empty());
        else if (exp === Case.STREAM_EXISTS) w.setExpectedStreamExists(new shared.Empty());
        else w.setExpectedAny(new shared.Empty());
        return new pb.AppendResp().setWrongExpectedVersion(w);
      }
      case 'timeout':
        throw statusError(grpc.status.ABORTED, 'Operation timed out: Commit timeout');
      case 'unavailable':
        throw statusError(grpc.status.UNAVAILABLE, 'stand-in: connection lost before the answer');
      case 'not-ready':
        throw statusError(grpc.status.UNAVAILABLE, 'Server Is Not Ready');
      case 'not-leader':
        throw this.leaderRefusal()!;
    }
  }

  // ---------------------------------------------------------------- BatchAppend

  private onBatchAppend(call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void {
    // Read once, when the call opens: every append on this call shares its headers.
    const leader = requiresLeader(call.metadata);
    const pending = new Map<
      string,
      { options: StreamsPbModule.BatchAppendReq.Options; events: ProposedEvent[]; stream: string }
    >();
    let inFlight = 0;
    let ended = false;
    let failed = false;
    const finish = () => {
      if (ended && inFlight === 0 && !failed) call.end();
    };
    const fail = (err: grpc.ServiceError) => {
      if (failed) return;
      failed = true;
      call.emit('error', err);
    };
    call.on('data', (req: BatchAppendReq) => {
      if (failed) return;
      const correlation = req.getCorrelationId();
      const key = parseUuid(correlation) ?? '';
      const respond = (r: BatchAppendResp) => {
        if (failed || call.cancelled) return;
        call.write(r.setCorrelationId(correlation));
      };
      const o = req.getOptions();
      if (o !== undefined && !pending.has(key)) {
        const name = nameOf(o.getStreamIdentifier());
        if (name === undefined || name === '') {
          respond(new pb.BatchAppendResp().setError(badRequest('Required field StreamIdentifier not set.')));
          return;
        }
        pending.set(key, { options: o, events: [], stream: name });
      }
      const w = pending.get(key);
      if (w === undefined) return;
      try {
        for (const m of req.getProposedMessagesList())
          w.events.push(proposedEvent(m.getId(), m.getMetadataMap(), m.getData_asU8(), m.getCustomMetadata_asU8()));
      } catch (e) {
        pending.delete(key);
        respond(new pb.BatchAppendResp().setError(badRequest((e as Error).message)));
        return;
      }
      const size = this.checkSizes(w.events);
      if (size !== null) {
        pending.delete(key);
        respond(
          new pb.BatchAppendResp().setStreamIdentifier(streamIdentifier(w.stream)).setError(
            size.kind === 'event'
              ? // Client 6.2.1 has no message of this type: only its name matters to the client.
                rpcError(
                  3,
                  'MaximumAppendEventSizeExceeded',
                  new Uint8Array(0),
                  'event_store.client.MaximumAppendEventSizeExceeded',
                )
              : rpcError(
                  3,
                  'MaximumAppendSizeExceeded',
                  new shared.MaximumAppendSizeExceeded().setMaxappendsize(size.max),
                  'event_store.client.MaximumAppendSizeExceeded',
                ),
          ),
        );
        return;
      }
      if (!req.getIsFinal()) return;
      pending.delete(key);
      // An injected failure breaks the whole call, as a dropped connection does.
      const failure = this.takeFailure('append');
      if (failure !== undefined) {
        this.stats.appends++;
        fail(failure);
        return;
      }
      inFlight++;
      void this.batchOne(w.stream, w.options, w.events, leader)
        .then(
          (resp) => respond(resp.setStreamIdentifier(streamIdentifier(w.stream))),
          (err: grpc.ServiceError) => fail(err),
        )
        .finally(() => {
          inFlight--;
          finish();
        });
    });
    call.on('end', () => {
      ended = true;
      finish();
    });
    call.on('error', () => {
      ended = true;
    });
  }

  /** One append of a BatchAppend call; a rejection fails the whole call (NotLeader, a lost connection). */
  private async batchOne(
    stream: string,
    options: StreamsPbModule.BatchAppendReq.Options,
    events: readonly ProposedEvent[],
    leader: boolean,
  ): Promise<BatchAppendResp> {
    const Case = pb.BatchAppendReq.Options.ExpectedStreamPositionCase;
    const exp = options.getExpectedStreamPositionCase();
    let expected: ExpectedVersion;
    if (exp === Case.STREAM_POSITION) expected = checkedRevision(options.getStreamPosition());
    else if (exp === Case.NO_STREAM) expected = -1n;
    else if (exp === Case.ANY) expected = 'any';
    else if (exp === Case.STREAM_EXISTS) expected = 'stream_exists';
    else return new pb.BatchAppendResp().setError(badRequest('expected stream position required'));
    this.logAppend(stream, expected, events.length, 'batch-append', leader);
    const out = await this.execute(stream, expected, events, leader);
    switch (out.kind) {
      case 'success': {
        const ok = new pb.BatchAppendResp.Success();
        if (out.current < 0n) ok.setNoStream(new shared.Empty());
        else ok.setCurrentRevision(out.current.toString(10));
        if (out.last === undefined) ok.setNoPosition(new shared.Empty());
        else
          ok.setPosition(
            new shared.AllStreamPosition()
              .setCommitPosition(out.last.position.toString(10))
              .setPreparePosition(out.last.position.toString(10)),
          );
        return new pb.BatchAppendResp().setSuccess(ok);
      }
      case 'wrong-expected-version': {
        const w = new shared.WrongExpectedVersion();
        if (out.current < 0n) w.setCurrentNoStream(new shared.Empty());
        else w.setCurrentStreamRevision(out.current.toString(10));
        if (typeof expected === 'bigint' && expected >= 0n) w.setExpectedStreamPosition(expected.toString(10));
        else if (expected === -1n) w.setExpectedNoStream(new shared.Empty());
        else if (expected === 'stream_exists') w.setExpectedStreamExists(new shared.Empty());
        else w.setExpectedAny(new shared.Empty());
        return new pb.BatchAppendResp().setError(
          rpcError(6, 'WrongExpectedVersion', w, 'event_store.client.WrongExpectedVersion'),
        );
      }
      case 'timeout':
        return new pb.BatchAppendResp().setError(
          rpcError(4, 'Timeout', new shared.Timeout(), 'event_store.client.Timeout'),
        );
      case 'not-ready':
        // Streams.BatchAppend.cs answers NotReady with an Empty detail and no code.
        return new pb.BatchAppendResp().setError(rpcError(0, 'Server Is Not Ready', null, ''));
      case 'unavailable':
        throw statusError(grpc.status.UNAVAILABLE, 'stand-in: connection lost before the answer');
      case 'not-leader':
        throw this.leaderRefusal()!;
    }
  }
}

function badRequest(message: string): RpcStatus {
  return rpcError(3, 'BadRequest', new shared.BadRequest().setMessage(message), 'event_store.client.BadRequest');
}

function checkedStream(name: string | undefined): string {
  if (name === undefined || name === '') throw statusError(grpc.status.INVALID_ARGUMENT, 'stream identifier required');
  // `$$<stream>` is a stream's metadata stream (setStreamMetadata); other `$` streams are the server's.
  if (name.startsWith('$') && !name.startsWith('$$'))
    throw statusError(grpc.status.UNIMPLEMENTED, 'stand-in: system streams not implemented');
  return name;
}

function checkedRevision(text: string): bigint {
  const r = BigInt(text);
  if (r < 0n || r > U64_MAX) throw statusError(grpc.status.INVALID_ARGUMENT, 'revision out of range');
  return r;
}

/** A proposed message, checked for the metadata the server requires (`type`, `content-type`). */
function proposedEvent(
  uuid: InstanceType<typeof shared.UUID> | undefined,
  md: { get(key: string): string | undefined },
  data: Uint8Array,
  customMetadata: Uint8Array,
): ProposedEvent {
  const id = parseUuid(uuid);
  if (id === undefined) throw statusError(grpc.status.INVALID_ARGUMENT, 'invalid event id');
  const type = md.get('type');
  const contentType = md.get('content-type');
  if (type === undefined || contentType === undefined) {
    throw statusError(
      grpc.status.INVALID_ARGUMENT,
      `Required Metadata Property '${type === undefined ? 'type' : 'content-type'}' is missing`,
      {
        exception: 'missing-required-metadata-property',
        'required-metadata-properties': 'type,content-type',
      },
    );
  }
  return { id, type, contentType, data, customMetadata };
}
