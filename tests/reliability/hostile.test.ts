/**
 * Hostile input: fast-check feeds arbitrary JSON, oversized strings, 10,000-level nesting,
 * invalid UTF-8, numbers like 1e309 and -0, NaN-ish text, lone surrogates, prototype keys and
 * non-plain objects to every public entry point that takes outside data. Each must answer with a
 * typed error (a `code`), never throw or hang, and write nothing: the SQLite file stays
 * byte-identical (hashed after a `wal_checkpoint(TRUNCATE)`).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import {
  canonicalize,
  canonicalizeE,
  decodeEnvelope,
  encodeEnvelope,
  isHosoFailure,
  openCheckpoint,
  openNote,
  parseAddCheckpoint,
  parseCheckpointBody,
  parseSignerKey,
  parseTlogProof,
  parseVerifierKey,
  peekCheckpoint,
  signCheckpoint,
  signerVerifier,
  toHex,
  utf8,
} from '@hoso/core';
import { createMemoryStore, type EventStore } from '@hoso/store';
import { makeTestEvents } from '@hoso/store/testing';
import { openSqliteStore, type SqliteEventStore } from '@hoso/store-sqlite';
import { COMMAND_TYPES, LEDGER_ERROR_CODES, decodeCommand, type ActingSigner } from '@hoso/ledger';
import { as, buildSchool, type School, type TestPerson } from '@hoso/ledger/testing';
import {
  exportBundle,
  originOf,
  parseConsistencyProof,
  proveConsistency,
  proveEvent,
  readBundle,
  verifyBundle,
  verifyConsistencyProof,
  verifyProof,
} from '@hoso/verify';
import {
  DEEP,
  HOSTILE_JSON_TEXTS,
  INVALID_UTF8,
  INVALID_VALUES,
  deepArray,
  hostileBytes,
  hostileText,
  hostileValue,
  mutatedText,
  pathsOf,
  setAt,
  surrogateString,
} from '../support/hostile.js';
import { fileDigest, testSeal } from '../support/ledger-file.js';

const RUNS = Number(process.env.HOSO_HOSTILE_RUNS ?? 150);
const SEED = Number(process.env.HOSO_RELIABILITY_SEED ?? 20_261_129);
const params = { numRuns: RUNS, seed: SEED };

const ENVELOPE_CODES = new Set(['invalid-utf8', 'invalid-json', 'not-canonical', 'invalid-field', 'too-large']);
const STORE_CODES = new Set([
  'concurrency-conflict',
  'stream-conflict',
  'duplicate-id',
  'partial-batch',
  'invalid-event',
  'unknown-ledger',
  'invalid-argument',
]);
const LEDGER_CODES = new Set<string>(LEDGER_ERROR_CODES);

/** `decodeCommand`, with a throw (known bug with 10,000-level arrays) read as "not valid". */
function decodeCommandSafe(command: unknown): Either<unknown, unknown> {
  try {
    return decodeCommand(command);
  } catch (e) {
    return { _tag: 'Left', left: e };
  }
}

