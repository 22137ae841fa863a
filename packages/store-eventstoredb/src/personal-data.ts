/**
 * The personal-data store on EventStoreDB / KurrentDB (docs/personal-data.md §7): the openings of
 * the commitments a ledger's events sign, kept outside the ledger's stream so that they can be
 * erased while the ledger stays whole.
 *
 * - One stream per pupil, `hoso-pd-<ledger>/<pupil>` (both parts URI-encoded, so two ledgers or two
 *   pupils never share a name), holding `hoso.pd.openings` events. A pupil's openings leave with
 *   the pupil: an erasure moves the stream's `$tb` (truncate before) past its last event, so no read
 *   returns them from then on and the server's next scavenge removes them from its files. A ledger
 *   stream's events are never deleted; a pupil stream is deleted whole.
 * - One directory stream per ledger, `hoso-pd-<ledger>`, of `hoso.pd.written` pointers
 *   (`{ subject }`): how a process finds the pupils' streams and what another writer added since.
 *   It holds school codes (the pseudonyms every mark keeps), never a value.
 *
 * EventStoreDB has no transaction across streams, so the order carries the guarantee instead of a
 * transaction: openings are written *before* the ledger append that commits to them
 * (`beforeAppend`), so an appended commitment never lacks its opening; if that append then fails,
 * the openings written open no signed commitment and nothing shows them (the readers match by
 * commitment). An erasure is carried out *after* its `PersonalDataErased` is appended; if that
 * does not finish (the server unreachable), the next append or `openLedger`'s `reconcile` does it.
 *
 * Every call carries `requires-leader` (see `calls.ts`): a follower's lagging copy could otherwise
 * show a pupil as not yet erased.
 */
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  StreamNotFoundError,
  jsonEvent,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { bytesEqual, fromBase64Url, sha256, toBase64Url, utf8, uuidText } from '@hoso/core';
import { LEADER, onLeader } from './calls.js';
import { readMetadata, updateMetadata } from './metadata.js';

/** One opening (the shape of `Opening` in @hoso/ledger; structural, so this package need not depend on it). */
export interface EsdbPersonalRow {
  readonly subject: string;
  readonly field: string;
  /** 64 lowercase hex digits, as the event signs it. */
  readonly commitment: string;
  readonly salt: Uint8Array;
  readonly value: string;
}

/** An event as the ledger hands it to a personal-data store. */
export interface EsdbPersonalEvent {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
}

/** What the erasures carried out so far left: pupils whose streams could not be truncated yet, and the scavenge. */
export interface EsdbPurge {
  /** Pupils whose streams were truncated by the last erasure. */
  readonly truncated: readonly string[];
  /** Pupils whose streams could not be truncated yet (retried by the next append and by `reconcile`). */
  readonly pending: readonly string[];
  /**
   * `required` once a stream was truncated: the server keeps the events in its chunk files until a
   * scavenge runs on every node (docs/personal-data.md §7).
   */
  readonly scavenge: 'required' | 'nothing-to-do';
}

/** The EventStoreDB personal-data store: give it to `openLedger({ personalData })`. */
export interface EventStoreDbPersonalData {
  openings(subject: string): readonly EsdbPersonalRow[];
  staged(eventId: string): readonly EsdbPersonalRow[] | undefined;
  stage(eventId: string, openings: readonly EsdbPersonalRow[]): void;
  discard(eventIds: Iterable<string>): void;
  beforeAppend(events: readonly EsdbPersonalEvent[]): Promise<{ readonly message: string } | null>;
  afterAppend(events: readonly EsdbPersonalEvent[]): Promise<void>;
  reconcile(erased: readonly string[]): Promise<void>;
  /** Read what other writers added since this store was opened or last refreshed. */
  refresh(): Promise<void>;
  /** What the last erasure left to do, or null before any. */
  lastPurge(): EsdbPurge | null;
  /** How many openings this process holds (for reports and tests). */
  count(): number;
  /** The stream that holds `subject`'s openings. */
  streamOf(subject: string): string;
}

/** Options of {@link openEventStoreDbPersonalData}. */
export interface EventStoreDbPersonalDataOptions {
  /** The client (the caller owns it; the same one the ledger's store uses is fine). */
  readonly client: EventStoreDBClient;
  /** The ledger whose openings these are. */
  readonly ledger: string;
  /** Pupil streams read at once when opening (default 8). */
  readonly concurrency?: number;
}

const OPENINGS_TYPE = 'hoso.pd.openings';
const POINTER_TYPE = 'hoso.pd.written';
const ID_DOMAIN = utf8('hoso-esdb-pd-id/1\n');

/** `hoso-pd-<ledger>`: the ledger's directory of pupils with openings. */
export function personalDirectoryStreamName(ledger: string): string {
  return `hoso-pd-${encodeURIComponent(ledger)}`;
}

