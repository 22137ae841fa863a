/**
 * Crash safety: a writer process is killed with SIGKILL at random moments, many times, on one
 * SQLite ledger file. After every kill the file must open and hold every acknowledged event
 * byte-identical, nothing torn, positions gapless, streams chained, the stored Merkle tree equal
 * to the one recomputed from the leaves, and the ledger must still verify.
 * Seeded: set HOSO_RELIABILITY_SEED to replay a run (the seed is printed).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { merkleRoot, toHex } from '@hoso/core';
import { openSqliteStore } from '@hoso/store-sqlite';
import { openLedger } from '@hoso/ledger';
import { buildSchool } from '@hoso/ledger/testing';
import { checkLedgerFile, exportAndVerify, parseAcks, prng, verifyFile, type Ack } from '../support/ledger-file.js';
import { requireDist, sleep, startNode, supportScript } from '../support/processes.js';

const SEED = Number(process.env.HOSO_RELIABILITY_SEED ?? 20_261_129);
const WRITER = supportScript('writer.mjs');

let dir: string;
beforeAll(() => {
  requireDist(['core', 'store', 'store-sqlite', 'ledger']);
  dir = mkdtempSync(join(tmpdir(), 'hoso-crash-'));
  console.log(`crash tests: seed ${SEED} (HOSO_RELIABILITY_SEED)`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Start a writer, let it acknowledge a random number of appends, wait a random moment, SIGKILL it. */
async function killWriter(args: readonly string[], rand: () => number, maxAcks: number): Promise<Ack[]> {
  const child = startNode(WRITER, args);
  await child.acks(1 + Math.floor(rand() * maxAcks));
  await sleep(Math.floor(rand() * 25));
  child.process.kill('SIGKILL');
  const exit = await child.exited;
  // A writer that stopped on its own hit a refusal it could not handle: that is a failure.
  expect(exit.signal, `writer exited by itself (code ${exit.code}): ${child.stderr()}`).toBe('SIGKILL');
  return parseAcks(child.stdout());
}

describe('crash: SIGKILL at random moments', () => {
  it('store appends: 20 kills; every acknowledged event survives byte-identical, the tree stays whole', async () => {
    const rand = prng(SEED);
    const path = join(dir, 'store.db');
    const ledger = 'thpt-crash-store';
    const acks: Ack[] = [];
    for (let kill = 0; kill < 20; kill++) {
      acks.push(...(await killWriter(['store', path, ledger, `k${kill}`, '0', '5'], rand, 40)));
      // The ledger opens read-write (recovering the WAL) and still accepts appends at its size.
      const store = openSqliteStore({ path, ledger });
      const size = await store.size(ledger);
      await store.close();
      const check = await checkLedgerFile(path, ledger, acks);
      expect(check.size).toBe(size);
      // A kill between the commit and the printed line loses at most one batch of acks (≤ 6 events).
      expect(check.size - acks.length).toBeGreaterThanOrEqual(0);
      expect(check.size - acks.length).toBeLessThanOrEqual(6 * (kill + 1));
      if (kill % 5 === 4) {
        const reader = openSqliteStore({ path, readonly: true });
        const report = await verifyFile(reader, ledger);
        await reader.close();
        // Test events are of a type the school catalogue does not know, signed by a key the
        // ledger never registered: those findings are expected. Nothing about the bytes, ids,
        // chains, signatures or the Merkle root may be wrong.
        const structural = report.findings.filter(
          (f) =>
            !(
              f.code === 'genesis-untrusted' ||
              f.code === 'key-unregistered' ||
              f.code === 'rule-violation' ||
              (f.code === 'event-invalid' && f.details?.['type'] === 'TestEvent')
            ),
        );
        expect(
          structural.filter(
            (f) => f.code !== 'too-many-findings' && f.code !== 'trust-unanchored' && f.code !== 'compliance-unchecked',
          ),
        ).toEqual([]);
        expect(report.root).toBe(toHex(merkleRoot(check.leaves)));
        expect(report.size).toBe(size);
      }
    }
    expect(acks.length).toBeGreaterThan(20);
  }, 300_000);

  it('ledger execute: 8 kills while entering scores; the ledger reopens, continues and verifies clean', async () => {
    const rand = prng(SEED + 1);
    const path = join(dir, 'ledger.db');
    const ledger = 'thpt-crash-ledger';
    const setup = openSqliteStore({ path, ledger });
    const school = await buildSchool({ store: setup, ledger, students: 45 });
    const baseline = await setup.size(ledger);
    await setup.close();
    const acks: Ack[] = [];
    for (let kill = 0; kill < 8; kill++) {
      acks.push(...(await killWriter(['ledger', path, ledger, `k${kill}`, '0', '1', '45'], rand, 25)));
      const store = openSqliteStore({ path, ledger });
      const lg = await openLedger({ store, ledger, clock: () => new Date('2024-10-01T08:00:00+07:00') });
      expect(lg.state().size).toBe(await store.size(ledger));
      await store.close();
      const check = await checkLedgerFile(path, ledger, acks);
      expect(check.size).toBeGreaterThanOrEqual(baseline + acks.length);
      // One command (one event) at most is written but not yet acknowledged when the kill lands.
      expect(check.size - baseline - acks.length).toBeLessThanOrEqual(kill + 1);
    }
    // Finish the job after the crashes: a writer that runs to completion exits cleanly.
    const finisher = startNode(WRITER, ['ledger', path, ledger, 'final', '10', '1', '45']);
    const exit = await finisher.exited;
    expect(exit.code, finisher.stderr()).toBe(0);
    acks.push(...parseAcks(finisher.stdout()));
    await checkLedgerFile(path, ledger, acks);
    const store = openSqliteStore({ path, ledger });
    try {
      const report = await exportAndVerify(store, ledger, join(dir, 'ledger.hoso'), [school.people.principal.key]);
      expect(
        report.findings.filter((f) => f.severity === 'error'),
        'findings',
      ).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.size).toBe(await store.size(ledger));
    } finally {
      await store.close();
    }
  }, 300_000);
});
