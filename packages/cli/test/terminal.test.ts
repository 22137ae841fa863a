import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodeEnvelope,
  formatVerifierKey,
  leafHash,
  localSigner,
  merkleRoot,
  newEventId,
  sha256,
  signCheckpoint,
  signEnvelope,
  toBase64Url,
  toHex,
  utf8,
  type JsonObject,
} from '@hoso/core';
import { formatBundleHeader, formatCheckpointLine, originOf } from '@hoso/verify';
import { hoso } from './run.js';

// A ledger written behind the library's back can hold any text in a name or a reason: what
// `hoso verify`, `show` and `log` print of it must reach the terminal escaped.
const OSC52 = '\u001b]52;c;cm0gLXJmIH4=\u0007';
const HOSTILE_NAME = `Nguyễn Văn An\r${OSC52}\u001b[2J\u001b[32mVERIFIED / ĐẠT\u001b[0m \u202e5.8`;
/**
 * What the ledger's own text rule lets through (it refuses C0, C1, DEL and the bidi embeddings,
 * overrides and isolates): a right-to-left mark, a line separator, a zero-width space and a BOM
 * still do not belong on a terminal as themselves.
 */
const SLY_NAME = `Nguyễn Văn An\u200f\u2028VERIFIED / ĐẠT\u200b\ufeff 5.8`;
const HOSTILE_STREAM = 'student/\u202ehs1';
/** What a terminal acts on instead of showing. */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const ACTING = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/u;

const LEDGER = 'thpt-escape';
const root = localSigner(sha256(utf8('terminal-test/root')));
const rootKey = toBase64Url(root.publicKey);
const seal = { name: originOf(LEDGER), seed: sha256(utf8('terminal-test/seal')) };
let dir: string;
/** Genesis, a student with a hostile name, a change with a hostile reason. */
let bundle: string;
/** The same with the name and reason the ledger's text rule accepts ({@link SLY_NAME}). */
let sly: string;
/** The same, with the change moved to a stream whose name holds U+202E (a rev gap there). */
let broken: string;
/** The genesis alone: nothing wrong in it. */
let genesis: string;
let trust: string[];

function write(name: string, lines: readonly string[]): string {
  const note = signCheckpoint(
    { origin: originOf(LEDGER), size: lines.length, root: merkleRoot(lines.map((l) => leafHash(utf8(l)))) },
    seal,
  );
  const path = join(dir, name);
  writeFileSync(
    path,
    [formatBundleHeader(originOf(LEDGER), lines.length), ...lines, formatCheckpointLine(note)].join('\n') + '\n',
  );
  return path;
}