/** `hoso-pd-<ledger>/<pupil>`: one pupil's openings. */
export function personalStreamName(ledger: string, subject: string): string {
  return `${personalDirectoryStreamName(ledger)}/${encodeURIComponent(subject)}`;
}

/**
 * A UUID version 8 from the ledger event's id and the pupil: the same openings written again (a
 * retried append) carry the same id, which the server recognises as the same write.
 */
function writeId(kind: string, eventId: string, subject: string): string {
  const h = sha256(ID_DOMAIN, utf8(kind), utf8('\n'), utf8(eventId), utf8('\n'), utf8(subject));
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const dv = new DataView(h.buffer, h.byteOffset, 16);
  return uuidText([dv.getUint32(0), dv.getUint32(4), dv.getUint32(8), dv.getUint32(12)]);
}

/** The pupils a `PersonalDataErased` payload names (structural, as the SQLite store reads it). */
function erasedBy(e: EsdbPersonalEvent): readonly string[] {
  if (e.type !== 'PersonalDataErased') return [];
  const students = (e.data as { students?: unknown } | null)?.students;
  return Array.isArray(students) ? students.filter((s): s is string => typeof s === 'string') : [];
}

interface StoredOpenings {
  readonly event: string;
  readonly openings: readonly { field: string; commitment: string; salt: string; value: string }[];
}

function parseOpenings(subject: string, data: unknown): EsdbPersonalRow[] {
  const d = data as Partial<StoredOpenings> | null;
  if (d === null || typeof d !== 'object' || !Array.isArray(d.openings)) return [];
  const out: EsdbPersonalRow[] = [];
  for (const o of d.openings as unknown[]) {
    const r = o as Partial<StoredOpenings['openings'][number]> | null;
    if (r === null || typeof r !== 'object') continue;
    if (typeof r.field !== 'string' || typeof r.commitment !== 'string') continue;
    if (typeof r.salt !== 'string' || typeof r.value !== 'string') continue;
    const salt = fromBase64Url(r.salt);
    if (salt === undefined) continue;
    out.push({ subject, field: r.field, commitment: r.commitment, salt, value: r.value });
  }
  return out;
}

/**
 * Open the personal-data store of `ledger`: reads the directory and every pupil's stream (from the
 * leader), so `openings()` answers from memory as the ledger's readers need. Throws the client's
 * error when the server cannot be reached.
 */
