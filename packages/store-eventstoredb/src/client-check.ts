import { createRequire } from 'node:module';
import { hosoError, HosoFailure } from '@hoso/core';
import { EventStoreDBClient } from '@eventstore/db-client';

/**
 * Which database client the adapter accepts. It relies on the exact behaviour of
 * `@eventstore/db-client` 6.x from 6.2.1 — `expectedRevision` on appends, the `requires-leader`
 * header, BatchAppend through ServerFeatures, errors as classes — and on nothing else: a client of
 * another package or another copy is refused with a typed error rather than driven blindly. The
 * successor `@kurrent/kurrentdb-client` in particular names the expected revision `streamState` and
 * ignores `expectedRevision`, so it would send every append as `any` and lose the single writer.
 */

const require = createRequire(import.meta.url);

/** The package the adapter is built and tested with, and the versions of it it supports. */
export const CLIENT_PACKAGE = '@eventstore/db-client';
export const SUPPORTED_CLIENT_RANGE = '^6.2.1';

/** The version of `@eventstore/db-client` this adapter imports. */
export const CLIENT_VERSION: string = (require('@eventstore/db-client/package.json') as { version: string }).version;

/** True for versions the adapter supports: 6.x from 6.2.1 (pre-releases excluded). */
export function isSupportedClientVersion(version: string): boolean {
  const m = /^6\.(\d+)\.(\d+)$/.exec(version);
  if (m === null) return false;
  const minor = Number(m[1]);
  const patch = Number(m[2]);
  return minor > 2 || (minor === 2 && patch >= 1);
}

function refuse(message: string, details: Record<string, unknown>): never {
  throw new HosoFailure(
    hosoError('invalid-argument', `client: ${message}`, {
      path: ['options', 'client'],
      rule: 'esdb-client-supported',
      details: { use: `${CLIENT_PACKAGE} ${SUPPORTED_CLIENT_RANGE}`, ...details },
    }),
  );
}

/**
 * Whether `client` is a `@kurrent/kurrentdb-client` client, told by the methods only it has — never
 * by loading that package, which would break this one (see {@link checkClientIntact}).
 */
function isKurrentClient(client: object): boolean {
  const c = client as Record<string, unknown>;
  return typeof c['multiStreamAppend'] === 'function' || typeof c['appendRecords'] === 'function';
}

/** The installed `@kurrent/kurrentdb-client` version, read from its package.json (not its code), if any. */
function kurrentVersion(): string {
  try {
    return (require('@kurrent/kurrentdb-client/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

type Serializable = { serializeBinary(): Uint8Array };
const streamsPb = require('@eventstore/db-client/generated/streams_pb.js') as {
  BatchAppendReq: (new () => Serializable & { setOptions(o: unknown): unknown }) & { Options: new () => unknown };
};

/**
 * Throw `invalid-argument` (rule `esdb-client-intact`) when the client's protobuf messages no longer
 * serialize. Both `@eventstore/db-client` and `@kurrent/kurrentdb-client` register the same message
 * names (`proto.event_store.client.…`) in google-protobuf's one global namespace; loading the
 * second into the process replaces the first one's classes, and every BatchAppend of
 * `@eventstore/db-client` then fails with "Request message serialization failure". Checked when a
 * store opens, so the cause is named before anything is sent.
 */
export function checkClientIntact(): void {
  try {
    const req = new streamsPb.BatchAppendReq();
    req.setOptions(new streamsPb.BatchAppendReq.Options());
    req.serializeBinary();
  } catch (err) {
    throw new HosoFailure(
      hosoError(
        'invalid-argument',
        `client: the protobuf messages of ${CLIENT_PACKAGE} no longer serialize (${err instanceof Error ? err.message : String(err)}): ` +
          'another copy of the EventStoreDB/KurrentDB protocol definitions was loaded into this process — @kurrent/kurrentdb-client ' +
          `does that. Load only ${CLIENT_PACKAGE} in a process that uses this adapter`,
        {
          path: ['options', 'client'],
          rule: 'esdb-client-intact',
          details: { use: `${CLIENT_PACKAGE} ${SUPPORTED_CLIENT_RANGE}` },
        },
      ),
    );
  }
}

/** Throw `invalid-argument` (rule `esdb-client-supported`) unless the installed client version is supported. */
export function checkInstalledClient(version: string = CLIENT_VERSION): void {
  if (!isSupportedClientVersion(version))
    refuse(`${CLIENT_PACKAGE} ${version} is installed; this adapter supports ${SUPPORTED_CLIENT_RANGE} only`, {
      installed: version,
    });
}

/** Throw `invalid-argument` (rule `esdb-client-supported`) for a client object the adapter does not support. */
export function checkClient(client: unknown): void {
  if (client instanceof EventStoreDBClient) return;
  if (typeof client === 'object' && client !== null && isKurrentClient(client)) {
    const kurrent = kurrentVersion();
    refuse(
      `@kurrent/kurrentdb-client ${kurrent} is not supported: it ignores \`expectedRevision\` (it reads \`streamState\`), ` +
        `so every append would go out unchecked (as \`any\`) and the single writer would be lost. ` +
        `Give a client of ${CLIENT_PACKAGE} ${SUPPORTED_CLIENT_RANGE}, or a connectionString (esdb:// or esdb+discover://, ` +
        'which KurrentDB servers accept too). Loading both client packages into one process breaks ' +
        `${CLIENT_PACKAGE} (they share protobuf message names)`,
      { client: '@kurrent/kurrentdb-client', version: kurrent },
    );
  }
  refuse(
    `must be an EventStoreDBClient of the ${CLIENT_PACKAGE} this adapter uses (${CLIENT_VERSION}); ` +
      'a client of another package, or of another copy of the package (install one copy: it is a peer dependency), is refused',
    { installed: CLIENT_VERSION },
  );
}
