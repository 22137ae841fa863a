/**
 * Checks a print document before either renderer draws it: shapes, printable text, tables as wide
 * as their headers, signer roles, verification data; and lists every string it prints.
 */
import { isList } from './guards.js';
import { left, right, type Either } from 'fp-ts/lib/Either.js';
import { printError, type PrintError } from './errors.js';
import {
  leafColumns,
  SIGNER_ROLES,
  type Block,
  type Column,
  type PrintDocument,
  type Section,
  type Verification,
} from './model.js';

type Path = ReadonlyArray<string | number>;

const RULE_MODEL = 'hoso print document model (docs/printing.md)';
const RULE_CHECKPOINT = 'docs/design.md §5 (C2SP tlog-checkpoint)';
const HEX64 = /^[0-9a-f]{64}$/;
// Tabs and newlines are layout; every other control character would print as garbage.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A text is printable when it has no control characters (other than tab/newline) and no lone surrogates. */
function checkText(s: unknown, path: Path, required = false): PrintError | undefined {
  if (typeof s !== 'string') return printError('print-invalid-text', 'expected a string', path, RULE_MODEL);
  if (required && s.trim() === '') return printError('print-invalid-text', 'must not be empty', path, RULE_MODEL);
  if (CONTROL.test(s)) return printError('print-invalid-text', 'contains a control character', path, RULE_MODEL);
  if (LONE_SURROGATE.test(s))
    return printError('print-invalid-text', 'contains a lone UTF-16 surrogate', path, RULE_MODEL);
  return undefined;
}

function checkOptText(s: unknown, path: Path): PrintError | undefined {
  return s === undefined ? undefined : checkText(s, path);
}

function isNat(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** Check the verification data: origin, size, root (and the optional head event). */
export function checkVerification(v: Verification, path: Path = ['verification']): PrintError | undefined {
  if (typeof v !== 'object' || v === null)
    return printError('print-invalid-verification', 'expected an object', path, RULE_CHECKPOINT);
  const originErr = checkText(v.origin, [...path, 'origin'], true);
  if (originErr) return printError('print-invalid-verification', originErr.message, originErr.path, RULE_CHECKPOINT);
  if (/\s/.test(v.origin))
    return printError(
      'print-invalid-verification',
      'origin must not contain white space',
      [...path, 'origin'],
      RULE_CHECKPOINT,
    );
  if (!isNat(v.size))
    return printError(
      'print-invalid-verification',
      'size must be a non-negative safe integer',
      [...path, 'size'],
      RULE_CHECKPOINT,
    );
  if (typeof v.root !== 'string' || !HEX64.test(v.root))
    return printError(
      'print-invalid-verification',
      'root must be 64 lowercase hex digits (SHA-256)',
      [...path, 'root'],
      RULE_CHECKPOINT,
    );
  if (v.index !== undefined && (!isNat(v.index) || v.index >= v.size))
    return printError(
      'print-invalid-verification',
      'index must be a ledger position below size',
      [...path, 'index'],
      'RFC 9162 §2.1.3 (index < tree size)',
    );
  if (v.leaf !== undefined && (typeof v.leaf !== 'string' || !HEX64.test(v.leaf)))
    return printError(
      'print-invalid-verification',
      'leaf must be 64 lowercase hex digits',
      [...path, 'leaf'],
      'docs/design.md §4 (leaf hash)',
    );
  if (v.leaf !== undefined && v.index === undefined)
    return printError('print-invalid-verification', 'leaf needs index', [...path, 'leaf'], RULE_MODEL);
  if (v.eventId !== undefined && (typeof v.eventId !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(v.eventId)))
    return printError(
      'print-invalid-verification',
      'eventId must be 1 to 128 printable ASCII characters without spaces',
      [...path, 'eventId'],
      RULE_MODEL,
    );
  return checkOptText(v.book, [...path, 'book']) ?? checkOptText(v.printedAt, [...path, 'printedAt']);
}

function checkColumns(cs: ReadonlyArray<Column>, path: Path): PrintError | undefined {
  if (!isList(cs) || cs.length === 0)
    return printError('print-table-shape', 'a table needs at least one column', path, RULE_MODEL);
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    const p = [...path, i];
    const e = checkText(c.label, [...p, 'label']);
    if (e) return e;
    if (
      c.width !== undefined &&
      !(typeof c.width === 'number' && Number.isFinite(c.width) && c.width > 0 && c.width <= 100)
    )
      return printError('print-table-shape', 'width must be a number in (0, 100]', [...p, 'width'], RULE_MODEL);
    if (c.align !== undefined && !['left', 'center', 'right'].includes(c.align))
      return printError('print-table-shape', 'align must be left, center or right', [...p, 'align'], RULE_MODEL);
    if (c.children !== undefined) {
      const ce = checkColumns(c.children, [...p, 'children']);
      if (ce) return ce;
    }
  }
  return undefined;
}

