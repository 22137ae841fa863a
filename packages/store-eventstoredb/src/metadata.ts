/**
 * A stream's metadata (`$$<stream>`), read and changed the way the server wants it: read directly,
 * and written at the metastream revision read, every field the adapter does not own (`$acl`, a
 * custom field) kept. Used for the snapshot side stream's `$tb`/`$maxCount` and for the
 * personal-data streams' `$tb` (erasure).
 */
import {
  BACKWARDS,
  END,
  NO_STREAM,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { LEADER, onLeader } from './calls.js';

/** A stream's metadata as stored (raw `$`-keys, other fields kept), and its metastream revision. */
export interface StreamMetadata {
  readonly revision: bigint | null;
  readonly raw: Record<string, unknown>;
  readonly truncateBefore: number;
  readonly maxCount: number | undefined;
}

export function readMetadata(client: EventStoreDBClient, stream: string): Promise<StreamMetadata> {
  // Read directly rather than with getStreamMetadata, whose `metastreamRevision` (client 6.2.1) is
  // the commit position, not the revision an expected-revision write needs.
  return onLeader(async () => {
    let revision: bigint | null = null;
    let raw: Record<string, unknown> = {};
    try {
      for await (const r of client.readStream(`$$${stream}`, {
        fromRevision: END,
        direction: BACKWARDS,
        maxCount: 1,
        ...LEADER,
      })) {
        const ev = r.event;
        if (ev === undefined) continue;
        revision = ev.revision;
        raw = metadataObject(ev.isJson ? ev.data : ev.data instanceof Uint8Array ? ev.data : undefined);
      }
    } catch (err) {
      if (!(err instanceof StreamNotFoundError)) throw err;
    }
    return parsedMetadata(revision, raw);
  });
}

/**
 * The stored metadata as an object (JSON, or its UTF-8 bytes). Bytes that are not JSON throw: the
 * adapter never writes over metadata it cannot read, whose fields (an ACL) it would lose.
 */
function metadataObject(data: unknown): Record<string, unknown> {
  const d: unknown = data instanceof Uint8Array ? JSON.parse(Buffer.from(data).toString('utf8')) : data;
  return typeof d === 'object' && d !== null && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
}

function parsedMetadata(revision: bigint | null, raw: Record<string, unknown>): StreamMetadata {
  const nat = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  return {
    revision,
    raw,
    truncateBefore: nat(raw['$tb']) ? raw['$tb'] : 0,
    maxCount: nat(raw['$maxCount']) ? raw['$maxCount'] : undefined,
  };
}

/**
 * Write metadata `changes` over what is stored (every other field, `$acl` included, kept), at the
 * metastream revision read: a concurrent change makes this fail with WrongExpectedVersion rather
 * than be overwritten, and it is then read again and redone once.
 */
export async function updateMetadata(
  client: EventStoreDBClient,
  stream: string,
  meta: StreamMetadata,
  changes: (m: StreamMetadata) => Record<string, unknown> | null,
): Promise<StreamMetadata> {
  let m = meta;
  for (let attempt = 0; ; attempt++) {
    const c = changes(m);
    if (c === null) return m;
    const raw = { ...m.raw, ...c };
    try {
      // At an expected revision: repeated after NotLeader, a write that did land fails as
      // WrongExpectedVersion and is then read back and found done.
      await onLeader(() =>
        client.setStreamMetadata(stream, raw, {
          expectedRevision: m.revision === null ? NO_STREAM : m.revision,
          ...LEADER,
        }),
      );
      return parsedMetadata((m.revision ?? -1n) + 1n, raw);
    } catch (err) {
      if (!(err instanceof WrongExpectedVersionError) || attempt > 0) throw err;
      m = await readMetadata(client, stream);
    }
  }
}
