/**
 * io-ts errors → {@link LedgerError}s: the path of the offending field (object keys and array
 * indexes, without io-ts's internal union indexes), a plain message, the rule of the codec that
 * refused the value where one applies, and for text the rule it broke (`text-not-nfc`,
 * `control-character`; see text.ts).
 */
import * as t from 'io-ts';
import { describeValue } from '@hoso/core';
import { ledgerError, type LedgerError, type ProblemSource } from './errors.js';
import { TextType } from './codecs.js';

/** The article each value codec enforces, by codec name. */
const CODEC_RULES: Readonly<Record<string, string>> = {
  Score10: 'TT22 Điều 5.2',
  CommentLevel: 'TT22 Điều 5.1',
  RegularIndex: 'TT22 Điều 6.2',
  Column: 'TT22 Điều 6, 7',
  ConductLevel: 'TT22 Điều 8',
  TestScore10: 'TT27 Điều 7',
  SubjectLevel: 'TT27 Điều 6',
  QualityLevel: 'TT27 Điều 6',
  Aspect: 'TT27 Điều 6',
  PublicKey: 'docs/design.md §3',
  Minutes: 'QC Điều 12.3',
};

/** The article of every text rule: one form of text, nothing that rewrites what a reader sees. */
const TEXT_RULE = 'docs/events.md#text';

// Never JSON.stringify or String() the refused value: on hostile input (10,000 nested arrays,
// cycles, objects without a prototype) those throw or overflow the stack.
const show = describeValue;

/**
 * Convert io-ts errors to ledger errors with `prefix` before each path (e.g. `['data']`); `source`
 * (the catalogue, for an event's payload) is recorded in their details.
 */
export function ioErrors(
  errors: t.Errors,
  prefix: ReadonlyArray<string | number>,
  code: 'invalid-data' | 'invalid-command' = 'invalid-data',
  source?: ProblemSource,
): LedgerError[] {
  return errors.map((e) => {
    const path: Array<string | number> = [...prefix];
    const ctx = e.context;
    for (let i = 1; i < ctx.length; i++) {
      const parent = ctx[i - 1]!.type;
      if (parent instanceof t.UnionType || parent instanceof t.IntersectionType) continue;
      const key = ctx[i]!.key;
      path.push(parent instanceof t.ArrayType && /^\d+$/.test(key) ? Number(key) : key);
    }
    const last = ctx[ctx.length - 1];
    const name = last?.type.name ?? 'value';
    const message = e.message ?? `expected ${name}, got ${show(e.value)}`;
    const details = source === undefined ? undefined : { source };
    const textual = last?.type instanceof TextType ? last.type.problemOf(e.value) : null;
    if (textual !== null)
      return ledgerError(textual.kind, message, {
        path,
        rule: TEXT_RULE,
        ...(details === undefined ? {} : { details }),
      });
    const rule = CODEC_RULES[name];
    const extra = { path, ...(rule === undefined ? {} : { rule }) };
    if (code === 'invalid-command') return ledgerError(code, message, extra);
    return ledgerError(code, message, details === undefined ? extra : { ...extra, details });
  });
}