/** A typed error: a kebab-case `code` and a message. */
function expectTyped(e: unknown, codes?: ReadonlySet<string>): void {
  const err = e as { code?: unknown; message?: unknown };
  expect(typeof err.code, fc.stringify(e).slice(0, 300)).toBe('string');
  expect(err.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  expect(typeof err.message).toBe('string');
  if (codes !== undefined) expect(codes.has(err.code as string), `unexpected code ${String(err.code)}`).toBe(true);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hoso-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
describe('hostile input: core', () => {
  const valid = async (): Promise<Uint8Array> =>
    (await makeTestEvents('thpt-hostile', [{ stream: 's', data: { note: 'Nguyễn Thị Hồng Nhung', n: 1 } }]))[0]!;

  it('decodeEnvelope: arbitrary bytes, invalid UTF-8, hostile JSON and mutated envelopes are refused with a typed error, never thrown', async () => {
    const original = new TextDecoder().decode(await valid());
    fc.assert(
      fc.property(
        fc.oneof(
          hostileBytes(),
          mutatedText(original).map((s) => utf8(s)),
        ),
        (bytes) => {
          const r = decodeEnvelope(bytes);
          if (isLeft(r)) expectTyped(r.left, ENVELOPE_CODES);
          // A mutation may still be a valid envelope (a changed letter in a string): then it must be
          // exactly canonical, which is what the store keeps.
          else expect(new TextDecoder().decode(bytes)).toBe(canonicalize(r.right));
        },
      ),
      params,
    );
    for (const b of INVALID_UTF8)
      expect(decodeEnvelope(b)).toMatchObject({ _tag: 'Left', left: { code: 'invalid-utf8' } });
    for (const t of HOSTILE_JSON_TEXTS) {
      const r = decodeEnvelope(utf8(t));
      expect(isLeft(r), t.slice(0, 40)).toBe(true);
    }
    // Deep nesting inside an otherwise valid envelope's data (kept under 64 KiB).
    const nested = '{"a":'.repeat(DEEP / 2) + '1' + '}'.repeat(DEEP / 2);
    const deep = original.replace(/"data":\{[^}]*\}/, `"data":${nested}`);
    expect(deep).not.toBe(original);
    expect(decodeEnvelope(utf8(deep))).toMatchObject({ _tag: 'Left' });
    expect(decodeEnvelope('not bytes' as unknown as Uint8Array)).toMatchObject({
      _tag: 'Left',
      left: { code: 'invalid-field' },
    });
  });

  it('canonicalize: any value either has a canonical form that round-trips, or is refused (not-canonicalizable / too-deep)', () => {
    fc.assert(
      fc.property(hostileValue(), (v) => {
        const r = canonicalizeE(v);
        if (isRight(r)) {
          expect(canonicalize(JSON.parse(r.right))).toBe(r.right);
        } else {
          expectTyped(r.left, new Set(['not-canonicalizable', 'too-deep']));
          expect(Array.isArray(r.left.path)).toBe(true);
          let thrown: unknown;
          try {
            canonicalize(v);
          } catch (e) {
            thrown = e;
          }
          expect(isHosoFailure(thrown)).toBe(true);
        }
      }),
      params,
    );
    expect(canonicalize(-0)).toBe('0');
    expect(canonicalize({ v: -0, w: 1e21 })).toBe('{"v":0,"w":1e+21}');
    // eslint-disable-next-line no-loss-of-precision -- 1e309 is the test: it overflows to Infinity
    for (const v of [1e309, NaN, -Infinity, 'a\ud800', BigInt(1), undefined, Symbol('x'), () => 0]) {
      expect(canonicalizeE(v)).toMatchObject({ _tag: 'Left', left: { code: 'not-canonicalizable' } });
    }
    expect(canonicalizeE(deepArray(DEEP))).toMatchObject({ _tag: 'Left', left: { code: 'too-deep' } });
    expect(isLeft(canonicalizeE(INVALID_VALUES.find((v) => typeof v === 'object' && v !== null && 'self' in v)))).toBe(
      true,
    );
    // Prototype keys are data, not a way into Object.prototype.
    const proto: unknown = JSON.parse('{"__proto__":{"polluted":true},"b":1}');
    expect(canonicalize(proto)).toBe('{"__proto__":{"polluted":true},"b":1}');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('checkpoint, note, key, witness and tlog-proof parsers: typed errors for hostile text; a forged note never opens', () => {
    const seal = testSeal('thpt-hostile');
    const root = new Uint8Array(32).fill(9);
    const note = signCheckpoint({ origin: originOf('thpt-hostile'), size: 5, root }, seal);
    const verifier = signerVerifier(seal);
    const inputs = fc.oneof(hostileText(), mutatedText(note), mutatedText(seal.vkey), surrogateString());
    fc.assert(
      fc.property(inputs, (text) => {
        for (const r of [
          peekCheckpoint(text),
          parseCheckpointBody(text),
          parseVerifierKey(text),
          parseSignerKey(text),
          parseTlogProof(text),
          parseAddCheckpoint(text),
        ] as Array<Either<unknown, unknown>>) {
          if (isLeft(r)) expectTyped(r.left);
        }
        const opened = openCheckpoint(text, [verifier], { origin: originOf('thpt-hostile') });
        if (isLeft(opened)) expectTyped(opened.left);
        // Whatever was changed, a note that still opens says exactly what the seal signed.
        else
          expect([
            opened.right.checkpoint.origin,
            opened.right.checkpoint.size,
            toHex(opened.right.checkpoint.root),
          ]).toEqual([originOf('thpt-hostile'), 5, toHex(root)]);
        const n = openNote(text, [verifier]);
        if (isLeft(n)) expectTyped(n.left);
      }),
      params,
    );
    for (const size of ['1e309', '-0', '-1', 'NaN', '18446744073709551616', '01', ' 5', '5.0']) {
      const body = `${originOf('thpt-hostile')}\n${size}\n${Buffer.from(root).toString('base64')}\n`;
      expect(parseCheckpointBody(body), size).toMatchObject({ _tag: 'Left', left: { code: 'invalid-checkpoint' } });
    }
    for (const v of [null, undefined, 42, {}, ['x'], deepArray(100)]) {
      for (const f of [peekCheckpoint, parseVerifierKey, parseTlogProof] as Array<(x: unknown) => { _tag: string }>) {
        const r = f(v);
        expect(r._tag).toBe('Left');
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('hostile input: store append (memory and sqlite)', () => {
  const LEDGER = 'thpt-hostile-store';

  /** A batch with at least one element no store can accept, mixed with acceptable ones. */
  const badElement = (good: Uint8Array, foreign: Uint8Array): fc.Arbitrary<unknown> =>
    fc.oneof(
      hostileBytes().filter((b) => isLeft(decodeEnvelope(b))),
      mutatedText(new TextDecoder().decode(good))
        .map((s) => utf8(s))
        .filter((b) => isLeft(decodeEnvelope(b))),
      fc.constant(foreign),
      fc.constantFrom(
        null,
        undefined,
        'text',
        42,
        {},
        [1, 2],
        new Uint16Array([1]),
        new ArrayBuffer(4),
        ...INVALID_VALUES,
      ),
    );

  async function hostileAppends(store: EventStore, snapshot: () => Promise<string>): Promise<void> {
    const heads = new Map();
    const seeded = await makeTestEvents(LEDGER, [{ stream: 'a' }, { stream: 'b' }, { stream: 'a' }], { heads });
    const r0 = await store.append(LEDGER, seeded, { expected: 0 });
    expect(isRight(r0)).toBe(true);
    const next = await makeTestEvents(LEDGER, [{ stream: 'a' }, { stream: 'c' }], { heads: new Map(heads) });
    const foreign = (await makeTestEvents('another-school', [{ stream: 'a' }]))[0]!;
    const before = await snapshot();
    const batch = fc
      .tuple(fc.subarray(next), fc.array(badElement(next[0]!, foreign), { minLength: 1, maxLength: 3 }), fc.nat())
      .map(([good, bad, k]) => {
        const all: unknown[] = [...good];
        for (const b of bad) all.splice(k % (all.length + 1), 0, b);
        return all;
      });
    const expected = fc.oneof(
      fc.constant(3),
      fc.constantFrom(-1, 0, 2, 4, 3.5, NaN, Infinity, -0, 2 ** 60, '3', null, undefined, {}, [3], BigInt(3)),
    );
    const ledger = fc.oneof(
      fc.constant(LEDGER),
      fc.constant(LEDGER),
      hostileText(),
      fc.constantFrom(null, undefined, 1, {}),
    );
    await fc.assert(
      fc.asyncProperty(batch, expected, ledger, async (events, exp, led) => {
        const r = await store.append(led as string, events as Uint8Array[], { expected: exp as number });
        expect(isLeft(r), 'a batch with a bad element was accepted').toBe(true);
        if (isLeft(r)) expectTyped(r.left, STORE_CODES);
      }),
      params,
    );
    // Batches that are not arrays at all, and malformed options.
    for (const events of [null, undefined, 'x', 42, {}, new Uint8Array(3), [], deepArray(DEEP)]) {
      const r = await store.append(LEDGER, events as Uint8Array[], { expected: 3 });
      expect(isLeft(r)).toBe(true);
      if (isLeft(r)) expectTyped(r.left, STORE_CODES);
    }
    for (const options of [null, undefined, {}, { expected: '3' }, 3]) {
      const r = await store.append(LEDGER, next, options as unknown as { expected: number });
      expect(isLeft(r)).toBe(true);
      if (isLeft(r)) expectTyped(r.left, STORE_CODES);
    }
    expect(await snapshot()).toBe(before);
    // The store still works: the good batch lands at the expected size.
    const ok = await store.append(LEDGER, next, { expected: 3 });
    expect(ok).toMatchObject({ _tag: 'Right', right: { from: 3, size: 5, written: 2 } });
  }

  /**
   * Every read-side call with a hostile range/size/index argument throws HosoFailure `invalid-argument` (or succeeds
   * for a valid one).
   */
  async function hostileReads(store: EventStore): Promise<void> {
    const seeded = await makeTestEvents(LEDGER, [{ stream: 'a' }, { stream: 'a' }, { stream: 'b' }]);
    expect(isRight(await store.append(LEDGER, seeded, { expected: 0 }))).toBe(true);
    const drain = async (it: AsyncIterable<unknown>): Promise<void> => {
      for await (const _ of it) void _;
    };
    const calls: Array<[string, (v: unknown) => Promise<unknown>]> = [
      ['read.from', (v) => drain(store.read(LEDGER, { from: v as number }))],
      ['read.to', (v) => drain(store.read(LEDGER, { to: v as number }))],
      ['readStream.fromRev', (v) => drain(store.readStream(LEDGER, 'a', { fromRev: v as number }))],
      ['root.size', (v) => store.root(LEDGER, v as number)],
      ['inclusionProof.index', (v) => store.inclusionProof(LEDGER, v as number, 3)],
      ['consistencyProof.m', (v) => store.consistencyProof(LEDGER, v as number, 3)],
    ];
    const values = fc.oneof(
      fc.constantFrom(...INVALID_VALUES, -1, 1.5, '1', null, {}, [1], 2 ** 53, -0),
      fc.integer({ min: -5, max: 10 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...calls), values, async ([name, call], v) => {
        let thrown: unknown = null;
        try {
          await call(v);
        } catch (e) {
          thrown = e;
        }
        if (thrown !== null) {
          expect(
            isHosoFailure(thrown),
            `${name}(${fc.stringify(v)}) threw ${String((thrown as Error)?.name)}: ${String((thrown as Error)?.message).slice(0, 120)}`,
          ).toBe(true);
          expectTyped((thrown as { error: unknown }).error, new Set(['invalid-argument']));
        }
      }),
      params,
    );
  }

  it('memory store: hostile read ranges, sizes and indexes throw HosoFailure invalid-argument, nothing else', async () => {
    await hostileReads(createMemoryStore());
  });

  it('sqlite store: hostile read ranges, sizes and indexes throw HosoFailure invalid-argument, nothing else', async () => {
    const store = openSqliteStore({ path: join(dir, 'reads.db'), ledger: LEDGER });
    try {
      await hostileReads(store);
    } finally {
      await store.close();
    }
  });

  it('memory store: every hostile batch is refused with a typed error; nothing is written', async () => {
    const store = createMemoryStore();
    const snapshot = async (): Promise<string> => {
      const parts: string[] = [];
      for await (const e of store.read(LEDGER)) parts.push(Buffer.from(e.bytes).toString('base64'));
      return `${await store.size(LEDGER)}|${parts.join(',')}|${toHex(await store.root(LEDGER))}`;
    };
    await hostileAppends(store, snapshot);
  });

  it('sqlite store: every hostile batch is refused with a typed error; the file stays byte-identical', async () => {
    const path = join(dir, 'store.db');
    const store = openSqliteStore({ path, ledger: LEDGER });
    try {
      await hostileAppends(store, async () => fileDigest(path));
    } finally {
      await store.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('hostile input: ledger execute', () => {
  const Y = '2024-2025';
  interface Base {
    readonly command: { type: string; data: Record<string, unknown> };
    readonly signers: readonly ActingSigner[];
  }

  /** A school with a signed-off score (so corrections are possible) and one valid command of each kind below. */
  async function school(store?: SqliteEventStore): Promise<{ s: School; bases: Base[] }> {
    const s = await buildSchool({ ...(store === undefined ? {} : { store }), ledger: 'thpt-hostile' });
    const { teacher, homeroom, principal, vice, office } = s.people;
    const T = as(teacher, 'subject');
    const entry = (
      await s.run(
        {
          type: 'EnterScore',
          data: {
            year: Y,
            class: '10A1',
            subject: 'toan',
            student: 'hs-001',
            term: 'HK1',
            column: 'tx',
            index: 1,
            value: '5.5',
          },
        },
        [T],
      )
    ).events[0]!.id;
    // Toán's other marks, so that its sign-off goes through (the Ngữ văn cells stay empty for the base entry).
    await s.complete('HK1', (c) => c.subject !== 'toan');
    await s.run({ type: 'SignOffSubject', data: { year: Y, class: '10A1', subject: 'toan', term: 'HK1' } }, [T]);
    const minutes = { number: 'BB-07/2024', date: '2024-10-02', text: 'Biên bản sửa chữa dữ liệu' };
    const bases: Base[] = [
      {
        command: {
          type: 'EnterScore',
          data: {
            year: Y,
            class: '10A1',
            subject: 'van',
            student: 'hs-002',
            term: 'HK1',
            column: 'tx',
            index: 1,
            value: '8.5',
          },
        },
        signers: [as(homeroom, 'subject')],
      },
      {
        command: {
          type: 'EnrollStudent',
          data: {
            year: Y,
            class: '10A1',
            student: 'hs-900',
            date: '2024-09-05',
            bio: { name: 'Học sinh mới', birthDate: '2009-03-01', sex: 'F' },
          },
        },
        signers: [as(homeroom, 'homeroom')],
      },
      {
        command: { type: 'GrantRole', data: { person: office.id, role: 'admin' } },
        signers: [as(principal, 'leader')],
      },
      {
        command: {
          type: 'RecordAbsence',
          data: {
            year: Y,
            class: '10A1',
            student: 'hs-001',
            date: '2024-10-01',
            session: 'morning',
            value: 'P',
            reason: 'Ốm',
          },
        },
        signers: [as(homeroom, 'homeroom')],
      },
      {
        command: {
          type: 'Correct',
          data: { target: entry, old: '5.5', new: '6.5', reason: 'cộng nhầm điểm', minutes },
        },
        signers: [T, as(principal, 'leader'), as(vice, 'admin')],
      },
      {
        command: { type: 'RegisterStaff', data: { person: 'gv-moi', name: 'Giáo viên mới' } },
        signers: [as(vice, 'admin')],
      },
      {
        command: { type: 'DefineSubject', data: { subject: 'tin-hoc', name: 'Tin học' } },
        signers: [as(principal, 'leader')],
      },
    ];
    return { s, bases };
  }

  it('the base commands are valid (so mutations reach the rules, not just the codecs)', async () => {
    const { s, bases } = await school();
    for (const b of bases) {
      const r = await s.ledger.execute(b.command, b.signers);
      expect(isRight(r), `${b.command.type}: ${isLeft(r) ? `${r.left.code} ${r.left.message}` : ''}`).toBe(true);
    }
  });

  it('a 10,000-level nested array as a command, its data or one field is refused with a typed error, not a thrown RangeError', async () => {
    const { s, bases } = await school();
    const deep = deepArray(DEEP);
    const cases: unknown[] = [
      deep,
      { type: 'FoundSchool', data: deep },
      { type: 'EnterScore', data: setAt(bases[0]!.command.data, ['value'], deep) },
    ];
    for (const command of cases) {
      let outcome: unknown;
      try {
        outcome = await s.ledger.execute(command, bases[0]!.signers);
      } catch (e) {
        outcome = e;
      }
      expect(outcome instanceof Error ? `threw ${outcome.name}: ${outcome.message}` : 'returned').toBe('returned');
      expect(isLeft(outcome as never)).toBe(true);
      if (isLeft(outcome as never)) expectTyped((outcome as { left: unknown }).left, LEDGER_CODES);
    }
  });

  it('every command type with hostile data or a mutated field is refused with a typed error; the SQLite file stays byte-identical', async () => {
    const path = join(dir, 'ledger.db');
    const store = openSqliteStore({ path, ledger: 'thpt-hostile' });
    try {
      const { s, bases } = await school(store);
      const before = fileDigest(path);
      const signerPool = (Object.values(s.people) as TestPerson[]).flatMap((p) => [
        as(p, 'leader'),
        as(p, 'admin'),
        as(p, 'subject'),
        as(p, 'homeroom'),
      ]);
      // (1) a valid command with one field set to a value no codec accepts, removed, or an unknown key added.
      const mutated = fc.constantFrom(...bases).chain((b) =>
        fc
          .tuple(
            fc.constant(b),
            fc.constantFrom(...pathsOf(b.command.data)),
            fc.constantFrom(...INVALID_VALUES),
            fc.constantFrom('set', 'remove', 'extra'),
          )
          .map(([base, p, v, how]) => ({
            command: {
              type: base.command.type,
              data:
                how === 'extra'
                  ? setAt(base.command.data, [...p.slice(0, -1), 'hoso_extra_field'], 1)
                  : setAt(base.command.data, p, v, how === 'remove'),
            },
            signers: base.signers,
          }))
          // Removing an optional field (e.g. an absence's reason) leaves a valid command: not hostile.
          .filter(({ command }) => !(command.type === b.command.type && isRight(decodeCommandSafe(command)))),
      );
      // (2) every command type with hostile data and random signers (possibly garbage).
      const anyType = fc.record({
        command: fc.record({
          type: fc.constantFrom(...COMMAND_TYPES),
          data: fc.oneof(
            hostileValue(),
            fc.dictionary(fc.string({ maxLength: 12 }), fc.constantFrom(...INVALID_VALUES), { minKeys: 1, maxKeys: 3 }),
          ),
        }),
        signers: fc.oneof(
          fc.subarray(signerPool, { minLength: 1, maxLength: 3 }),
          fc.constantFrom(
            [],
            [{ signer: { publicKey: new Uint8Array(31), sign: async () => new Uint8Array(64) }, role: 'leader' }],
            [{ signer: null, role: 'admin' }],
            [{ role: 'x' }],
          ),
        ),
      });
      // (3) the command envelope itself: wrong ids, types and shapes.
      const shapes = fc.record({
        command: fc.oneof(
          hostileValue(),
          fc.record({
            type: fc.oneof(hostileText(), fc.constantFrom('Bogus', '__proto__', 'constructor', 'toString')),
            data: fc.constant({}),
          }),
          fc.record({
            type: fc.constant('EnterScore'),
            id: fc.oneof(hostileText(), fc.constantFrom('00000000-0000-4000-8000-000000000000', 'not-a-uuid')),
            data: fc.constant(bases[0]!.command.data),
          }),
        ),
        signers: fc.constant(bases[0]!.signers),
      });
      await fc.assert(
        fc.asyncProperty(fc.oneof(mutated, anyType, shapes), async ({ command, signers }) => {
          const r = await s.ledger.execute(command, signers as ActingSigner[]);
          expect(isLeft(r), `accepted ${fc.stringify(command).slice(0, 200)}`).toBe(true);
          if (isLeft(r)) expectTyped(r.left, LEDGER_CODES);
        }),
        params,
      );
      await s.ledger.refresh();
      expect(fileDigest(path)).toBe(before);
    } finally {
      await store.close();
    }
  });

  it('submit: hostile event bytes are refused with a typed error; nothing written', async () => {
    const { s } = await school();
    const before = await s.store.size('thpt-hostile');
    await fc.assert(
      fc.asyncProperty(fc.array(hostileBytes(), { minLength: 1, maxLength: 3 }), async (events) => {
        const r = await s.ledger.submit(events);
        expect(isLeft(r)).toBe(true);
        if (isLeft(r)) expectTyped(r.left, LEDGER_CODES);
      }),
      params,
    );
    for (const events of [null, [], 'x', [null], [42]]) {
      const r = await s.ledger.submit(events as unknown as Uint8Array[]);
      expect(isLeft(r)).toBe(true);
    }
    expect(await s.store.size('thpt-hostile')).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------
describe('hostile input: bundles and proofs (@hoso/verify)', () => {
  it('readBundle: arbitrary bytes in arbitrary chunks yield only typed items; verifyBundle reports findings for any altered line', async () => {
    const s = await buildSchool({ ledger: 'thpt-hostile', students: 2 });
    const seal = testSeal('thpt-hostile');
    const size = await s.store.size('thpt-hostile');
    const note = signCheckpoint(
      { origin: originOf('thpt-hostile'), size, root: await s.store.root('thpt-hostile', size) },
      seal,
    );
    const bundlePath = join(dir, 'clean.hoso');
    expect(isRight(await exportBundle(s.store, 'thpt-hostile', bundlePath, { checkpoints: [note] }))).toBe(true);
    const bundle = readFileSync(bundlePath, 'utf8');
    const trust = { rootKeys: [s.people.principal.key], sealKeys: [seal.vkey] };
    const clean = await verifyBundle(bundlePath, { trust, workers: 0 });
    expect(clean).toMatchObject({ _tag: 'Right', right: { ok: true } });

    const chunked = (bytes: Uint8Array, cuts: number[]): AsyncIterable<Uint8Array> => {
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const parts: Uint8Array[] = [];
      let at = 0;
      for (const p of [...points, bytes.length]) {
        parts.push(bytes.subarray(at, p));
        at = p;
      }
      return Readable.from(parts.filter((p) => p.length > 0));
    };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileBytes(),
          mutatedText(bundle).map((t) => utf8(t)),
          fc.array(hostileText(), { maxLength: 5 }).map((ls) => utf8(ls.join('\n'))),
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (bytes, cuts) => {
          let expectedPosition = 0;
          for await (const item of readBundle(chunked(bytes, cuts), { maxLine: 100_000 })) {
            expect(['header', 'header-invalid', 'event', 'checkpoint', 'invalid']).toContain(item.kind);
            if (item.kind === 'header-invalid' || item.kind === 'invalid') expectTyped(item.error);
            if (item.kind === 'event') expect(item.position).toBe(expectedPosition++);
          }
        },
      ),
      params,
    );
    // Any change to an event or checkpoint line (lines 2..) must fail verification, with typed findings.
    const lines = bundle.split('\n');
    const body = lines.slice(1).join('\n');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutatedText(body),
          fc
            .tuple(fc.nat(lines.length - 2), fc.constantFrom(...HOSTILE_JSON_TEXTS))
            .map(([k, t]) => [...lines.slice(1, k + 1), t, ...lines.slice(k + 1)].join('\n')),
        ),
        async (mutatedBody) => {
          fc.pre(mutatedBody !== body && mutatedBody !== body.replace(/\n$/, '') && mutatedBody + '\n' !== body);
          const r = await verifyBundle(Readable.from([Buffer.from(`${lines[0]}\n${mutatedBody}`)]), {
            trust,
            workers: 0,
          });
          expect(isRight(r)).toBe(true);
          if (!isRight(r)) return;
          expect(r.right.ok, `altered bundle verified: ${JSON.stringify(mutatedBody).slice(0, 200)}`).toBe(false);
          for (const f of r.right.findings) expectTyped(f);
        },
      ),
      { ...params, numRuns: Math.max(20, Math.floor(RUNS / 3)) },
    );
  }, 180_000);

  it('inclusion and consistency proofs: mutated or hostile proof text is refused with a typed error, never accepted for other content', async () => {
    const s = await buildSchool({ ledger: 'thpt-hostile', students: 1 });
    const seal = testSeal('thpt-hostile');
    const at = async (size: number): Promise<string> =>
      signCheckpoint({ origin: originOf('thpt-hostile'), size, root: await s.store.root('thpt-hostile', size) }, seal);
    const size = await s.store.size('thpt-hostile');
    const oldNote = await at(size - 5);
    const newNote = await at(size);
    const inc = await proveEvent(s.store, 'thpt-hostile', 3, newNote);
    const con = await proveConsistency(s.store, 'thpt-hostile', oldNote, newNote);
    if (isLeft(inc) || isLeft(con)) throw new Error('proofs could not be made');
    const trust = { sealKeys: [seal.vkey] };
    expect(verifyProof(inc.right, trust)).toMatchObject({ _tag: 'Right', right: { position: 3 } });
    expect(isRight(verifyConsistencyProof(con.right, trust))).toBe(true);
    const event3 = (await s.store.getById(
      'thpt-hostile',
      await (async () => {
        for await (const e of s.store.read('thpt-hostile', { from: 3, to: 4 })) return e.id;
        return '';
      })(),
    ))!;
    fc.assert(
      fc.property(fc.oneof(mutatedText(inc.right), mutatedText(con.right), hostileText()), (text) => {
        const p = verifyProof(text, trust);
        if (isLeft(p)) expectTyped(p.left);
        else {
          // Only cosmetic changes (e.g. an extra unknown signature line) may still verify, and then
          // for exactly the same event, position and checkpoint.
          expect(p.right.position).toBe(3);
          expect(encodeEnvelope(p.right.event)).toEqual(event3.bytes);
          expect(p.right.checkpoint.size).toBe(size);
        }
        const c = verifyConsistencyProof(text, trust);
        if (isLeft(c)) expectTyped(c.left);
        const parsed = parseConsistencyProof(text);
        if (isLeft(parsed)) expectTyped(parsed.left);
      }),
      params,
    );
    for (const bad of [null, undefined, 42, {}, deepArray(50)]) {
      expect(verifyProof(bad as string, trust)._tag).toBe('Left');
      expect(verifyConsistencyProof(bad as string, trust)._tag).toBe('Left');
      expect(parseConsistencyProof(bad as string)._tag).toBe('Left');
    }
    // Hostile trust anchors are typed errors too.
    for (const t of [{ sealKeys: ['x'] }, { sealKeys: [42] }, { rootKeys: 'k' }, { sealKeys: [] }]) {
      const r = verifyProof(inc.right, t as never);
      expect(r._tag).toBe('Left');
      if (isLeft(r)) expectTyped(r.left);
    }
  });
});
