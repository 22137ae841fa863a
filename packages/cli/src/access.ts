/**
 * Reads of personal data by `show`, `log` and `print` (docs/personal-data.md, "Access log"): when
 * the ledger adopted the access log, the command needs `--purpose`, `--key` and `--role`, and one
 * `PersonalDataAccessed` naming the pupils it opens is signed and appended before any value is
 * shown; without the log it reads as before.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { BIO_FIELDS, readPersonalData, scopedReader, type PersonalDataReader } from '@hoso/ledger';
import { formatPath, refused, usage } from './exit.js';
import { openCliLedger, signersFrom } from './ledger-ops.js';
import { withStore, type OpenedStore, type StoreArgs } from './store.js';

/** The options a reading command takes for the access log. */
export interface AccessArgs {
  readonly purpose?: string;
  readonly basis?: string;
  readonly key?: string;
  readonly role?: string;
}

const RULE = 'docs/personal-data.md';

/** True when the ledger logs reads of personal data (`AccessLogAdopted` in its `school` stream). */
async function logsReads(s: OpenedStore): Promise<boolean> {
  for await (const e of s.store.readStream(s.ledger, 'school')) if (e.type === 'AccessLogAdopted') return true;
  return false;
}

/**
 * The personal-data reader a command opens `students` through: the store's own when the ledger does
 * not log reads; otherwise, after one logged read signed by `--key` in `--role`, a reader of those
 * pupils only. A bundle has no personal-data store: undefined, and nothing is logged.
 */
export async function personalFor(
  s: OpenedStore,
  o: StoreArgs & AccessArgs,
  via: string,
  students: readonly string[],
  warn: (line: string) => void,
): Promise<PersonalDataReader | undefined> {
  if (s.personal === undefined || !(await logsReads(s))) return s.personal;
  if (o.purpose === undefined || o.purpose.trim() === '')
    throw usage(
      'purpose-required',
      'this ledger logs every read of personal data: give --purpose "…"',
      '--purpose',
      RULE,
    );
  if (o.key === undefined || o.role === undefined)
    throw usage(
      'purpose-required',
      'this ledger logs every read of personal data: the reader signs it with --key and --role',
      '--key',
      RULE,
    );
  const reader = signersFrom(o.key, o.role, [])[0]!;
  // The command's own connection is read-only: the log entry is written through a writing one.
  await withStore(o, async (w) => {
    const opened = await openCliLedger(w, { warn });
    const r = await readPersonalData(
      opened.ledger,
      w.personal,
      { students, purpose: o.purpose!, via, ...(o.basis === undefined ? {} : { basis: o.basis }) },
      reader,
    );
    if (isLeft(r)) throw refused(r.left.code, r.left.message, formatPath(r.left.path), r.left.rule);
    await opened.afterCommand(r.right.logged === null ? 0 : 1);
  });
  // Read through the command's own connection, narrowed as the logged read names it.
  return scopedReader(s.personal, students, BIO_FIELDS);
}

/** Add the access-log options to a reading command. */
export function accessOptions<C extends { option(flags: string, description: string): C }>(c: C): C {
  return c
    .option('--purpose <text>', 'why personal data is read (required when the ledger logs reads), e.g. "in học bạ"')
    .option('--basis <text>', 'the legal basis of the read, when the school gives one')
    .option('--key <file>', "the reader's signer key (when the ledger logs reads)")
    .option('--role <role>', 'the role the reader reads in (when the ledger logs reads)');
}
