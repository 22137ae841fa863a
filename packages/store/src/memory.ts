import { left, right, isLeft, type Either } from 'fp-ts/lib/Either.js';
import {
  CompactRange,
  hosoError,
  treeConsistencyProof,
  treeInclusionProof,
  treeRoot,
  type NodeSource,
} from '@hoso/core';
import {
  checkConsistencyArgs,
  checkInclusionArgs,
  checkTreeSize,
  resolveReadRange,
  resolveStreamRange,
  storeClosed,
} from './args.js';
import { checkExpected, decodeBatch, planAppend, planChunk, PendingEvents, type LedgerView } from './batch.js';
import type {
  AppendOptions,
  AppendResult,
  AppendSession,
  EventBytes,
  EventStore,
  ReadRange,
  StoreError,
  StoredEvent,
  StreamHead,
  StreamRange,
  Subscription,
} from './contract.js';
import { AppendSignal, createSubscription } from './subscription.js';

/**
 * The in-memory {@link EventStore}: many ledgers in one process, nothing persisted. It is the
 * reference the conformance suite is written against and the store for tests and demos.
 */

interface MemoryLedger {
  readonly events: StoredEvent[];
  readonly byId: Map<string, number>;
  /** Positions of each stream's events, by revision. */
  readonly streams: Map<string, number[]>;
  /** Stored subtree hashes by level (level ≥ 1); level 0 is each event's leaf hash. */
  readonly nodes: Uint8Array[][];
  readonly range: CompactRange;
  readonly signal: AppendSignal;
}

/** A copy, so no caller can change stored bytes through a returned event. */
function copyOut(e: StoredEvent): StoredEvent {
  return { ...e, bytes: new Uint8Array(e.bytes), leafHash: new Uint8Array(e.leafHash) };
}

/** Events per batch of `readBytes`. */
const BYTES_BATCH = 512;

