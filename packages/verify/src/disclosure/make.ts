/**
 * Making a disclosure (docs/personal-data.md §6): pick the pupils and fields the audience needs,
 * take their openings from the personal-data store (erased pupils have none and are listed as
 * such), and for a transcript the pupil's events with inclusion proofs against the checkpoint.
 */
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import {
  bytesEqual,
  decodeEnvelope,
  hosoError,
  peekCheckpoint,
  toBase64Url,
  toHex,
  type HosoError,
  type Signer,
} from '@hoso/core';
import { BIO_FIELDS, commitmentsOf, erasedStudents, type PersonalDataReader } from '@hoso/ledger';
import type { EventStore } from '@hoso/store';
import { originOf } from '../bundle/format.js';
import { proveEvent } from '../proofs.js';
import {
  signDisclosure,
  type DisclosedOpening,
  type Disclosure,
  type DisclosureRequest,
  type DisclosureScope,
} from './format.js';

/** What {@link makeDisclosure} is asked for. */
export interface DiscloseOptions {
  readonly scope: DisclosureScope;
  /** The signed checkpoint note the disclosure (and the bundle it goes with) ends at. */
  readonly checkpoint: string;
  readonly audience: string;
  readonly purpose: string;
  /** Default: now. */
  readonly issuedAt?: string;
  readonly decision?: { readonly number: string; readonly date: string };
  /** `inspector`: `all` (default) or a list; `transcript`: exactly one pupil; `vendor`: ignored. */
  readonly students?: 'all' | readonly string[];
  /** Narrow `students` to one class (its pupils at any time of that year). */
  readonly class?: { readonly year: string; readonly class: string };
  /** Fields to open (default: every biographical field). */
  readonly fields?: readonly string[];
  /** The leader's ledger key. */
  readonly signer: Signer;
}

/** Why a disclosure could not be made; nothing was written. */
export type DiscloseError = HosoError<
  'invalid-argument' | 'unknown-student' | 'personal-data-erased' | 'checkpoint-invalid' | 'checkpoint-mismatch'
>;

/** Event types a transcript always carries: the keys and roles its signatures are traced through. */
const TRUST_EVENTS = new Set([
  'SchoolFounded',
  'KeyRegistered',
  'KeyRevoked',
  'RoleGranted',
  'RoleRevoked',
  'PersonalDataFormatAdopted',
]);
/** The acts that sign a class's books (QC Điều 12): carried when the pupil was in that class. */
const ACTS = new Set(['SubjectSignedOff', 'ClassConfirmed', 'ClassApproved', 'BookSealed']);

interface Scan {
  /** Pupil → class keys (`year/class`) they were registered or moved in. */
  readonly classes: Map<string, Set<string>>;
  /** Pupil → commitments signed up to the checkpoint. */
  readonly commitments: Map<string, Set<string>>;
  readonly erased: Set<string>;
  /** Positions a transcript of `transcriptOf` carries, in order. */
  readonly positions: number[];
}

async function scan(store: EventStore, ledger: string, size: number, transcriptOf: string | null): Promise<Scan> {
  const classes = new Map<string, Set<string>>();
  const commitments = new Map<string, Set<string>>();
  const erased = new Set<string>();
  const positions: number[] = [];
  const mine = new Set<string>();
  let position = 0;
  for await (const ev of store.read(ledger, { from: 0, to: size })) {
    const env = decodeEnvelope(ev.bytes);
    const p = position++;
    if (env._tag === 'Left') continue;
    const e = env.right;
    const d = e.data as { student?: unknown; year?: unknown; class?: unknown; target?: unknown };
    if (typeof d.student === 'string' && typeof d.year === 'string' && typeof d.class === 'string') {
      const set = classes.get(d.student) ?? new Set<string>();
      set.add(`${d.year}/${d.class}`);
      classes.set(d.student, set);
    }
    const c = commitmentsOf(e.type, e.data);
    if (c !== undefined) {
      const set = commitments.get(c.student) ?? new Set<string>();
      for (const v of Object.values(c.pd)) set.add(v);
      commitments.set(c.student, set);
    }
    for (const s of erasedStudents({ id: e.id, type: e.type, data: e.data })) erased.add(s);
    if (transcriptOf === null) continue;
    const theirs =
      d.student === transcriptOf ||
      (e.type === 'CorrectionMade' && typeof d.target === 'string' && mine.has(d.target)) ||
      (ACTS.has(e.type) &&
        typeof d.year === 'string' &&
        typeof d.class === 'string' &&
        (classes.get(transcriptOf)?.has(`${d.year}/${d.class}`) ?? false));
    if (theirs) mine.add(e.id);
    if (theirs || TRUST_EVENTS.has(e.type)) positions.push(p);
  }
  return { classes, commitments, erased, positions };
}

function invalid(path: string, message: string): Either<DiscloseError, never> {
  return left(hosoError('invalid-argument', message, { path: [path], rule: 'docs/personal-data.md §6' }));
}

