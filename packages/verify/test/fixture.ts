import {
  cosignCheckpoint,
  encodeEnvelope,
  formatVerifierKey,
  leafHash,
  localSigner,
  merkleRoot,
  newEventId,
  signCheckpoint,
  signEnvelope,
  SIG_TYPE_COSIGNATURE,
  toBase64Url,
  toHex,
  type JsonObject,
  type Signer,
} from '@hoso/core';
import { createMemoryStore } from '@hoso/store';
import type { EventStore } from '@hoso/store';
import { formatBundleHeader, formatCheckpointLine, originOf } from '../src/index.js';

/** A deterministic 32-byte seed from a label. */
export function seed(label: number): Uint8Array {
  return new Uint8Array(32).map((_, i) => (i * 31 + label * 17 + 3) & 0xff);
}

export interface Actor {
  readonly seed: Uint8Array;
  readonly signer: Signer;
  readonly key: string;
  readonly person: string;
}

function actor(label: number, person: string): Actor {
  const s = seed(label);
  const signer = localSigner(s);
  return { seed: s, signer, key: toBase64Url(signer.publicKey), person };
}

/**
 * A small, realistic ledger built with core only: genesis by the root key, an admin registered
 * with proof of possession, a teacher, then students (one stream each) and biography changes.
 * Every event's payload decodes with the ledger's catalogue and every signer key is registered
 * before use, so the bundle verifies clean (integrity + authenticity).
 */
export interface Fixture {
  readonly ledger: string;
  readonly events: Uint8Array[];
  readonly root: Actor;
  readonly admin: Actor;
  readonly teacher: Actor;
  /** A key never registered (for re-signing attacks). */
  readonly stranger: Actor;
  readonly seal: { readonly name: string; readonly seed: Uint8Array };
  readonly sealVkey: string;
  readonly witness: { readonly name: string; readonly seed: Uint8Array };
  readonly witnessVkey: string;
  /** Signed checkpoint note (seal + witness cosignature) at `size` over `events`. */
  checkpoint(size: number, events?: readonly Uint8Array[]): string;
  /** Trust anchors that make the bundle verify. */
  readonly trust: { rootKeys: string[]; sealKeys: string[]; witnessKeys: string[] };
}

const AT0 = Date.parse('2024-09-05T00:30:00.000Z');

function at(i: number): string {
  return new Date(AT0 + i * 60_000 + 7 * 3600_000).toISOString().replace('Z', '+07:00');
}

export interface FixtureOptions {
  readonly ledger?: string;
  readonly students?: number;
  readonly changes?: number;
}

