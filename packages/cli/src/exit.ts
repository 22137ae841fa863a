/**
 * Exit codes (docs/design.md §9) and the one error type commands throw to end with one of them. Commands
 * report problems as data ({@link CliError}: code, message, the argument or field at fault and
 * the rule broken); only `main` turns them into text on stderr and an exit code.
 */
import { printable } from '@hoso/verify';

/** 0: done; for `verify`, verified clean against a root key and a seal key. */
export const EXIT_OK = 0;
/** 1: a verification found problems, or the ledger refused a command. */
export const EXIT_FINDINGS = 1;
/** 2: unusable input: bad arguments, an unreadable or malformed file. */
export const EXIT_USAGE = 2;
/**
 * 3: `verify` found nothing wrong but could not anchor it: no root key (or no seal key, or the
 * catalogue off) was given, so anyone could have made the history it checked.
 */
export const EXIT_UNANCHORED = 3;

/** The exit codes `hoso` uses. */
export type ExitCode = typeof EXIT_OK | typeof EXIT_FINDINGS | typeof EXIT_USAGE | typeof EXIT_UNANCHORED;

/**
 * A problem a command reports, in the shape of the library's errors (`code`, `message`, `path`,
 * `rule`, `details`): a stable kebab-case code, plain words, the place at fault and the rule.
 */
export interface CliProblem {
  readonly code: string;
  readonly message: string;
  /**
   * The place at fault as segments, as the library's errors give it: `['data', 'student']` for a
   * field, `['--db']` for an argument, `['marks.csv:12']` for a file's line; empty for the whole
   * input.
   */
  readonly path: ReadonlyArray<string | number>;
  /** The same place as one line of text (`data.student`, `--db`, `marks.csv:12`), when there is one. */
  readonly where?: string;
  /** The rule broken, e.g. `QC Điều 12.3`, `C2SP tlog-checkpoint`. */
  readonly rule?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Thrown by commands to stop with an exit code; `main` prints it. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    readonly problem: CliProblem,
  ) {
    super(problem.message);
    this.name = 'CliError';
  }
}

/**
 * Where a problem is: an argument or file line as text, a library error's path, or both when the
 * text a person reads is shorter than the path (a batch refused at `--file` whose first problem is
 * at `['jobs.jsonl:3', 'data', 'name']`).
 */
export type Place =
  string | ReadonlyArray<string | number> | { readonly path: ReadonlyArray<string | number>; readonly where: string };

/** A place as the problem's `path` segments and its `where` text (none for the whole input). */
function located(place: Place | undefined): { path: ReadonlyArray<string | number>; where?: string } {
  if (place === undefined) return { path: [] };
  if (typeof place === 'string') return { path: [place], where: place };
  if ('path' in place) return place;
  const where = formatPath(place);
  return where === undefined ? { path: place } : { path: place, where };
}

/** A {@link CliProblem} from its parts; a place given as a path is also written as `where` text. */
export function problem(
  code: string,
  message: string,
  place?: Place,
  rule?: string,
  details?: Record<string, unknown>,
): CliProblem {
  const { path, where } = located(place);
  return {
    code,
    message,
    path,
    ...(where === undefined ? {} : { where }),
    ...(rule === undefined ? {} : { rule }),
    ...(details === undefined ? {} : { details }),
  };
}

/** Unusable input (exit 2), naming the argument or field and the rule. */
export function usage(
  code: string,
  message: string,
  place?: Place,
  rule?: string,
  details?: Record<string, unknown>,
): CliError {
  return new CliError(EXIT_USAGE, problem(code, message, place, rule, details));
}

/** A refusal (exit 1): the ledger or a check said no. */
export function refused(
  code: string,
  message: string,
  place?: Place,
  rule?: string,
  details?: Record<string, unknown>,
): CliError {
  return new CliError(EXIT_FINDINGS, problem(code, message, place, rule, details));
}

/**
 * One line of plain words for stderr: `hoso: <where>: <message> (<rule>) [<code>]`. Messages may
 * quote a ledger's or a file's text, so control and bidi characters are shown as escapes.
 */
export function describeProblem(p: CliProblem): string {
  const where = p.where === undefined ? '' : `${p.where}: `;
  const rule = p.rule === undefined ? '' : ` (rule: ${p.rule})`;
  return printable(`${where}${p.message}${rule} [${p.code}]`);
}

/** A path like `['data', 'student']` as `data.student` (indexes as `[0]`). */
export function formatPath(path: ReadonlyArray<string | number> | undefined): string | undefined {
  if (path === undefined || path.length === 0) return undefined;
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