/** The genesis, a student named `name` and a change with `name` as its reason, as bundle lines. */
async function ledgerLines(name: string): Promise<string[]> {
  const events: Uint8Array[] = [];
  const heads = new Map<string, { rev: number; leaf: string }>();
  const add = async (stream: string, type: string, data: JsonObject, at: string) => {
    const head = heads.get(stream);
    const env = await signEnvelope(
      {
        v: 1,
        id: newEventId(),
        ledger: LEDGER,
        stream,
        rev: head === undefined ? 0 : head.rev + 1,
        prev: head === undefined ? null : head.leaf,
        type,
        data,
        at,
        by: { key: rootKey, role: 'leader' },
      },
      [{ signer: root, role: 'leader' }],
    );
    const bytes = encodeEnvelope(env);
    heads.set(stream, { rev: env.rev, leaf: toHex(leafHash(bytes)) });
    events.push(bytes);
  };
  await add(
    'school',
    'SchoolFounded',
    {
      school: LEDGER,
      name: 'Trường THPT Thử Nghiệm',
      levels: ['upper-secondary'],
      leader: { person: 'hieu-truong', name: 'Nguyễn Văn An' },
      rootKey,
      timeZone: 'Asia/Ho_Chi_Minh',
    },
    '2024-09-05T07:30:00.000+07:00',
  );
  await add(
    'student/hs1',
    'StudentRegistered',
    {
      student: 'hs1',
      year: '2024-2025',
      class: '10a1',
      bio: { name, birthDate: '2008-03-01', sex: 'F' },
    },
    '2024-09-05T07:31:00.000+07:00',
  );
  // A stream name core accepts (no C0 control) but a terminal would reverse: shown in a finding.
  await add(
    'student/hs1',
    'BiographyChanged',
    { student: 'hs1', year: '2024-2025', class: '10a1', changes: { phone: '1' }, reason: name },
    '2024-09-05T07:32:00.000+07:00',
  );
  return events.map((e) => new TextDecoder().decode(e));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hoso-terminal-'));
  const text = await ledgerLines(HOSTILE_NAME);
  sly = write('sly.hoso', await ledgerLines(SLY_NAME));
  expect(text[2]).toContain('"stream":"student/hs1"');
  bundle = write('ledger.hoso', text);
  broken = write('broken.hoso', [
    text[0]!,
    text[1]!,
    text[2]!.replace('"stream":"student/hs1"', `"stream":${JSON.stringify(HOSTILE_STREAM)}`),
  ]);
  genesis = write('genesis.hoso', [text[0]!]);
  const vkey = join(dir, 'seal.vkey');
  writeFileSync(vkey, formatVerifierKey(seal.name, localSigner(seal.seed).publicKey) + '\n');
  const pub = join(dir, 'root.key.pub');
  writeFileSync(pub, rootKey + '\n');
  trust = ['--trust', vkey, '--trust', pub];
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('what hoso prints from a ledger is escaped', () => {
  it('verify: the findings name the hostile stream, escaped, in text and in --json', async () => {
    const r = await hoso(['verify', broken, ...trust]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(ACTING);
    expect(r.stdout).toContain('student/\\u202ehs1');
    expect(r.stdout.startsWith('NOT VERIFIED / KHÔNG ĐẠT')).toBe(true);
    const j = await hoso(['verify', broken, ...trust, '--json']);
    expect(j.stdout).not.toMatch(ACTING);
    const parsed = JSON.parse(j.stdout) as { findings: Array<{ stream: string | null }> };
    expect(parsed.findings.map((f) => f.stream)).toContain(HOSTILE_STREAM); // the same value, escaped on the wire
  });

  it('verify: a name with OSC 52, CR, ESC[ and U+202E is refused by the catalogue, and nothing of it acts on the terminal', async () => {
    // The catalogue's text rule refuses these characters, so `log` and `show`, which print the
    // ledger's state, never hold them; the verifier reads the raw lines and refuses both events.
    const r = await hoso(['verify', bundle, ...trust]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).not.toMatch(ACTING);
    expect(r.stdout.startsWith('NOT VERIFIED / KHÔNG ĐẠT')).toBe(true);
    const j = await hoso(['verify', bundle, ...trust, '--json']);
    expect(j.stdout).not.toMatch(ACTING);
    const found = (JSON.parse(j.stdout) as { findings: Array<{ code: string; position: number | null }> }).findings;
    expect(found.map((f) => [f.code, f.position])).toEqual([
      ['event-invalid', 1],
      ['event-invalid', 2],
    ]);
  });

  it('log and show: names and reasons with the invisible characters the ledger accepts reach the terminal escaped', async () => {
    const log = await hoso(['log', sly, '--student', 'hs1']);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).not.toMatch(ACTING);
    expect(log.stdout).toContain('Nguyễn Văn An\\u200f\\u2028VERIFIED / ĐẠT\\u200b\\ufeff 5.8');
    const json = await hoso(['log', sly, '--student', 'hs1', '--json']);
    expect(json.stdout).not.toMatch(ACTING);
    const first = JSON.parse(json.stdout.split('\n')[0]!) as { data: { bio: { name: string } } };
    expect(first.data.bio.name).toBe(SLY_NAME);
    const show = await hoso(['show', sly, '--register']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).not.toMatch(ACTING);
    expect(show.stdout).toContain('Nguyễn Văn An\\u200f\\u2028');
  });
});

describe('hoso verify says what it established', () => {
  it('exit 3 UNANCHORED without a root key; the keys it was checked against and the origin it accepted are listed', async () => {
    const clean = await hoso(['verify', genesis, ...trust]);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout.startsWith('VERIFIED / ĐẠT')).toBe(true);
    const sealOnly = await hoso(['verify', genesis, '--trust', trust[1]!]);
    expect(sealOnly.code, sealOnly.stdout + sealOnly.stderr).toBe(3);
    expect(sealOnly.stdout.startsWith('UNANCHORED / CHƯA ĐỐI CHIẾU')).toBe(true);
    expect(sealOnly.stdout).toContain('root keys / khóa gốc: none');
    expect(sealOnly.stdout).toContain(`seal keys / khóa đóng dấu: ${originOf(LEDGER)}+`);
    expect(sealOnly.stdout).toContain(
      `ledger / sổ: ${originOf(LEDGER)}; expected ${originOf(LEDGER)}, from the trusted seal key's name`,
    );
    const none = await hoso(['verify', genesis, '--json']);
    expect(none.code).toBe(3);
    expect(JSON.parse(none.stdout)).toMatchObject({
      ok: true,
      verdict: 'unanchored',
      anchors: { missing: ['root-key', 'seal-key'] },
    });
    const wrong = await hoso(['verify', genesis, ...trust, '--origin', 'hoso/thpt-other']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('origin-mismatch');
    const bad = await hoso(['verify', genesis, ...trust, '--origin', 'thpt-other']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--origin');
  });
});
