import { describe, it, expect } from 'vitest';
import { createRequire } from 'node:module';
import type { EventStoreDBClient } from '@eventstore/db-client';
import { isHosoFailure } from '@hoso/core';
import { openEventStoreDbStore } from '../src/index.js';
import { CLIENT_VERSION, checkInstalledClient, isSupportedClientVersion } from '../src/client-check.js';

// This file loads @kurrent/kurrentdb-client, which breaks @eventstore/db-client in the same process
// (the last test shows it): vitest runs each test file in a process of its own, and this one last
// touches the real client after loading it only to show that the adapter then refuses to open.

const require = createRequire(import.meta.url);

function refusal(f: () => unknown): {
  code: string;
  path?: unknown;
  rule?: string;
  message: string;
  details?: unknown;
} {
  try {
    f();
  } catch (e) {
    if (isHosoFailure(e))
      return {
        code: e.error.code,
        path: e.error.path,
        rule: e.error.rule,
        message: e.error.message,
        details: e.error.details,
      };
    throw e;
  }
  return expect.fail('expected a HosoFailure');
}

describe('which database clients the adapter accepts', () => {
  it('supports @eventstore/db-client 6.x from 6.2.1, the version installed included', () => {
    expect(isSupportedClientVersion(CLIENT_VERSION)).toBe(true);
    for (const v of ['6.2.1', '6.2.9', '6.3.0', '6.10.2']) expect(isSupportedClientVersion(v), v).toBe(true);
    for (const v of ['6.2.0', '6.1.9', '5.9.0', '7.0.0', '6.3.0-beta.1', '1.3.1', ''])
      expect(isSupportedClientVersion(v), v).toBe(false);
    const old = refusal(() => checkInstalledClient('6.1.0'));
    expect(old).toMatchObject({ code: 'invalid-argument', path: ['options', 'client'], rule: 'esdb-client-supported' });
    expect(old.message).toMatch(/6\.1\.0 is installed; this adapter supports \^6\.2\.1/);
  });

  it('refuses an object that is not an EventStoreDBClient of its own copy, naming the option and the rule', () => {
    // A look-alike, and the client of another copy of the package (another class with the same shape).
    class Client {
      appendToStream(): void {}
      readStream(): void {}
    }
    for (const client of [{}, { appendToStream: () => undefined }, new Client()]) {
      const r = refusal(() => openEventStoreDbStore({ client: client as unknown as EventStoreDBClient }));
      expect(r).toMatchObject({ code: 'invalid-argument', path: ['options', 'client'], rule: 'esdb-client-supported' });
      expect(r.message).toMatch(/another copy of the package/);
    }
  });

  it('refuses a real @kurrent/kurrentdb-client client with a typed error saying what to use; the package then breaks the client of record in this process, which the adapter detects', () => {
    const kurrent = require('@kurrent/kurrentdb-client') as {
      KurrentDBClient: { connectionString(s: string): { dispose(): Promise<void> } };
    };
    const version = (require('@kurrent/kurrentdb-client/package.json') as { version: string }).version;
    const client = kurrent.KurrentDBClient.connectionString('kurrentdb://127.0.0.1:1?tls=false');
    try {
      const r = refusal(() => openEventStoreDbStore({ client: client as unknown as EventStoreDBClient }));
      expect(r).toMatchObject({
        code: 'invalid-argument',
        path: ['options', 'client'],
        rule: 'esdb-client-supported',
        details: { client: '@kurrent/kurrentdb-client', version, use: '@eventstore/db-client ^6.2.1' },
      });
      expect(r.message).toMatch(/streamState/);
      expect(r.message).toMatch(/connectionString/);
    } finally {
      void client.dispose();
    }
    // Loaded into this process, its protobuf classes replaced the ones @eventstore/db-client
    // serializes with: the adapter says so at open instead of failing every append.
    const broken = refusal(() => openEventStoreDbStore({ connectionString: 'esdb://127.0.0.1:1?tls=false' }));
    expect(broken).toMatchObject({ code: 'invalid-argument', rule: 'esdb-client-intact' });
    expect(broken.message).toMatch(/@kurrent\/kurrentdb-client/);
  });
});
