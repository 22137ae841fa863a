import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import {
  decodeEnvelope,
  encodeEnvelope,
  leafHash,
  localSigner,
  merkleRoot,
  signCheckpoint,
  signEnvelope,
  toBase64Url,
  toHex,
  type Envelope,
} from '@hoso/core';
import { formatBundleHeader, formatCheckpointLine, originOf, verifyBundle, type VerifyReport } from '@hoso/verify';
import { buildFixture, bundleText, seed, withChanges, type Actor, type Fixture } from '../../verify/test/fixture.js';
import { buildVerifierPage } from '../build.mjs';
import { CHROMIUM, launchChromium, openVerifier } from './driver.mjs';

// Each tamper class of packages/verify/test/tamper.test.ts (one instance of each), verified by
// `verifyBundle` on the file (what `hoso verify` runs) and by the page in Chromium, on WebCrypto
// and on the pure-JS fallback: the same findings — codes, positions, events, rules, sentences —
// and the same verdict, checkpoints and passes. The school rules are replayed on both sides (the
// page always replays them), so the fixture's own rule findings are compared too.
const hasChromium = existsSync(CHROMIUM);

interface Case {
  readonly name: string;
  readonly text: string;
  readonly since?: string;
  readonly rootKeys?: readonly string[];
  /** Untouched: nothing but the fixture's own rule findings. */
  readonly clean?: true;
}

const dec = new TextDecoder();
const join_ = (ls: readonly string[]): string => ls.join('\n') + '\n';

async function resign(env: Envelope, who: Actor, role: string): Promise<Uint8Array> {
  const { sigs: _drop, ...unsigned } = env;
  return encodeEnvelope(
    await signEnvelope({ ...unsigned, by: { key: who.key, role } }, [{ signer: who.signer, role }]),
  );
}