export async function buildFixture(opts: FixtureOptions = {}): Promise<Fixture> {
  const ledger = opts.ledger ?? 'thpt-test';
  const root = actor(1, 'hieu-truong');
  const admin = actor(2, 'admin1');
  const teacher = actor(3, 'gv1');
  const stranger = actor(4, 'stranger');
  const heads = new Map<string, { rev: number; leaf: string }>();
  const events: Uint8Array[] = [];
  const add = async (
    stream: string,
    type: string,
    data: JsonObject,
    by: Actor,
    role: string,
    cosigners: Array<{ a: Actor; role: string }> = [],
  ): Promise<void> => {
    const head = heads.get(stream);
    const env = await signEnvelope(
      {
        v: 1,
        id: newEventId(),
        ledger,
        stream,
        rev: head === undefined ? 0 : head.rev + 1,
        prev: head === undefined ? null : head.leaf,
        type,
        data,
        at: at(events.length),
        by: { key: by.key, role },
      },
      [{ signer: by.signer, role }, ...cosigners.map((c) => ({ signer: c.a.signer, role: c.role }))],
    );
    const bytes = encodeEnvelope(env);
    heads.set(stream, { rev: env.rev, leaf: toHex(leafHash(bytes)) });
    events.push(bytes);
  };
  await add(
    'school',
    'SchoolFounded',
    {
      school: ledger,
      name: 'Trường THPT Thử Nghiệm',
      levels: ['upper-secondary'],
      leader: { person: root.person, name: 'Nguyễn Văn An' },
      rootKey: root.key,
      timeZone: 'Asia/Ho_Chi_Minh',
    },
    root,
    'leader',
  );
  await add('school', 'StaffRegistered', { person: admin.person, name: 'Trần Thị Bình' }, root, 'leader');
  await add('school', 'KeyRegistered', { person: admin.person, key: admin.key }, root, 'leader', [
    { a: admin, role: 'holder' },
  ]);
  await add('school', 'RoleGranted', { person: admin.person, role: 'admin' }, root, 'leader');
  await add('school', 'StaffRegistered', { person: teacher.person, name: 'Lê Văn Cường' }, admin, 'admin');
  await add('school', 'KeyRegistered', { person: teacher.person, key: teacher.key }, admin, 'admin', [
    { a: teacher, role: 'holder' },
  ]);
  const students = opts.students ?? 6;
  for (let i = 0; i < students; i++)
    await add(
      `student/hs${i}`,
      'StudentRegistered',
      {
        student: `hs${i}`,
        year: '2024-2025',
        class: '10a1',
        bio: { name: `Học sinh ${i}`, birthDate: '2008-03-0' + String((i % 9) + 1), sex: i % 2 === 0 ? 'F' : 'M' },
      },
      teacher,
      'homeroom',
    );
  const changes = opts.changes ?? 6;
  for (let i = 0; i < changes; i++)
    await add(
      `student/hs${i % students}`,
      'BiographyChanged',
      {
        student: `hs${i % students}`,
        year: '2024-2025',
        class: '10a1',
        changes: { address: `Số ${i} đường Lê Lợi` },
        reason: 'Chuyển nhà',
      },
      teacher,
      'homeroom',
    );

  const seal = { name: originOf(ledger), seed: seed(10) };
  const witness = { name: 'so-gddt.example', seed: seed(11) };
  const sealPub = localSigner(seal.seed).publicKey;
  const witnessPub = localSigner(witness.seed).publicKey;
  const checkpoint = (size: number, evs: readonly Uint8Array[] = events): string => {
    const rootHash = merkleRoot(evs.slice(0, size).map((e) => leafHash(e)));
    const note = signCheckpoint({ origin: originOf(ledger), size, root: rootHash }, seal);
    return cosignCheckpoint(note, witness, 1_725_500_000 + size);
  };
  return {
    ledger,
    events,
    root,
    admin,
    teacher,
    stranger,
    seal,
    sealVkey: formatVerifierKey(seal.name, sealPub),
    witness,
    witnessVkey: formatVerifierKey(witness.name, witnessPub, SIG_TYPE_COSIGNATURE),
    checkpoint,
    trust: {
      rootKeys: [root.key],
      sealKeys: [formatVerifierKey(seal.name, sealPub)],
      witnessKeys: [formatVerifierKey(witness.name, witnessPub, SIG_TYPE_COSIGNATURE)],
    },
  };
}

/** The bundle text of `events` with the given checkpoint notes (last one should be of size N). */
export function bundleText(
  ledger: string,
  events: readonly Uint8Array[],
  checkpoints: readonly string[],
  declaredSize = events.length,
): string {
  const dec = new TextDecoder();
  return (
    [
      formatBundleHeader(originOf(ledger), declaredSize),
      ...events.map((e) => dec.decode(e)),
      ...checkpoints.map((c) => formatCheckpointLine(c)),
    ].join('\n') + '\n'
  );
}

/** A memory store holding the fixture's events. */
export async function storeOf(f: Fixture): Promise<EventStore> {
  const store = createMemoryStore();
  const r = await store.append(f.ledger, f.events, { expected: 0 });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return store;
}

/**
 * The fixture's events followed by one `BiographyChanged` (by the teacher, in the first student's
 * stream) for each of `ats`, signed at that claimed time: the history an insider writes when the
 * clock of whoever appends is wrong or lying.
 */
export async function withChanges(f: Fixture, ats: readonly string[]): Promise<Uint8Array[]> {
  const events = [...f.events];
  const dec = new TextDecoder();
  let rev = -1;
  let prev: string | null = null;
  for (const b of events) {
    const e = JSON.parse(dec.decode(b)) as { stream: string; rev: number };
    if (e.stream !== 'student/hs0') continue;
    rev = e.rev;
    prev = toHex(leafHash(b));
  }
  for (const at of ats) {
    const env = await signEnvelope(
      {
        v: 1,
        id: newEventId(),
        ledger: f.ledger,
        stream: 'student/hs0',
        rev: rev + 1,
        prev,
        type: 'BiographyChanged',
        data: {
          student: 'hs0',
          year: '2024-2025',
          class: '10a1',
          changes: { phone: '0900000000' },
          reason: 'Cập nhật',
        },
        at,
        by: { key: f.teacher.key, role: 'homeroom' },
      },
      [{ signer: f.teacher.signer, role: 'homeroom' }],
    );
    const bytes = encodeEnvelope(env);
    events.push(bytes);
    rev = env.rev;
    prev = toHex(leafHash(bytes));
  }
  return events;
}
