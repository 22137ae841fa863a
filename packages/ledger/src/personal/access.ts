/**
 * Reading personal data through the ledger, logged (docs/personal-data.md, "Access log"). Once the
 * ledger adopted the access log (`AccessLogAdopted`), a read names its purpose and its reader, and
 * one `PersonalDataAccessed` — the pupils and fields, never a value — is appended before any value
 * is given out: a read that cannot be logged gives nothing. The reader returned opens only the
 * pupils and fields that were named.
 */
import { left, right, isLeft, type Either } from 'fp-ts/lib/Either.js';
import { toBase64Url } from '@hoso/core';
import { ledgerError, type LedgerError } from '../errors.js';
import { MAX_ACCESS_READS } from '../events.js';
import { marks, type LedgerState } from '../state.js';
import { RULES } from '../rules/articles.js';
import { BIO_FIELDS, type BioField, type Opening } from './commitment.js';
import type { PersonalDataReader } from './store.js';

/** What a read of personal data asks for. */
export interface AccessRequest {
  /** The pupils' school codes. */
  readonly students: readonly string[];
  /** The fields read (default: every biographical field). */
  readonly fields?: readonly BioField[];
  /** Why (*mục đích*), e.g. "in học bạ cuối năm"; required once the ledger logs reads. */
  readonly purpose?: string;
  /** The legal basis the school gives, when it gives one (e.g. "Luật 91/2025/QH15 Điều …"). */
  readonly basis?: string;
  /** Through what the data is read: `show`, `log`, `print`, `api` (default). */
  readonly via?: string;
}

/** A read: the values it may open, and the logged event (null when the ledger does not log reads). */
export interface PersonalDataAccess {
  readonly reader: PersonalDataReader;
  readonly logged: { readonly id: string; readonly position: number } | null;
}

/** The part of a ledger a logged read needs (a `Ledger` has it). */
export interface AccessLedger {
  state(): LedgerState;
  refresh(): Promise<number>;
  execute(
    command: unknown,
    signers: readonly { readonly signer: { readonly publicKey: Uint8Array }; readonly role: string }[],
  ): Promise<Either<LedgerError, { readonly events: readonly { readonly id: string; readonly position: number }[] }>>;
}

/** True when the ledger logs every read of personal data (`AccessLogAdopted`). */
export function logsAccess(s: LedgerState): boolean {
  return s.marks.has(marks.accessLog);
}

/** `personal` narrowed to the openings of `fields` of `students`. */
export function scopedReader(
  personal: PersonalDataReader,
  students: readonly string[],
  fields: readonly string[],
): PersonalDataReader {
  const who = new Set(students);
  const what = new Set(fields);
  return {
    openings: (subject: string): readonly Opening[] =>
      who.has(subject) ? personal.openings(subject).filter((o) => what.has(o.field)) : [],
  };
}

function refuse(
  code: 'purpose-required' | 'invalid-command',
  path: readonly (string | number)[],
  message: string,
): Either<LedgerError, never> {
  return left(
    code === 'purpose-required'
      ? ledgerError('purpose-required', message, { path: [...path], rule: RULES.personalData })
      : ledgerError('invalid-command', message, { path: [...path], rule: RULES.personalData }),
  );
}

/**
 * Open `request.fields` of `request.students` from `personal`. When the ledger logs reads, `reader`
 * (the person reading, in a role they hold) signs one `PersonalDataAccessed` first; without a
 * purpose or a reader the read is refused (`purpose-required`) and nothing is written or given.
 */
export async function readPersonalData(
  ledger: AccessLedger,
  personal: PersonalDataReader | undefined,
  request: AccessRequest,
  reader?: { readonly signer: { readonly publicKey: Uint8Array }; readonly role: string },
): Promise<Either<LedgerError, PersonalDataAccess>> {
  if (personal === undefined)
    return left(
      ledgerError(
        'personal-data-store-required',
        'values are read through the personal-data store: open the ledger with `personalData`',
        {
          path: ['personalData'],
          rule: RULES.personalData,
        },
      ),
    );
  const students = [...new Set(request.students)];
  const fields = request.fields === undefined ? [...BIO_FIELDS] : [...new Set(request.fields)];
  for (const [i, f] of fields.entries())
    if (!(BIO_FIELDS as readonly string[]).includes(f))
      return refuse('invalid-command', ['fields', i], `fields[${i}]: "${f}" is not one of ${BIO_FIELDS.join(', ')}`);
  await ledger.refresh();
  const scoped = scopedReader(personal, students, fields);
  if (!logsAccess(ledger.state()) || students.length === 0 || fields.length === 0)
    return right({ reader: scoped, logged: null });
  const purpose = request.purpose?.trim() ?? '';
  if (purpose === '')
    return refuse(
      'purpose-required',
      ['purpose'],
      'this ledger logs every read of personal data (AccessLogAdopted): give its purpose',
    );
  if (reader === undefined)
    return refuse(
      'purpose-required',
      ['reader'],
      'this ledger logs every read of personal data (AccessLogAdopted): the reader signs the log entry',
    );
  if (students.length > MAX_ACCESS_READS)
    return refuse('invalid-command', ['students'], `one read names at most ${MAX_ACCESS_READS} pupils`);
  const person = ledger.state().keys.get(toBase64Url(reader.signer.publicKey))?.person ?? '';
  const data = {
    person,
    purpose: request.purpose!,
    via: request.via ?? 'api',
    reads: students.map((student) => ({ student, fields })),
    ...(request.basis === undefined ? {} : { basis: request.basis }),
  };
  const r = await ledger.execute({ type: 'RecordPersonalDataAccess', data }, [reader]);
  if (isLeft(r)) return r;
  const e = r.right.events[0]!;
  return right({ reader: scoped, logged: { id: e.id, position: e.position } });
}
