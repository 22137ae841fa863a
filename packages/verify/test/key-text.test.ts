import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyText, parseTrust, verifyBundle } from '../src/index.js';
import { buildFixture, bundleText, type Fixture } from './fixture.js';

// The API reads key files as `hoso verify --trust` does: a key read from a file as saved — with
// its trailing newline, with Windows CRLF, with a byte-order mark — is the same key.
let f: Fixture;
let dir: string;
beforeAll(async () => {
  f = await buildFixture();
  dir = mkdtempSync(join(tmpdir(), 'hoso-key-text-'));
});

const saved = (text: string, ending: string, bom = false): string => {
  const path = join(dir, `k${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, `${bom ? '\uFEFF' : ''}${text}${ending}`);
  return readFileSync(path, 'utf8');
};

describe('key files, as saved', () => {
  it('keyText drops a byte-order mark and the whitespace around the key, nothing else', () => {
    expect(keyText('\uFEFFabc\r\n')).toBe('abc');
    expect(keyText('  abc\n\n')).toBe('abc');
    expect(keyText('a b')).toBe('a b');
  });

  for (const [name, ending, bom] of [
    ['a trailing newline', '\n', false],
    ['CRLF', '\r\n', false],
    ['a byte-order mark and CRLF', '\r\n', true],
  ] as const)
    it(`verifyBundle accepts root, seal and witness keys read from files with ${name}`, async () => {
      const trust = {
        rootKeys: f.trust.rootKeys.map((k) => saved(k, ending, bom)),
        sealKeys: f.trust.sealKeys.map((k) => saved(k, ending, bom)),
        witnessKeys: f.trust.witnessKeys.map((k) => saved(k, ending, bom)),
      };
      const parsed = parseTrust(trust);
      expect(parsed._tag).toBe('Right');
      const path = join(dir, `b-${name.replace(/\W+/g, '-')}.hoso`);
      writeFileSync(path, bundleText(f.ledger, f.events, [f.checkpoint(f.events.length)]));
      const r = await verifyBundle(path, { trust, workers: 0, compliance: false });
      if (r._tag === 'Left') throw new Error(r.left.message);
      expect(r.right.verdict).toBe('verified');
      expect(r.right.anchors.rootKeys).toEqual(f.trust.rootKeys);
    });

  it('a key with anything else in it is still refused, naming the field', () => {
    const r = parseTrust({ rootKeys: [`${f.trust.rootKeys[0]!} x`] });
    expect(r._tag).toBe('Left');
    if (r._tag === 'Left') expect(r.left.path).toEqual(['trust', 'rootKeys', 0]);
  });
});