async function tamperCases(f: Fixture): Promise<Case[]> {
  const n = f.events.length;
  const lines = bundleText(f.ledger, f.events, [f.checkpoint(8), f.checkpoint(n)])
    .split('\n')
    .slice(0, -1);
  const envAt = (p: number): Envelope => {
    const d = decodeEnvelope(f.events[p]!);
    if (d._tag === 'Left') throw new Error('fixture event does not decode');
    return d.right;
  };
  const line = (p: number): number => p + 1;
  const withEvents = (events: readonly Uint8Array[]): string =>
    bundleText(f.ledger, events, [f.checkpoint(events.length, events)]);
  const replaced = async (p: number, make: () => Promise<Uint8Array>): Promise<Uint8Array[]> => {
    const events = [...f.events];
    events[p] = await make();
    return events;
  };
  const flipped = (): string => {
    const ls = [...lines];
    const b = new TextEncoder().encode(ls[line(10)]);
    b[40] = b[40]! ^ 0x04;
    ls[line(10)] = dec.decode(b);
    return join_(ls);
  };
  const swapped = [...lines];
  [swapped[line(9)], swapped[line(11)]] = [swapped[line(11)]!, swapped[line(9)]!];
  const moved = [...lines];
  moved.push(moved.splice(line(n - 1), 1)[0]!);
  const garbage = [...lines];
  garbage.splice(line(3), 0, 'not json at all');
  const biography = f.events.findIndex((e) => dec.decode(e).includes('"BiographyChanged"'));
  const revoke = await signEnvelope(
    {
      v: 1,
      id: '01900000-0000-7000-8000-000000000001',
      ledger: f.ledger,
      stream: 'school',
      rev: 6,
      prev: toHex(leafHash(f.events[5]!)),
      type: 'KeyRevoked',
      data: { key: f.teacher.key, reason: 'Mất khóa' },
      at: envAt(n - 1).at,
      by: { key: f.admin.key, role: 'admin' },
    },
    [{ signer: f.admin.signer, role: 'admin' }],
  );
  const revoked = [...f.events.slice(0, n - 1), encodeEnvelope(revoke), f.events[n - 1]!];
  const copied = [...f.events, encodeEnvelope({ ...envAt(7), stream: 'student/hs-other', rev: 0, prev: null })];
  const other = [...f.events];
  other[2] = await resign(envAt(2), f.root, 'leader');
  other[3] = await resign({ ...envAt(3), at: '2024-09-05T07:40:00.000+07:00' }, f.root, 'leader');
  const root = merkleRoot(f.events.map((e) => leafHash(e)));
  const tamperedRoot = f.checkpoint(n).split('\n');
  tamperedRoot[2] = Buffer.alloc(32, 7).toString('base64');
  const events = lines.slice(0, line(n));
  const future = await withChanges(f, ['2031-01-01T08:00:00.000+07:00']);
  return [
    { name: 'untouched', text: join_(lines), clean: true },
    { name: 'a flipped byte in an event line', text: flipped() },
    { name: 'a dropped event', text: join_(lines.filter((_, i) => i !== line(9))) },
    { name: 'a duplicated event', text: join_([...lines.slice(0, line(9) + 1), ...lines.slice(line(9))]) },
    { name: 'two events swapped', text: join_(swapped) },
    { name: 'an event line moved after the checkpoints', text: join_(moved) },
    { name: 'a garbage line among the events', text: join_(garbage) },
    {
      name: 'a header lying about the origin',
      text: join_([formatBundleHeader(originOf('another'), n), ...lines.slice(1)]),
    },
    {
      name: 'a header lying about the size',
      text: join_([formatBundleHeader(originOf(f.ledger), n + 1), ...lines.slice(1)]),
    },
    { name: 'an unreadable header', text: join_(['{"hoso":"bundle/v2"}', ...lines.slice(1)]) },
    {
      name: 'a truncated bundle with its own checkpoint, against the held one',
      text: bundleText(f.ledger, f.events.slice(0, 12), [f.checkpoint(12)]),
      since: f.checkpoint(n),
    },
    { name: 'extending an older held checkpoint', text: join_(lines), since: f.checkpoint(7), clean: true },
    { name: 'cut short, checkpoints kept', text: join_([...lines.slice(0, line(n - 3)), ...lines.slice(line(n))]) },
    {
      name: 'altered and re-signed with another registered key',
      text:
        withEvents(
          await replaced(biography, () =>
            resign(
              { ...envAt(biography), data: { ...envAt(biography).data, reason: 'Sửa trái phép' } },
              f.admin,
              'admin',
            ),
          ),
        ).replace(/\n[^\n]*\n$/, '\n') +
        formatCheckpointLine(f.checkpoint(n)) +
        '\n',
    },
    {
      name: 're-signed with an unregistered key',
      text: withEvents(await replaced(n - 1, () => resign(envAt(n - 1), f.stranger, 'homeroom'))),
    },
    { name: 'a signature copied onto another stream', text: withEvents(copied) },
    { name: 'a key used after its revocation', text: withEvents(revoked) },
    {
      name: 'a genesis by an untrusted root key',
      text: join_(lines),
      rootKeys: [toBase64Url(localSigner(seed(99)).publicKey)],
    },
    {
      name: 'a key registered without proof of possession',
      text: withEvents(await replaced(5, () => resign(envAt(5), f.admin, 'admin'))),
    },
    {
      name: 'two checkpoints of one size: a fork',
      text: join_([
        ...lines,
        formatCheckpointLine(
          f.checkpoint(
            n,
            await replaced(n - 1, () =>
              resign(
                { ...envAt(n - 1), data: { ...envAt(n - 1).data, reason: 'Phiên bản khác' } },
                f.teacher,
                'homeroom',
              ),
            ),
          ),
        ),
      ]),
    },
    { name: 'a held checkpoint of another history', text: join_(lines), since: f.checkpoint(8, other) },
    {
      name: 'a checkpoint signed by an unknown key',
      text: join_([
        ...events,
        formatCheckpointLine(
          signCheckpoint({ origin: originOf(f.ledger), size: n, root }, { name: f.seal.name, seed: seed(77) }),
        ),
      ]),
    },
    {
      name: 'a checkpoint with a tampered root',
      text: join_([...events, formatCheckpointLine(tamperedRoot.join('\n'))]),
    },
    {
      name: 'a checkpoint without the witness cosignature',
      text: join_([
        ...events,
        formatCheckpointLine(signCheckpoint({ origin: originOf(f.ledger), size: n, root }, f.seal)),
      ]),
    },
    {
      name: 'an event signed far in the future (time-ahead, bounded by the trailing checkpoint)',
      text: withEvents(future),
    },
  ];
}