/** Create an empty in-memory store holding any number of ledgers. */
export function createMemoryStore(): EventStore {
  const ledgers = new Map<string, MemoryLedger>();
  const subscriptions = new Set<Subscription>();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) storeClosed('memory');
  };
  /** The ledger's state, created empty on first use (appends and subscriptions need one). */
  const ledgerFor = (ledger: string): MemoryLedger => {
    let l = ledgers.get(ledger);
    if (l === undefined) {
      l = {
        events: [],
        byId: new Map(),
        streams: new Map(),
        nodes: [[]],
        range: CompactRange.empty(),
        signal: new AppendSignal(),
      };
      ledgers.set(ledger, l);
    }
    return l;
  };
  const nodeSource = (l: MemoryLedger | undefined): NodeSource => ({
    node(level, index) {
      const h = level === 0 ? l?.events[index]?.leafHash : l?.nodes[level]?.[index];
      // Plans only name complete subtrees inside the checked size, so a miss is a store bug.
      if (h === undefined) throw new Error(`memory store: no Merkle node at level ${level}, index ${index}`);
      return h.slice();
    },
  });

  /** The ledger as an append is decided against it. */
  const viewOf = (ledger: string): LedgerView => {
    const existing = ledgers.get(ledger);
    return {
      size: existing?.events.length ?? 0,
      byId(id) {
        const p = existing?.byId.get(id);
        return p === undefined ? null : { position: p, bytes: existing!.events[p]!.bytes };
      },
      head(stream) {
        const positions = existing?.streams.get(stream);
        const last = positions?.[positions.length - 1];
        if (last === undefined) return null;
        const e = existing!.events[last]!;
        return { rev: e.rev, leafHash: e.leafHash };
      },
    };
  };

  /**
   * Chunks are checked against the ledger and the chunks before them and kept aside; `commit`
   * appends them as one batch, so another append that came between is a `concurrency-conflict`.
   */
  async function beginAppend(ledger: string, options: AppendOptions): Promise<Either<StoreError, AppendSession>> {
    if (closed) return left(hosoError('store-closed', 'the memory store is closed', { rule: 'store-open' }));
    const from = ledgers.get(ledger)?.events.length ?? 0;
    const refused = checkExpected(options?.expected, from);
    if (refused !== null) return left(refused);
    const pending = new PendingEvents(viewOf(ledger));
    const kept: Uint8Array[] = [];
    let open = true;
    return right({
      from,
      async chunk(events) {
        if (!open)
          return left(hosoError('invalid-argument', 'this append session has ended', { rule: 'session-open' }));
        const batch = decodeBatch(ledger, events);
        const plan = isLeft(batch) ? batch : planChunk(batch.right, from + pending.size, pending.view());
        if (isLeft(plan)) {
          open = false;
          return plan;
        }
        pending.add(plan.right.events);
        for (const e of plan.right.events) kept.push(e.bytes);
        return right({ from: plan.right.from, size: plan.right.size });
      },
      async commit() {
        if (!open)
          return left(hosoError('invalid-argument', 'this append session has ended', { rule: 'session-open' }));
        open = false;
        if (kept.length === 0) return right({ from, size: from, written: 0 });
        return append(ledger, kept, { expected: from });
      },
      async abort() {
        open = false;
        kept.length = 0;
      },
    });
  }

  async function append(
    ledger: string,
    events: readonly Uint8Array[],
    options: AppendOptions,
  ): Promise<Either<StoreError, AppendResult>> {
    if (closed) return left(hosoError('store-closed', 'the memory store is closed', { rule: 'store-open' }));
    if (typeof ledger !== 'string' || ledger === '') {
      return left(
        hosoError('invalid-argument', 'ledger must be a non-empty string', { path: ['ledger'], rule: 'ledger-id' }),
      );
    }
    const batch = decodeBatch(ledger, events);
    if (isLeft(batch)) return batch;
    const plan = planAppend(batch.right, options?.expected, viewOf(ledger));
    if (isLeft(plan)) return plan;
    const p = plan.right;
    if (p.kind === 'stored') return right({ from: p.from, size: p.size, written: 0 });
    // Everything below is synchronous: no other append can interleave, so the batch lands whole.
    const l = ledgerFor(ledger);
    for (const e of p.events) {
      l.events.push({
        position: e.position,
        id: e.id,
        stream: e.stream,
        rev: e.rev,
        type: e.type,
        bytes: e.bytes,
        leafHash: e.leafHash,
      });
      l.byId.set(e.id, e.position);
      let positions = l.streams.get(e.stream);
      if (positions === undefined) l.streams.set(e.stream, (positions = []));
      positions.push(e.position);
      for (const n of l.range.append(e.leafHash)) {
        if (n.id.level === 0) continue;
        let level = l.nodes[n.id.level];
        if (level === undefined) l.nodes[n.id.level] = level = [];
        level[n.id.index] = n.hash;
      }
    }
    l.signal.notify();
    return right({ from: p.from, size: p.size, written: p.events.length });
  }

  async function* read(ledger: string, range?: ReadRange): AsyncGenerator<StoredEvent> {
    ensureOpen();
    const l = ledgers.get(ledger);
    const { from, to } = resolveReadRange(range, l?.events.length ?? 0);
    for (let p = from; p < to; p++) {
      ensureOpen();
      yield copyOut(l!.events[p]!);
    }
  }

  async function* readBytes(ledger: string, range?: ReadRange): AsyncGenerator<readonly EventBytes[]> {
    ensureOpen();
    const l = ledgers.get(ledger);
    const { from, to } = resolveReadRange(range, l?.events.length ?? 0);
    for (let p = from; p < to; p += BYTES_BATCH) {
      ensureOpen();
      const end = Math.min(to, p + BYTES_BATCH);
      const batch: EventBytes[] = new Array<EventBytes>(end - p);
      for (let q = p; q < end; q++) batch[q - p] = { position: q, bytes: new Uint8Array(l!.events[q]!.bytes) };
      yield batch;
    }
  }

  async function* readStream(ledger: string, stream: string, range?: StreamRange): AsyncGenerator<StoredEvent> {
    ensureOpen();
    const { fromRev, toRev } = resolveStreamRange(range);
    const l = ledgers.get(ledger);
    const positions = l?.streams.get(stream) ?? [];
    const end = Math.min(toRev, positions.length);
    for (let r = fromRev; r < end; r++) {
      ensureOpen();
      yield copyOut(l!.events[positions[r]!]!);
    }
  }

  const store: EventStore = {
    kind: 'memory',
    append,
    beginAppend,
    async size(ledger) {
      ensureOpen();
      return ledgers.get(ledger)?.events.length ?? 0;
    },
    read,
    readBytes,
    readStream,
    async streamHead(ledger, stream): Promise<StreamHead | null> {
      ensureOpen();
      const l = ledgers.get(ledger);
      const positions = l?.streams.get(stream);
      const last = positions?.[positions.length - 1];
      if (l === undefined || last === undefined) return null;
      const e = l.events[last]!;
      return { rev: e.rev, position: e.position, leafHash: new Uint8Array(e.leafHash) };
    },
    async getById(ledger, id) {
      ensureOpen();
      const l = ledgers.get(ledger);
      const p = l?.byId.get(id);
      return p === undefined ? null : copyOut(l!.events[p]!);
    },
    subscribe(ledger, options) {
      const sub: Subscription = createSubscription({
        from: options?.from ?? 0,
        signal: ledgerFor(ledger).signal,
        check: () => {
          ensureOpen();
          if (options?.from !== undefined) resolveReadRange({ from: options.from }, 0);
        },
        fetch: (position, limit) => {
          ensureOpen();
          const l = ledgers.get(ledger)!;
          return l.events.slice(position, position + limit).map(copyOut);
        },
        onClose: () => subscriptions.delete(sub),
      });
      subscriptions.add(sub);
      return sub;
    },
    async root(ledger, size) {
      ensureOpen();
      const l = ledgers.get(ledger);
      const ledgerSize = l?.events.length ?? 0;
      const n = size === undefined ? ledgerSize : checkTreeSize(size, ledgerSize);
      return treeRoot(n, nodeSource(l));
    },
    async inclusionProof(ledger, index, size) {
      ensureOpen();
      const l = ledgers.get(ledger);
      const a = checkInclusionArgs(index, size, l?.events.length ?? 0);
      return treeInclusionProof(a.index, a.size, nodeSource(l));
    },
    async consistencyProof(ledger, m, n) {
      ensureOpen();
      const l = ledgers.get(ledger);
      const a = checkConsistencyArgs(m, n, l?.events.length ?? 0);
      return treeConsistencyProof(a.m, a.n, nodeSource(l));
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.close()));
      ledgers.clear();
    },
  };
  return store;
}
