/**
 * Small io-ts codecs for the values that recur in event payloads: identifiers that become parts of
 * stream names, school years, calendar dates, instants, public keys, decimal strings. Each refuses
 * with a message that names the rule, so a decoding error tells the user what to fix.
 */
import * as t from 'io-ts';
import { isValid, parseISO } from 'date-fns';
import { fromBase64Url } from '@hoso/core';
import { describeTextProblem, textProblem, type TextProblem } from './text.js';

/** A string codec checked by `test`; `describe` explains the rule in the error message. */
export function refinedString(
  name: string,
  test: (s: string) => boolean,
  describe: string,
): t.Type<string, string, unknown> {
  return new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && test(u),
    (u, c) => (typeof u === 'string' && test(u) ? t.success(u) : t.failure(u, c, `${name}: ${describe}`)),
    t.identity,
  );
}

/** A string matched by a regular expression. */
export const pattern = (name: string, re: RegExp, describe: string): t.Type<string, string, unknown> =>
  refinedString(name, (s) => re.test(s), describe);

/** An integer in [min, max]. */
export function intRange(name: string, min: number, max: number): t.Type<number, number, unknown> {
  return new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
    (u, c) =>
      typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max
        ? t.success(u)
        : t.failure(u, c, `${name}: an integer from ${min} to ${max}`),
    t.identity,
  );
}

/**
 * A text codec: the string must be clean ledger text ({@link textProblem}: NFC, no control or
 * bidirectional formatting characters, LF only where `multiline`) and pass `test`. The decoder's
 * error names which rule the value broke (`ioErrors` reads {@link TextType.problemOf}).
 */
export class TextType extends t.Type<string, string, unknown> {
  constructor(
    name: string,
    readonly multiline: boolean,
    test: (s: string) => boolean,
    describe: string,
  ) {
    super(
      name,
      (u): u is string => typeof u === 'string' && textProblem(u, multiline) === null && test(u),
      (u, c) => {
        if (typeof u !== 'string') return t.failure(u, c, `${name}: ${describe}`);
        const p = textProblem(u, multiline);
        if (p !== null) return t.failure(u, c, `${name}: ${describeTextProblem(p)}`);
        return test(u) ? t.success(u) : t.failure(u, c, `${name}: ${describe}`);
      },
      t.identity,
    );
  }

  /** The text problem of a refused value, if that is why it was refused. */
  problemOf(u: unknown): TextProblem | null {
    return typeof u === 'string' ? textProblem(u, this.multiline) : null;
  }
}

/** One line of text of 1..max characters, not only whitespace (names, titles, positions). */
export const text = (max: number): TextType =>
  new TextType(
    `Text${max}`,
    false,
    (s) => s.trim().length > 0 && s.length <= max,
    `non-blank text of at most ${max} characters`,
  );

/** Text of 1..max characters that may run over several lines (LF): minutes, reasons, comments. */
export const lines = (max: number): TextType =>
  new TextType(
    `Lines${max}`,
    true,
    (s) => s.trim().length > 0 && s.length <= max,
    `non-blank text of at most ${max} characters (lines separated by LF)`,
  );

/**
 * A cell value as a correction names it (`old`, `new`): clean one-line text of at most 200
 * characters; whether it is a valid value of the cell is the correction rule's business.
 */
export const CellText = new TextType(
  'CellText',
  false,
  (s) => s.length > 0 && s.length <= 200,
  'a value of 1 to 200 characters',
);

/**
 * A school year `YYYY-YYYY` whose second year follows the first (*năm học*), e.g. `2024-2025`.
 * Also a path segment of stream names.
 */
export const SchoolYear = refinedString(
  'SchoolYear',
  (s) => {
    const m = /^(\d{4})-(\d{4})$/.exec(s);
    return m !== null && Number(m[2]) === Number(m[1]) + 1;
  },
  'YYYY-YYYY with consecutive years, e.g. 2024-2025',
);

/** A class code (*lớp*), e.g. `10A1`; a path segment of stream names. */
export const ClassCode = pattern(
  'ClassCode',
  /^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$/,
  'letters, digits, . _ - (1–20), e.g. 10A1',
);

