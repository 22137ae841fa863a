/**
 * Picking a book from the records by the command line's `--year` and `--class`, with exit 2
 * naming the option when the year or class is not in the ledger.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { classMarkbook, type Markbook, type Records } from '@hoso/books';
import { refused, usage } from './exit.js';

/** The school year: `--year`, else the latest defined. */
export function yearOf(r: Records, year: string | undefined): string {
  const years = Object.keys(r.years).sort();
  const y = year ?? years[years.length - 1];
  if (y === undefined) throw usage('unknown-year', 'the ledger defines no school year yet', '--year');
  if (r.years[y] === undefined)
    throw usage('unknown-year', `school year ${y} is not defined (known: ${years.join(', ') || 'none'})`, '--year');
  return y;
}

/**
 * The class must be open in that year (exit 2 naming `--class` otherwise); returns its grade (0 preschool, 1–5 primary,
 * 6–12 secondary).
 */
export function gradeOrFail(r: Records, year: string, cls: string): number {
  const c = r.classes[`${year}/${cls}`];
  if (c === undefined) {
    const known = Object.values(r.classes)
      .filter((x) => x.year === year)
      .map((x) => x.class);
    throw usage(
      'unknown-class',
      `class ${cls} is not open in ${year} (known: ${known.join(', ') || 'none'})`,
      '--class',
    );
  }
  return c.grade;
}

/** The TT22 class markbook of a secondary class; the books' refusal is exit 1 naming `--class`. */
export function markbookOrFail(r: Records, year: string, cls: string): Markbook {
  gradeOrFail(r, year, cls);
  const b = classMarkbook(r, year, cls);
  if (isLeft(b)) throw refused(b.left.code, b.left.message, '--class', b.left.rule);
  return b.right;
}

/** A student's class in a year: which class and grade a `--student` page comes from. */
export interface StudentClass {
  readonly year: string;
  readonly class: string;
  /** 0 preschool, 1–5 primary, 6–12 secondary. */
  readonly grade: number;
}

/**
 * The class whose page `hoso print --student` prints: the student's last class in `year`, else
 * their last class of any year (as the học bạ prints the latest page). Exit 2 naming `--student`
 * for a student the ledger never registered; null for one on no class list.
 */
export function studentClassOrFail(r: Records, student: string, year: string, ledger: string): StudentClass | null {
  const s = r.students[student];
  if (s === undefined) throw usage('unknown-student', `no student "${student}" in ${ledger}`, '--student');
  const classes = s.classes.map((k) => r.classes[k]).filter((c): c is NonNullable<typeof c> => c !== undefined);
  const inYear = classes.filter((c) => c.year === year);
  const c = inYear[inYear.length - 1] ?? classes[classes.length - 1];
  return c === undefined ? null : { year: c.year, class: c.class, grade: c.grade };
}
