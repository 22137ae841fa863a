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

/** A problem a command reports: a stable kebab-case code, plain words, where, and which rule. */
export interface CliProblem {
  readonly code: string;
  readonly message: string;
  /** The argument (`--db`), file (`marks.csv:12`) or field (`data.student`) at fault. */
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

/** Unusable input (exit 2), naming the argument or field and the rule. */
export function usage(
  code: string,
  message: string,
  where?: string,
  rule?: string,
  details?: Record<string, unknown>,
): CliError {
  return new CliError(EXIT_USAGE, {
    code,
    message,
    ...(where === undefined ? {} : { where }),
    ...(rule === undefined ? {} : { rule }),
    ...(details === undefined ? {} : { details }),
  });
}

/** A refusal (exit 1): the ledger or a check said no. */
export function refused(
  code: string,
  message: string,
  where?: string,
  rule?: string,
  details?: Record<string, unknown>,
): CliError {
  return new CliError(EXIT_FINDINGS, {
    code,
    message,
    ...(where === undefined ? {} : { where }),
    ...(rule === undefined ? {} : { rule }),
    ...(details === undefined ? {} : { details }),
  });
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