/** A subject code (*môn học*), lowercase ASCII, e.g. `toan`, `ngu-van`; a path segment of stream names. */
export const SubjectCode = pattern(
  'SubjectCode',
  /^[a-z0-9][a-z0-9-]{0,39}$/,
  'lowercase letters, digits and - (1–40), e.g. ngu-van',
);

/** A person's or student's identifier in this school (*mã định danh*); a path segment of stream names. */
export const PersonId = pattern('PersonId', /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (1–64)');

/** A window identifier chosen by the leader, e.g. `hk1-2024`. */
export const WindowId = pattern('WindowId', /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (1–64)');

/** A UUID (any version), lowercase, as event ids are written. */
export const Uuid = pattern(
  'Uuid',
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  'a lowercase UUID',
);

/** A calendar date `YYYY-MM-DD` that exists (2025-02-29 is refused). */
export const CalendarDate = refinedString(
  'CalendarDate',
  (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && isValid(parseISO(s)) && sameDay(s),
  'an existing date YYYY-MM-DD',
);

function sameDay(s: string): boolean {
  // parseISO rolls 2025-02-30 over to March on some inputs; compare the fields back.
  const d = parseISO(s);
  const y = d.getFullYear();
  const m = d.getMonth() + 1;
  const day = d.getDate();
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}` === s;
}

/** An RFC 3339 instant with an explicit offset, e.g. `2024-09-05T07:30:00+07:00`. */
export const Instant = refinedString(
  'Instant',
  (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
  'an RFC 3339 time with offset, e.g. 2024-09-05T07:30:00+07:00',
);

/** An Ed25519 public key: base64url without padding of exactly 32 bytes. */
export const PublicKey = refinedString(
  'PublicKey',
  (s) => fromBase64Url(s)?.length === 32,
  'base64url (no padding) of a 32-byte Ed25519 public key',
);

/** A grade (*khối lớp*): 0 for preschool groups, 1–5 primary, 6–9 lower secondary, 10–12 upper secondary. */
export const Grade = intRange('Grade', 0, 12);

/** The levels of education a school can run (*cấp học*). */
export const SchoolLevel = t.keyof({
  preschool: null,
  primary: null,
  'lower-secondary': null,
  'upper-secondary': null,
  continuing: null,
});
/** The value type of {@link SchoolLevel}. */
export type SchoolLevel = t.TypeOf<typeof SchoolLevel>;

/** A term (*học kì*): `HK1` or `HK2`. */
export const Term = t.keyof({ HK1: null, HK2: null });
/** The value type of {@link Term}. */
export type Term = t.TypeOf<typeof Term>;

/** What a sign-off, confirmation, approval or seal covers: one term or the whole year (`CN`, *cả năm*). */
export const SignPeriod = t.keyof({ HK1: null, HK2: null, CN: null });
/** The value type of {@link SignPeriod}. */
export type SignPeriod = t.TypeOf<typeof SignPeriod>;

/**
 * Primary assessment points (TT27 Điều 6): mid-term I (`GK1`), end of term I (`CK1`), mid-term II
 * (`GK2`), end of year (`CN`).
 */
export const PrimaryPeriod = t.keyof({ GK1: null, CK1: null, GK2: null, CN: null });
/** The value type of {@link PrimaryPeriod}. */
export type PrimaryPeriod = t.TypeOf<typeof PrimaryPeriod>;

/** Half-day session (*buổi*) of an absence. */
export const Session = t.keyof({ morning: null, afternoon: null });
/** The value type of {@link Session}. */
export type Session = t.TypeOf<typeof Session>;

/**
 * Absence kind: `P` excused (*có phép*), `K` unexcused (*không phép*). Preschool attendance adds
 * `C` present (*có mặt*).
 */
export const AbsenceKind = t.keyof({ P: null, K: null });
/** The value type of {@link AbsenceKind}. */
export type AbsenceKind = t.TypeOf<typeof AbsenceKind>;

/** Daily preschool attendance: `C` present, `P` absent excused, `K` absent unexcused. */
export const AttendanceMark = t.keyof({ C: null, P: null, K: null });
/** The value type of {@link AttendanceMark}. */
export type AttendanceMark = t.TypeOf<typeof AttendanceMark>;

/** Sex as written in the register (*giới tính*): `M` nam, `F` nữ. */
export const Sex = t.keyof({ M: null, F: null });
/** The value type of {@link Sex}. */
export type Sex = t.TypeOf<typeof Sex>;

/** Minutes of a correction (*biên bản sửa chữa dữ liệu*, QC Điều 12.3): number, date and text. */
export const Minutes = closed('Minutes', { number: text(64), date: CalendarDate, text: lines(4000) });
/** The value type of {@link Minutes}. */
export type Minutes = t.TypeOf<typeof Minutes>;

/**
 * An object codec that refuses unknown keys (io-ts `exact` would silently strip them, and a signed
 * payload must not carry fields the rules never looked at). `optional` keys may be absent.
 */
export function closed<R extends t.Props, O extends t.Props = Record<never, never>>(
  name: string,
  required: R,
  optional?: O,
): t.Type<t.TypeOf<t.TypeC<R>> & Partial<t.TypeOf<t.TypeC<O>>>, unknown, unknown> {
  const req = t.type(required);
  const opt = t.partial(optional ?? ({} as O));
  const known = new Set([...Object.keys(required), ...Object.keys(optional ?? {})]);
  type A = t.TypeOf<t.TypeC<R>> & Partial<t.TypeOf<t.TypeC<O>>>;
  return new t.Type<A, unknown, unknown>(
    name,
    (u): u is A => req.is(u) && opt.is(u) && Object.keys(u as object).every((k) => known.has(k)),
    (u, c) => {
      if (typeof u === 'object' && u !== null && !Array.isArray(u)) {
        for (const k of Object.keys(u)) {
          if (!known.has(k))
            return t.failure(
              (u as Record<string, unknown>)[k],
              t.appendContext(c, k, t.never, undefined),
              `unknown field "${k}"`,
            );
        }
        for (const [k, v] of Object.entries(u)) {
          // An explicit undefined is not JSON; absent optional fields must be absent.
          if (v === undefined)
            return t.failure(v, t.appendContext(c, k, t.never, undefined), `field "${k}" is undefined`);
        }
      }
      // Validate both halves against the same context (an io-ts intersection would add index keys to error paths).
      const a = req.validate(u, c);
      if (a._tag === 'Left') return a;
      const b = opt.validate(u, c);
      if (b._tag === 'Left') return b;
      return t.success({ ...a.right, ...b.right });
    },
    (a) => a,
  );
}

/**
 * A union of object codecs told apart by the string field `tag` (`{ by: 'key', … } | { by: 'leader', … }`):
 * the tag chooses the member, so a refusal names one member's field instead of every member's.
 */
export function tagged<K extends string, M extends Record<string, t.Mixed>>(
  name: string,
  tag: K,
  members: M,
): t.Type<t.TypeOf<M[keyof M]>, unknown, unknown> {
  type A = t.TypeOf<M[keyof M]>;
  const tags = Object.keys(members);
  const memberOf = (u: unknown): t.Mixed | undefined => {
    if (typeof u !== 'object' || u === null || Array.isArray(u)) return undefined;
    const v = (u as Record<string, unknown>)[tag];
    return typeof v === 'string' && Object.prototype.hasOwnProperty.call(members, v) ? members[v] : undefined;
  };
  return new t.Type<A, unknown, unknown>(
    name,
    (u): u is A => memberOf(u)?.is(u) === true,
    (u, c) => {
      if (typeof u !== 'object' || u === null || Array.isArray(u))
        return t.failure(u, c, `${name}: an object whose "${tag}" is one of ${tags.join(', ')}`);
      const m = memberOf(u);
      if (m === undefined) {
        const v = (u as Record<string, unknown>)[tag];
        return t.failure(v, t.appendContext(c, tag, t.string, v), `${name}: "${tag}" is one of ${tags.join(', ')}`);
      }
      return m.validate(u, c);
    },
    t.identity,
  );
}
