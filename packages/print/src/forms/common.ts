/**
 * What the form builders share: the school block and date line of the national header, signature
 * blocks by the signer's role, the check of signers and values, and the correction notes printed
 * under a table.
 */
import { printError, type PrintError } from '../errors.js';
import type { Cell, FormHeader, Signature, SignerRole, Verification } from '../model.js';
import { keyFingerprint, placeDateLine, viDate, viDecimal } from '../text.js';

/**
 * What every form needs besides its book: the school, and the checkpoint it is printed against.
 */
export interface PrintMeta {
  readonly school: SchoolInfo;
  /** Checkpoint origin, size, root and the book's head event (see {@link Verification}). */
  readonly verification: Verification;
  /** Date of printing, `YYYY-MM-DD`, for the place-and-date line under the motto. */
  readonly printedOn?: string;
}

/** The issuing authority block of a form (*cơ quan chủ quản, tên trường*). */
export interface SchoolInfo {
  /** Supervising authority, e.g. `"SỞ GD&ĐT ĐẮK NÔNG"` or `"PHÒNG GD&ĐT TP GIA NGHĨA"`. */
  readonly authority: string;
  /** School name in capitals, e.g. `"TRƯỜNG THPT CHU VĂN AN"`. */
  readonly name: string;
  /**
   * Place of the date line (*địa danh*), e.g. `"Đắk Nông"`: the province of the school's founding
   * event (`SchoolFounded.province`) unless the printer names another. Absent, the line leaves the
   * place blank (*"……, ngày 5 tháng 9 năm 2024"*) for the clerk to write by hand.
   */
  readonly place?: string;
}

/** A person who signed (or signs) a book, with the ledger key they sign with. */
export interface Signer {
  readonly name: string;
  /** Ed25519 public key, base64url (as in the envelope's `by.key`); printed as a fingerprint. */
  readonly key?: string;
  /** When they signed in the ledger (RFC 3339 or free text). */
  readonly signedAt?: string;
}

/**
 * One correction of a value (*sửa chữa dữ liệu*, QC Điều 12.3), as the books record it:
 * minutes number, date, reason, the three people, old and new value.
 */
export interface CorrectionTrace {
  /** Minutes number (*số biên bản*), e.g. `"03/BB-SCDL"`. */
  readonly minutes: string;
  readonly old: string;
  readonly new: string;
  /** Date of the minutes, `YYYY-MM-DD`. */
  readonly date?: string;
  readonly reason?: string;
  readonly requester?: string;
  readonly approver?: string;
  readonly witness?: string;
}

/**
 * A value as the books hand it over: a plain string (decimals with a dot, as in the ledger), or a
 * value with its corrections, oldest first (the last one's `new` is the value in force).
 */
export type MarkValue =
  | string
  | {
      readonly value: string;
      readonly corrections?: ReadonlyArray<CorrectionTrace>;
      /** A make-up (*kiểm tra bù*, TT22 Điều 7); `taken: false` when the student did not sit it either. */
      readonly makeUp?: { readonly taken: boolean };
      /** A result read from another school's document (*chuyển đến*, QC Điều 8.2): the school and the document. */
      readonly source?: { readonly school: string; readonly document: string };
    };

/** Rule cited by input-shape errors of the form builders. */
export const RULE_INPUT = 'hoso print form input (docs/printing.md)';

/** The national header with the school on the left. */
export function formHeader(
  meta: PrintMeta,
  extra: { number?: string; formCode?: string; date?: string } = {},
): FormHeader {
  const date = extra.date ?? meta.printedOn;
  const h: { -readonly [K in keyof FormHeader]: FormHeader[K] } = {
    authority: [meta.school.authority, meta.school.name],
    motto: true,
  };
  if (extra.number !== undefined) h.number = extra.number;
  if (extra.formCode !== undefined) h.formCode = extra.formCode;
  if (date !== undefined) h.placeDate = placeDateLine(meta.school.place, date);
  return h;
}

/** The title printed over each signer's place, by role. */
export const SIGNER_TITLES: Readonly<Record<SignerRole, string>> = {
  'subject-teacher': 'GIÁO VIÊN BỘ MÔN',
  homeroom: 'GIÁO VIÊN CHỦ NHIỆM',
  teacher: 'GIÁO VIÊN',
  principal: 'HIỆU TRƯỞNG',
  requester: 'NGƯỜI ĐỀ NGHỊ',
  witness: 'NGƯỜI CHỨNG KIẾN',
  approver: 'LÃNH ĐẠO ĐƠN VỊ',
};

/** A signature block for a signer in a role (its title from the role; fingerprint from the key when it has one). */
export function signature(role: SignerRole, s: Signer | undefined, note?: string): Signature {
  const sig: { -readonly [K in keyof Signature]: Signature[K] } = {
    title: SIGNER_TITLES[role],
    role,
    name: s?.name ?? '',
  };
  if (note !== undefined) sig.note = note;
  const fp = s?.key !== undefined ? keyFingerprint(s.key) : undefined;
  if (fp !== undefined) sig.fingerprint = fp;
  if (s?.signedAt !== undefined) sig.signedAt = s.signedAt;
  return sig;
}

/** Check a signer's key (when given) is a 32-byte base64url Ed25519 key. */
export function checkSigner(s: Signer | undefined, path: ReadonlyArray<string | number>): PrintError | undefined {
  if (s === undefined) return undefined;
  if (typeof s.name !== 'string')
    return printError('print-invalid-input', 'name must be a string', [...path, 'name'], RULE_INPUT);
  if (s.key !== undefined && keyFingerprint(s.key) === undefined)
    return printError(
      'print-invalid-input',
      'key must be a 32-byte Ed25519 public key in base64url',
      [...path, 'key'],
      'docs/design.md §3 (by.key)',
    );
  return undefined;
}

