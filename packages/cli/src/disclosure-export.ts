/**
 * `hoso export --scope …`: the options of a disclosure by scope (docs/personal-data.md §6) read
 * and checked before anything is written, and the disclosure made from the ledger's personal-data
 * store at the checkpoint the bundle ends with.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import {
  DISCLOSURE_SCOPES,
  makeDisclosure,
  type DiscloseOptions,
  type Disclosure,
  type DisclosureScope,
} from '@hoso/verify';
import { refused, usage } from './exit.js';
import { readSignerKey } from './keys.js';
import type { OpenedStore } from './store.js';

/** The `export` options that ask for a disclosure. */
export interface ScopeArgs {
  readonly scope?: string;
  readonly key?: string;
  readonly audience?: string;
  readonly purpose?: string;
  readonly pupil: readonly string[];
  readonly class?: string;
  readonly field: readonly string[];
  readonly decision?: string;
}

/** A checked request, all but the checkpoint. */
export type ScopeRequest = Omit<DiscloseOptions, 'checkpoint'>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const RULE = 'docs/personal-data.md §6';

/** A `NUMBER@YYYY-MM-DD` decision, e.g. `15/QĐ-THPT@2026-12-06`. */
export function parseDecision(text: string, arg: string): { number: string; date: string } {
  const at = text.lastIndexOf('@');
  const date = text.slice(at + 1);
  if (at <= 0 || !DATE.test(date)) throw usage('invalid-option', `${arg} is NUMBER@YYYY-MM-DD`, arg);
  return { number: text.slice(0, at), date };
}

/** The disclosure `o` asks for, or null when no `--scope` is given (a plain bundle). */
export function scopeRequest(o: ScopeArgs): ScopeRequest | null {
  const scopeOnly = [
    ['--key', o.key],
    ['--audience', o.audience],
    ['--purpose', o.purpose],
    ['--class', o.class],
    ['--decision', o.decision],
  ] as const;
  if (o.scope === undefined) {
    const stray = scopeOnly.find(([, v]) => v !== undefined)?.[0] ?? (o.pupil.length > 0 ? '--pupil' : undefined);
    if (stray !== undefined || o.field.length > 0)
      throw usage('missing-option', `${stray ?? '--field'} goes with --scope`, '--scope', RULE);
    return null;
  }
  if (!(DISCLOSURE_SCOPES as readonly string[]).includes(o.scope))
    throw usage('invalid-option', `--scope is one of ${DISCLOSURE_SCOPES.join(', ')}`, '--scope', RULE);
  const scope = o.scope as DisclosureScope;
  for (const [arg, v] of [
    ['--key', o.key],
    ['--audience', o.audience],
    ['--purpose', o.purpose],
  ] as const)
    if (v === undefined || v.trim() === '') throw usage('missing-option', `--scope ${scope} needs ${arg}`, arg, RULE);
  if (scope === 'transcript' && o.pupil.length !== 1)
    throw usage('missing-option', 'a transcript is of exactly one pupil: give --pupil CODE once', '--pupil', RULE);
  if (scope === 'vendor' && (o.pupil.length > 0 || o.class !== undefined || o.field.length > 0))
    throw usage('conflicting-options', 'a vendor scope discloses no pupil and no field', '--scope', RULE);
  let cls: { year: string; class: string } | undefined;
  if (o.class !== undefined) {
    const slash = o.class.indexOf('/');
    if (slash <= 0 || slash === o.class.length - 1)
      throw usage('invalid-option', '--class is YEAR/CLASS, e.g. 2024-2025/10A1', '--class', RULE);
    cls = { year: o.class.slice(0, slash), class: o.class.slice(slash + 1) };
  }
  return {
    scope,
    audience: o.audience!,
    purpose: o.purpose!,
    signer: readSignerKey(o.key!, '--key').signer,
    ...(o.pupil.length > 0 ? { students: [...o.pupil] } : {}),
    ...(cls === undefined ? {} : { class: cls }),
    ...(o.field.length > 0 ? { fields: [...o.field] } : {}),
    ...(o.decision === undefined ? {} : { decision: parseDecision(o.decision, '--decision') }),
  };
}

/** Make the disclosure of `s` at `checkpoint`; a refusal is exit 1 (or 2 for a bad option) and nothing is written. */
export async function discloseAt(s: OpenedStore, checkpoint: string, request: ScopeRequest): Promise<Disclosure> {
  if (request.scope !== 'vendor' && s.personal === undefined)
    throw usage(
      'personal-data-store-required',
      'the openings come from the personal-data store in the ledger file: export a disclosure with --db',
      '--store',
      RULE,
    );
  const r = await makeDisclosure(s.store, s.ledger, s.personal, { ...request, checkpoint });
  if (isLeft(r)) {
    const e = r.left;
    const arg = { students: '--pupil', fields: '--field', checkpoint: '--checkpoint' }[String(e.path?.[0])];
    if (e.code === 'invalid-argument' || e.code === 'unknown-student')
      throw usage(e.code, e.message, arg ?? '--scope', e.rule);
    throw refused(e.code, e.message, arg ?? '--scope', e.rule);
  }
  return r.right;
}