function checkBlock(b: Block, path: Path): PrintError | undefined {
  switch (b.kind) {
    case 'paragraph':
      if (b.size !== undefined && !['small', 'normal', 'large'].includes(b.size))
        return printError(
          'print-invalid-document',
          'size must be small, normal or large',
          [...path, 'size'],
          RULE_MODEL,
        );
      return checkText(b.text, [...path, 'text']);
    case 'fields': {
      if (!Number.isInteger(b.columns) || b.columns < 1 || b.columns > 4)
        return printError(
          'print-invalid-document',
          'columns must be an integer from 1 to 4',
          [...path, 'columns'],
          RULE_MODEL,
        );
      for (let i = 0; i < b.items.length; i++) {
        const f = b.items[i]!;
        const e =
          checkText(f.label, [...path, 'items', i, 'label']) ?? checkText(f.value, [...path, 'items', i, 'value']);
        if (e) return e;
      }
      return undefined;
    }
    case 'table': {
      const ce = checkColumns(b.columns, [...path, 'columns']);
      if (ce) return ce;
      if (b.fontSize !== undefined && !(typeof b.fontSize === 'number' && b.fontSize >= 6 && b.fontSize <= 12))
        return printError(
          'print-table-shape',
          'fontSize must be between 6 and 12 points',
          [...path, 'fontSize'],
          RULE_MODEL,
        );
      const n = leafColumns(b.columns).length;
      for (let r = 0; r < b.rows.length; r++) {
        const row = b.rows[r]!;
        if (!isList(row) || row.length !== n)
          return printError(
            'print-table-shape',
            `row has ${isList(row) ? row.length : 'no'} cells, the header has ${n} columns`,
            [...path, 'rows', r],
            RULE_MODEL,
            { expected: n, actual: isList(row) ? row.length : 0 },
          );
        for (let c = 0; c < row.length; c++) {
          const cell = row[c]!;
          const p = [...path, 'rows', r, c];
          if (typeof cell === 'string') {
            const e = checkText(cell, p);
            if (e) return e;
          } else {
            if (typeof cell !== 'object' || cell === null)
              return printError('print-invalid-document', 'a cell is a string or an object with text', p, RULE_MODEL);
            const e = checkText(cell.text, [...p, 'text']);
            if (e) return e;
            if (cell.correction !== undefined) {
              const ce2 =
                checkText(cell.correction.old, [...p, 'correction', 'old']) ??
                checkText(cell.correction.minutes, [...p, 'correction', 'minutes'], true);
              if (ce2) return { ...ce2, rule: 'QC Điều 12.3 (every correction cites its minutes)' };
            }
          }
        }
      }
      for (let i = 0; i < (b.notes ?? []).length; i++) {
        const e = checkText(b.notes![i], [...path, 'notes', i]);
        if (e) return e;
      }
      return undefined;
    }
    case 'signatures': {
      if (b.items.length < 1 || b.items.length > 4)
        return printError(
          'print-invalid-document',
          'a signature row holds 1 to 4 signatures',
          [...path, 'items'],
          RULE_MODEL,
        );
      for (let i = 0; i < b.items.length; i++) {
        const s = b.items[i]!;
        const p = [...path, 'items', i];
        const e =
          checkText(s.title, [...p, 'title'], true) ??
          checkText(s.name, [...p, 'name']) ??
          checkOptText(s.note, [...p, 'note']) ??
          checkOptText(s.fingerprint, [...p, 'fingerprint']) ??
          checkOptText(s.signedAt, [...p, 'signedAt']);
        if (e) return e;
        if (s.role !== undefined && !SIGNER_ROLES.includes(s.role))
          return printError(
            'print-invalid-document',
            `role must be one of ${SIGNER_ROLES.join(', ')}`,
            [...p, 'role'],
            RULE_MODEL,
          );
      }
      return undefined;
    }
    case 'spacer':
      if (!(typeof b.size === 'number' && b.size >= 0 && b.size <= 200))
        return printError(
          'print-invalid-document',
          'spacer size must be between 0 and 200 points',
          [...path, 'size'],
          RULE_MODEL,
        );
      return undefined;
    default:
      return printError(
        'print-invalid-document',
        `unknown block kind ${String((b as { kind?: unknown }).kind)}`,
        [...path, 'kind'],
        RULE_MODEL,
      );
  }
}

function checkSection(s: Section, path: Path): PrintError | undefined {
  if (s.orientation !== 'portrait' && s.orientation !== 'landscape')
    return printError(
      'print-invalid-document',
      'orientation must be portrait or landscape',
      [...path, 'orientation'],
      RULE_MODEL,
    );
  const te = checkText(s.title, [...path, 'title'], true);
  if (te) return te;
  for (let i = 0; i < (s.subtitle ?? []).length; i++) {
    const e = checkText(s.subtitle![i], [...path, 'subtitle', i]);
    if (e) return e;
  }
  const re = checkOptText(s.runningHead, [...path, 'runningHead']);
  if (re) return re;
  if (s.header) {
    const h = s.header;
    for (let i = 0; i < h.authority.length; i++) {
      const e = checkText(h.authority[i], [...path, 'header', 'authority', i]);
      if (e) return e;
    }
    const e =
      checkOptText(h.number, [...path, 'header', 'number']) ??
      checkOptText(h.placeDate, [...path, 'header', 'placeDate']) ??
      checkOptText(h.formCode, [...path, 'header', 'formCode']);
    if (e) return e;
  }
  if (!isList(s.blocks))
    return printError('print-invalid-document', 'blocks must be an array', [...path, 'blocks'], RULE_MODEL);
  for (let i = 0; i < s.blocks.length; i++) {
    const e = checkBlock(s.blocks[i]!, [...path, 'blocks', i]);
    if (e) return e;
  }
  return undefined;
}