/** Check a {@link MarkValue}. */
export function checkMark(v: MarkValue, path: ReadonlyArray<string | number>): PrintError | undefined {
  if (typeof v === 'string') return undefined;
  if (typeof v !== 'object' || v === null || typeof v.value !== 'string')
    return printError('print-invalid-input', 'a value is a string or { value, corrections }', path, RULE_INPUT);
  for (const [i, c] of (v.corrections ?? []).entries()) {
    if (typeof c.minutes !== 'string' || c.minutes.trim() === '')
      return printError(
        'print-invalid-input',
        'a correction names its minutes',
        [...path, 'corrections', i, 'minutes'],
        'QC Điều 12.3',
      );
    if (typeof c.old !== 'string' || typeof c.new !== 'string')
      return printError(
        'print-invalid-input',
        'a correction has old and new values',
        [...path, 'corrections', i],
        'QC Điều 12.3',
      );
  }
  const last = v.corrections?.[v.corrections.length - 1];
  if (last !== undefined && last.new !== v.value)
    return printError(
      'print-invalid-input',
      'the last correction must set the value in force',
      [...path, 'value'],
      'QC Điều 12.3',
      {
        value: v.value,
        lastNew: last.new,
      },
    );
  return undefined;
}

/** Collects the corrections printed in a table, numbered, for the notes under it. */
export class CorrectionNotes {
  private readonly lines: string[] = [];
  /** Make-ups and results brought from another school, each marked `*` in its cell. */
  private readonly marked: string[] = [];

  /**
   * The cell for a value (decimals printed with a comma); registers its corrections as notes, and a
   * make-up or a result from another school as a note of its own, the cell marked `*`.
   */
  cell(v: MarkValue, what: string): Cell {
    if (typeof v === 'string') return viDecimal(v);
    const star = markedNote(v, what);
    if (star !== undefined) this.marked.push(star);
    const text = `${viDecimal(v.value)}${star === undefined ? '' : '*'}`;
    const cs = v.corrections ?? [];
    const last = cs[cs.length - 1];
    if (last === undefined) return text;
    for (const c of cs) this.lines.push(describeCorrection(c, what));
    // The cell shows the value first entered, struck through, as the paper would after each edit.
    return {
      text,
      correction: { old: viDecimal(cs[0]!.old), minutes: cs.map((c) => c.minutes).join(', ') },
    };
  }

  /** The notes, or none when nothing was corrected, made up or brought from another school. */
  notes(): string[] {
    return [
      ...(this.lines.length === 0
        ? []
        : ['Sửa chữa dữ liệu (QC Điều 12.3) — giá trị cũ gạch đỏ, giá trị mới bên cạnh:', ...this.lines]),
      ...(this.marked.length === 0 ? [] : ['(*) Kiểm tra bù, kết quả chuyển đến:', ...this.marked]),
    ];
  }
}

/** The note of a make-up or of a result from another school, or undefined for an ordinary value. */
function markedNote(v: Exclude<MarkValue, string>, what: string): string | undefined {
  const value = viDecimal(v.value) || '(trống)';
  if (v.makeUp !== undefined)
    return `${what}: ${value} — ${v.makeUp.taken ? 'điểm kiểm tra bù' : 'không dự kiểm tra bù'} (TT22 Điều 7)`;
  if (v.source !== undefined)
    return `${what}: ${value} — kết quả chuyển đến từ ${v.source.school}, theo ${v.source.document} (QC Điều 8.2)`;
  return undefined;
}

/** One line of a correction note: `BB 03/BB-SCDL (12/01/2025) — <what>: 6 → 9; lý do …; đề nghị …`. */
export function describeCorrection(c: CorrectionTrace, what: string): string {
  const parts = [
    `BB ${c.minutes}${c.date ? ` (${viDate(c.date)})` : ''} — ${what}: ${viDecimal(c.old) || '(trống)'} → ${viDecimal(c.new) || '(trống)'}`,
  ];
  if (c.reason) parts.push(`lý do: ${c.reason}`);
  if (c.requester) parts.push(`đề nghị: ${c.requester}`);
  if (c.approver) parts.push(`phê duyệt: ${c.approver}`);
  if (c.witness) parts.push(`chứng kiến: ${c.witness}`);
  return parts.join('; ');
}

/**
 * A section's running head (*tiêu đề lặp lại*), printed at the top of its continuation pages: the
 * form's name and the parts that say which book it is (class, subject, year, teacher), those
 * without a value left out.
 */
export function runningHeadOf(form: string, parts: ReadonlyArray<string | undefined>): string {
  return [form, ...parts.filter((p): p is string => p !== undefined && p.trim() !== '')].join(' — ');
}

/** `"<label>: <value>"`, or nothing when the value is missing or blank (a running head's part). */
export function labelled(label: string, value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : `${label}: ${value}`;
}

/**
 * The document metadata of a form: the school as author (its name from `meta`) and what the form
 * is as subject. They go into the PDF's document information and XMP metadata (PDF/A).
 */
export function documentMeta(meta: PrintMeta, subject: string): { author?: string; subject: string } {
  const name = (meta as { school?: { name?: unknown } }).school?.name;
  return typeof name === 'string' && name.trim() !== '' ? { author: name, subject } : { subject };
}