export async function openEventStoreDbPersonalData(
  options: EventStoreDbPersonalDataOptions,
): Promise<EventStoreDbPersonalData> {
  const { client, ledger } = options;
  const directory = personalDirectoryStreamName(ledger);
  const streamOf = (subject: string) => personalStreamName(ledger, subject);
  const bySubject = new Map<string, EsdbPersonalRow[]>();
  /** Per pupil stream: the next revision to read. */
  const readUpTo = new Map<string, bigint>();
  let directoryNext = 0n;
  const pending = new Map<string, readonly EsdbPersonalRow[]>();
  /** Erased pupils whose streams still need truncating. */
  const toTruncate = new Set<string>();
  const erased = new Set<string>();
  let purge: EsdbPurge | null = null;

  const keep = (rows: readonly EsdbPersonalRow[]) => {
    for (const r of rows) {
      if (erased.has(r.subject)) continue;
      const list = bySubject.get(r.subject) ?? [];
      // A retried write, read back twice, is one opening.
      if (!list.some((x) => x.commitment === r.commitment && bytesEqual(x.salt, r.salt))) list.push(r);
      bySubject.set(r.subject, list);
    }
  };

  async function readPupil(subject: string): Promise<void> {
    const stream = streamOf(subject);
    const from = readUpTo.get(subject) ?? 0n;
    await onLeader(async () => {
      let next = from;
      try {
        for await (const r of client.readStream(stream, { fromRevision: from, direction: FORWARDS, ...LEADER })) {
          const ev = r.event;
          if (ev === undefined) continue;
          next = ev.revision + 1n;
          if (ev.type === OPENINGS_TYPE) keep(parseOpenings(subject, ev.data));
        }
      } catch (err) {
        if (!(err instanceof StreamNotFoundError)) throw err;
      }
      readUpTo.set(subject, next);
    });
  }

  async function refresh(): Promise<void> {
    const touched = new Set<string>();
    await onLeader(async () => {
      let next = directoryNext;
      try {
        for await (const r of client.readStream(directory, {
          fromRevision: directoryNext,
          direction: FORWARDS,
          ...LEADER,
        })) {
          const ev = r.event;
          if (ev === undefined) continue;
          next = ev.revision + 1n;
          const s = (ev.data as { subject?: unknown } | null)?.subject;
          if (ev.type === POINTER_TYPE && typeof s === 'string') touched.add(s);
        }
      } catch (err) {
        if (!(err instanceof StreamNotFoundError)) throw err;
      }
      directoryNext = next;
    });
    const subjects = [...touched].filter((s) => !erased.has(s));
    const width = Math.max(1, options.concurrency ?? 8);
    for (let i = 0; i < subjects.length; i += width) await Promise.all(subjects.slice(i, i + width).map(readPupil));
  }

  /** Truncate every pupil stream waiting for it; what fails stays waiting. */
  async function truncatePending(): Promise<void> {
    if (toTruncate.size === 0) return;
    const done: string[] = [];
    for (const subject of [...toTruncate]) {
      const stream = streamOf(subject);
      try {
        const last = await lastRevision(stream);
        if (last !== null) {
          const meta = await readMetadata(client, stream);
          await updateMetadata(client, stream, meta, (m) =>
            m.truncateBefore <= Number(last) ? { $tb: Number(last) + 1 } : null,
          );
        }
        toTruncate.delete(subject);
        done.push(subject);
      } catch {
        // Kept in `toTruncate`: the next append or reconcile tries again, and `lastPurge` says so.
      }
    }
    purge = {
      truncated: done,
      pending: [...toTruncate],
      scavenge: done.length > 0 || purge?.scavenge === 'required' ? 'required' : 'nothing-to-do',
    };
  }

  async function lastRevision(stream: string): Promise<bigint | null> {
    return onLeader(async () => {
      let last: bigint | null = null;
      try {
        // Read to the end (one event), never leaving the loop early: an abandoned read keeps its
        // gRPC call open and the client's dispose() waits for it for ever (see physical.ts).
        for await (const r of client.readStream(stream, {
          fromRevision: END,
          direction: BACKWARDS,
          maxCount: 1,
          ...LEADER,
        })) {
          if (r.event !== undefined) last = r.event.revision;
        }
      } catch (err) {
        if (!(err instanceof StreamNotFoundError)) throw err;
      }
      return last;
    });
  }

  function erase(subjects: readonly string[]): void {
    for (const s of subjects) {
      erased.add(s);
      bySubject.delete(s);
      toTruncate.add(s);
    }
  }

  await refresh();

  return {
    openings: (subject) => bySubject.get(subject) ?? [],
    staged: (id) => pending.get(id),
    stage(id, openings) {
      pending.set(id, openings);
    },
    discard(ids) {
      for (const id of ids) pending.delete(id);
    },
    async beforeAppend(events) {
      const perSubject = new Map<string, { event: string; rows: EsdbPersonalRow[] }[]>();
      for (const e of events) {
        const rows = pending.get(e.id);
        if (rows === undefined) continue;
        const bySub = new Map<string, EsdbPersonalRow[]>();
        for (const r of rows) bySub.set(r.subject, [...(bySub.get(r.subject) ?? []), r]);
        for (const [subject, rs] of bySub) {
          const list = perSubject.get(subject) ?? [];
          list.push({ event: e.id, rows: rs });
          perSubject.set(subject, list);
        }
      }
      if (perSubject.size === 0) return null;
      try {
        await Promise.all(
          [...perSubject].map(([subject, writes]) =>
            onLeader(() =>
              client.appendToStream(
                streamOf(subject),
                writes.map((w) =>
                  jsonEvent({
                    id: writeId('openings', w.event, subject),
                    type: OPENINGS_TYPE,
                    data: {
                      event: w.event,
                      openings: w.rows.map((r) => ({
                        field: r.field,
                        commitment: r.commitment,
                        salt: toBase64Url(r.salt),
                        value: r.value,
                      })),
                    },
                  }),
                ),
                { expectedRevision: ANY, ...LEADER },
              ),
            ),
          ),
        );
        // The pointers after the openings: a reader that finds a pointer finds what it points at.
        await onLeader(() =>
          client.appendToStream(
            directory,
            [...perSubject].map(([subject, writes]) =>
              jsonEvent({
                id: writeId('pointer', writes[0]!.event, subject),
                type: POINTER_TYPE,
                data: { subject },
              }),
            ),
            { expectedRevision: ANY, ...LEADER },
          ),
        );
      } catch (err) {
        return { message: err instanceof Error ? err.message : String(err) };
      }
      return null;
    },
    async afterAppend(events) {
      for (const e of events) {
        const rows = pending.get(e.id);
        if (rows !== undefined) {
          keep(rows);
          pending.delete(e.id);
        }
        erase(erasedBy(e));
      }
      await truncatePending();
    },
    async reconcile(names) {
      // Only pupils this process still sees openings of need their streams truncated: a stream whose
      // events are hidden already (the erasing writer truncated it) shows none.
      for (const s of names) {
        if (erased.has(s)) continue;
        erased.add(s);
        if (bySubject.delete(s)) toTruncate.add(s);
      }
      await truncatePending();
    },
    refresh,
    lastPurge: () => purge,
    count: () => [...bySubject.values()].reduce((n, l) => n + l.length, 0),
    streamOf,
  };
}
