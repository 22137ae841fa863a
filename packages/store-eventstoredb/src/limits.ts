import { hosoError, type HosoError } from '@hoso/core';

/**
 * The server's append limits, counted the server's way, so that a batch the server would refuse is
 * refused here — with the field and the rule, and nothing sent — and snapshot chunks are cut to fit.
 *
 * EventStoreDB / KurrentDB count an event as `Event.SizeOnDisk`: data bytes + metadata bytes + 2 ×
 * the length of the event type (src/KurrentDB.Core/Data/Event.cs in github.com/kurrent-io/KurrentDB),
 * and check each event against `MaxAppendEventSize` (default: no limit) and the running sum over
 * the append against `MaxAppendSize` (default 1 MiB, at most 16 MiB) —
 * src/KurrentDB.Core/Services/Transport/Grpc/Streams.Append.cs and Streams.BatchAppend.cs, the v1
 * protocol that `@eventstore/db-client` speaks, in every server version it supports. (The larger
 * limits of newer servers — a chunk, 256 MiB, per append — belong to their v2 append API, which
 * this client does not use.) Both are server settings: give the adapter the values your servers
 * run with (docs/eventstoredb.md, "Size limits").
 */
export interface ServerLimits {
  /** The server's `MaxAppendSize` in bytes (default 1,048,576; 1,024 to 16,777,216). */
  readonly maxAppendSize?: number;
  /** The server's `MaxAppendEventSize` in bytes (default: `maxAppendSize`, since no event can exceed it). */
  readonly maxAppendEventSize?: number;
}

/** The default `MaxAppendSize` of every server version the adapter supports (1 MiB). */
export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;

/** The largest `MaxAppendSize` a server accepts (16 MiB). */
export const MAX_MAX_APPEND_SIZE = 16 * 1024 * 1024;

/** Limits with their defaults filled in. */
export interface Limits {
  readonly maxAppendSize: number;
  readonly maxAppendEventSize: number;
}

export function resolveLimits(l: ServerLimits | undefined): Limits {
  const maxAppendSize = l?.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE;
  return { maxAppendSize, maxAppendEventSize: Math.min(l?.maxAppendEventSize ?? maxAppendSize, maxAppendSize) };
}

/** `Event.SizeOnDisk`: data + metadata + 2 × type length (the type's UTF-16 length, as .NET counts it). */
export function sizeOnDisk(type: string, data: Uint8Array, metadata: Uint8Array): number {
  return data.length + metadata.length + 2 * type.length;
}

/**
 * `invalid-event` for a batch the server would refuse by size (the first event over
 * `maxAppendEventSize`, or the whole batch over `maxAppendSize`), or undefined.
 */
export function checkBatchSize(
  events: ReadonlyArray<{ readonly type: string; readonly data: Uint8Array; readonly metadata: Uint8Array }>,
  limits: Limits,
): HosoError<'invalid-event'> | undefined {
  let total = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const size = sizeOnDisk(e.type, e.data, e.metadata);
    if (size > limits.maxAppendEventSize) {
      return hosoError(
        'invalid-event',
        `event ${i} is ${size} bytes as the server counts it (data + metadata + 2 × type length), over its maximum event size of ${limits.maxAppendEventSize}`,
        {
          path: ['events', i],
          rule: 'esdb-max-event-size',
          details: { size, maxAppendEventSize: limits.maxAppendEventSize },
        },
      );
    }
    total += size;
  }
  if (total > limits.maxAppendSize) {
    return hosoError(
      'invalid-event',
      `the batch is ${total} bytes as the server counts it (data + metadata + 2 × type length), over its maximum append size of ${limits.maxAppendSize}; split it`,
      { path: ['events'], rule: 'esdb-max-append-size', details: { size: total, maxAppendSize: limits.maxAppendSize } },
    );
  }
  return undefined;
}