/** What must be the same in the page as from the file (timings and worker counts differ). */
function comparable(r: VerifyReport): unknown {
  const { stats: _stats, ...rest } = r;
  return rest;
}

describe.skipIf(!hasChromium)('each tamper class: the same findings in the page as `hoso verify`', () => {
  let dir: string;
  let html: string;
  let browser: Browser;
  let f: Fixture;
  let cases: Case[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hoso-page-tamper-'));
    html = (await buildVerifierPage({ outFile: join(dir, 'hoso-verify.html') })).file;
    f = await buildFixture({ students: 4, changes: 8 });
    cases = await tamperCases(f);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const files = (c: Case, i: number) => {
    const put = (name: string, text: string): string => {
      const p = join(dir, `${i}-${name}`);
      writeFileSync(p, text);
      return p;
    };
    const rootKeys = c.rootKeys ?? f.trust.rootKeys;
    return {
      bundle: put('bundle.hoso', c.text),
      root: rootKeys.map((k, j) => put(`root${j}.key.pub`, `${k}\n`)),
      seal: f.trust.sealKeys.map((k, j) => put(`seal${j}.vkey`, `${k}\n`)),
      witness: f.trust.witnessKeys.map((k, j) => put(`witness${j}.vkey`, `${k}\n`)),
      ...(c.since === undefined ? {} : { since: put('held.checkpoint', c.since) }),
      rootKeys,
    };
  };

  for (const mode of ['webcrypto', 'js'] as const)
    it(`every class, Ed25519 on ${mode === 'js' ? 'the pure-JS fallback' : 'WebCrypto'}`, async () => {
      const v = await openVerifier(browser, html, { withoutWebCryptoEd25519: mode === 'js' });
      const seen = new Set<string>();
      for (const [i, c] of cases.entries()) {
        const input = files(c, i);
        const cli = await verifyBundle(input.bundle, {
          trust: { rootKeys: [...input.rootKeys], sealKeys: f.trust.sealKeys, witnessKeys: f.trust.witnessKeys },
          ...(c.since === undefined ? {} : { since: c.since }),
        });
        if (cli._tag === 'Left') throw new Error(`${c.name}: ${cli.left.message}`);
        const out = await v.verify(input);
        expect(out.state, c.name).toBe('done');
        if (out.state !== 'done') continue;
        expect(out.ed25519, c.name).toBe(mode);
        expect(comparable(out.report), c.name).toEqual(comparable(cli.right));
        for (const x of cli.right.findings) seen.add(x.code);
        // The fixture is built with core alone, so only the school rules (replayed here too) object to it.
        const beyondRules = cli.right.findings.filter((x) => x.code !== 'rule-violation');
        if (c.clean === true) expect(beyondRules, c.name).toEqual([]);
        else expect(beyondRules.length, c.name).toBeGreaterThan(0);
      }
      // The cases do reach the checks they are about.
      for (const code of [
        'checkpoint-root-mismatch',
        'duplicate-id',
        'bundle-layout',
        'event-invalid',
        'ledger-mismatch',
        'header-invalid',
        'since-rollback',
        'key-unregistered',
        'signature-invalid',
        'key-revoked',
        'genesis-untrusted',
        'checkpoint-fork',
        'since-inconsistent',
        'checkpoint-untrusted',
        'checkpoint-signature-invalid',
        'checkpoint-not-witnessed',
        'time-ahead',
      ])
        expect(seen, code).toContain(code);
      expect(v.requests).toEqual([]);
      expect(v.errors).toEqual([]);
      await v.close();
    }, 300_000);
});