/**
 * Make and sign a disclosure of `ledger` at `options.checkpoint`, taking openings from `personal`
 * (every one is checked against the commitment the ledger signs before it is given out). A pupil
 * not in the ledger is refused (`unknown-student`); an erased pupil named in an inspector's list is
 * listed in `erased` with nothing disclosed, and a transcript of one is refused
 * (`personal-data-erased`).
 */
export async function makeDisclosure(
  store: EventStore,
  ledger: string,
  personal: PersonalDataReader | undefined,
  options: DiscloseOptions,
): Promise<Either<DiscloseError, Disclosure>> {
  const cp = peekCheckpoint(options.checkpoint);
  if (cp._tag === 'Left' || cp.right.origin !== originOf(ledger))
    return left(
      hosoError('checkpoint-invalid', `checkpoint: not a signed checkpoint of ${originOf(ledger)}`, {
        path: ['checkpoint'],
        rule: 'C2SP tlog-checkpoint',
      }),
    );
  const size = cp.right.size;
  if (size < 1) return invalid('checkpoint', 'checkpoint: an empty ledger discloses nothing');
  if (size > (await store.size(ledger)) || !bytesEqual(await store.root(ledger, size), cp.right.root))
    return left(
      hosoError('checkpoint-mismatch', `checkpoint: not this ledger's root at size ${size}`, {
        path: ['checkpoint'],
        rule: 'RFC 9162 §2.1',
      }),
    );
  const fields = options.fields ?? BIO_FIELDS;
  for (const [i, f] of fields.entries())
    if (!(BIO_FIELDS as readonly string[]).includes(f))
      return left(
        hosoError('invalid-argument', `fields[${i}]: "${f}" is not one of ${BIO_FIELDS.join(', ')}`, {
          path: ['fields', i],
          rule: 'docs/personal-data.md §2',
        }),
      );
  const scope = options.scope;
  const asked = options.students ?? 'all';
  if (scope === 'transcript' && (asked === 'all' || asked.length !== 1))
    return invalid('students', 'students: a transcript is of exactly one pupil');
  if (scope !== 'vendor' && personal === undefined)
    return invalid('personal', 'personal: the openings come from the personal-data store');
  const transcriptOf = scope === 'transcript' ? (asked as readonly string[])[0]! : null;
  const s = await scan(store, ledger, size, transcriptOf);
  const known = (st: string): boolean => s.classes.has(st) || s.commitments.has(st);
  if (asked !== 'all')
    for (const [i, st] of asked.entries())
      if (!known(st))
        return left(
          hosoError('unknown-student', `students[${i}]: "${st}" is not a pupil of this ledger`, {
            path: ['students', i],
            rule: 'QC Điều 8.1',
          }),
        );
  if (transcriptOf !== null && s.erased.has(transcriptOf))
    return left(
      hosoError('personal-data-erased', `the personal data of "${transcriptOf}" was erased: it is never disclosed`, {
        path: ['students', 0],
        rule: 'docs/personal-data.md §4',
      }),
    );
  const cls = options.class;
  let pupils = asked === 'all' ? [...new Set([...s.classes.keys(), ...s.commitments.keys()])].sort() : [...asked];
  if (cls !== undefined) pupils = pupils.filter((p) => s.classes.get(p)?.has(`${cls.year}/${cls.class}`) ?? false);
  const erased = scope === 'vendor' ? [] : pupils.filter((p) => s.erased.has(p));
  const openings: DisclosedOpening[] = [];
  if (scope !== 'vendor')
    for (const p of pupils) {
      if (s.erased.has(p)) continue;
      const signed = s.commitments.get(p);
      if (signed === undefined) continue;
      for (const o of personal!.openings(p))
        if (fields.includes(o.field) && signed.has(o.commitment))
          openings.push({
            student: p,
            field: o.field,
            commitment: o.commitment,
            salt: toBase64Url(o.salt),
            value: o.value,
          });
    }
  let events: string[] | undefined;
  if (transcriptOf !== null) {
    events = [];
    for (const position of s.positions) {
      const proof = await proveEvent(store, ledger, position, options.checkpoint);
      if (proof._tag === 'Left')
        return left(
          hosoError('checkpoint-mismatch', proof.left.message, { path: ['checkpoint'], rule: 'RFC 9162 §2.1.3.2' }),
        );
      events.push(proof.right);
    }
  }
  const request: DisclosureRequest = {
    students: scope === 'vendor' ? [] : asked === 'all' ? 'all' : [...asked],
    ...(cls === undefined ? {} : { class: { year: cls.year, class: cls.class } }),
    fields: scope === 'vendor' ? [] : [...fields],
  };
  return right(
    await signDisclosure(
      {
        format: 'hoso/disclosure@v1',
        origin: originOf(ledger),
        scope,
        size,
        root: toHex(cp.right.root),
        audience: options.audience,
        purpose: options.purpose,
        issuedAt: options.issuedAt ?? new Date().toISOString(),
        ...(options.decision === undefined ? {} : { decision: options.decision }),
        request,
        erased,
        openings,
        ...(events === undefined ? {} : { events }),
      },
      options.signer,
    ),
  );
}