/**
 * Check a document before rendering: shapes, printable text, table rows as wide as their header,
 * and well-formed verification data. Returns the document unchanged when it is valid.
 */
export function validateDocument(doc: PrintDocument): Either<PrintError, PrintDocument> {
  if (typeof doc !== 'object' || doc === null)
    return left(printError('print-invalid-document', 'expected an object', [], RULE_MODEL));
  const e =
    checkText(doc.title, ['title'], true) ??
    checkOptText(doc.author, ['author']) ??
    checkOptText(doc.subject, ['subject']) ??
    checkVerification(doc.verification) ??
    (isList(doc.sections) && doc.sections.length > 0
      ? undefined
      : printError('print-invalid-document', 'a document needs at least one section', ['sections'], RULE_MODEL));
  if (e) return left(e);
  for (let i = 0; i < doc.sections.length; i++) {
    const se = checkSection(doc.sections[i]!, ['sections', i]);
    if (se) return left(se);
  }
  return right(doc);
}

/** Every string a document prints (for glyph coverage checks), with the path of each. */
export function* documentTexts(doc: PrintDocument): Generator<[string, Path]> {
  yield [doc.title, ['title']];
  for (let si = 0; si < doc.sections.length; si++) {
    const s = doc.sections[si]!;
    const p: Path = ['sections', si];
    yield [s.title, [...p, 'title']];
    for (const [i, t] of (s.subtitle ?? []).entries()) yield [t, [...p, 'subtitle', i]];
    if (s.runningHead !== undefined) yield [s.runningHead, [...p, 'runningHead']];
    if (s.header) {
      for (const [i, t] of s.header.authority.entries()) yield [t, [...p, 'header', 'authority', i]];
      if (s.header.number) yield [s.header.number, [...p, 'header', 'number']];
      if (s.header.placeDate) yield [s.header.placeDate, [...p, 'header', 'placeDate']];
      if (s.header.formCode) yield [s.header.formCode, [...p, 'header', 'formCode']];
    }
    for (let bi = 0; bi < s.blocks.length; bi++) {
      const b = s.blocks[bi]!;
      const bp: Path = [...p, 'blocks', bi];
      if (b.kind === 'paragraph') yield [b.text, [...bp, 'text']];
      else if (b.kind === 'fields') {
        for (const [i, f] of b.items.entries()) {
          yield [f.label, [...bp, 'items', i, 'label']];
          yield [f.value, [...bp, 'items', i, 'value']];
        }
      } else if (b.kind === 'table') {
        const walk = function* (cs: ReadonlyArray<Column>, cp: Path): Generator<[string, Path]> {
          for (const [i, c] of cs.entries()) {
            yield [c.label, [...cp, i, 'label']];
            if (c.children) yield* walk(c.children, [...cp, i, 'children']);
          }
        };
        yield* walk(b.columns, [...bp, 'columns']);
        for (const [r, row] of b.rows.entries())
          for (const [c, cell] of row.entries()) {
            if (typeof cell === 'string') yield [cell, [...bp, 'rows', r, c]];
            else {
              yield [cell.text, [...bp, 'rows', r, c, 'text']];
              if (cell.correction) {
                yield [cell.correction.old, [...bp, 'rows', r, c, 'correction', 'old']];
                yield [cell.correction.minutes, [...bp, 'rows', r, c, 'correction', 'minutes']];
              }
            }
          }
        for (const [i, t] of (b.notes ?? []).entries()) yield [t, [...bp, 'notes', i]];
      } else if (b.kind === 'signatures') {
        for (const [i, sg] of b.items.entries()) {
          const sp: Path = [...bp, 'items', i];
          yield [sg.title, [...sp, 'title']];
          yield [sg.name, [...sp, 'name']];
          if (sg.note !== undefined) yield [sg.note, [...sp, 'note']];
          if (sg.fingerprint !== undefined) yield [sg.fingerprint, [...sp, 'fingerprint']];
          if (sg.signedAt !== undefined) yield [sg.signedAt, [...sp, 'signedAt']];
        }
      }
    }
  }
  yield [doc.verification.origin, ['verification', 'origin']];
  if (doc.verification.book !== undefined) yield [doc.verification.book, ['verification', 'book']];
  if (doc.verification.eventId !== undefined) yield [doc.verification.eventId, ['verification', 'eventId']];
  if (doc.verification.printedAt !== undefined) yield [doc.verification.printedAt, ['verification', 'printedAt']];
}
