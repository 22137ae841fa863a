import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { expect } from 'vitest';
import type { LedgerError, LedgerErrorCode, LedgerErrorOf } from '@hoso/ledger';
import type { School } from '@hoso/ledger/testing';

export const Y = '2024-2025';
export const minutes = { number: 'BB-07/2024', date: '2024-10-02', text: 'Biên bản sửa chữa dữ liệu, có mặt ba người' };

/** An EnterScore command for 10A1. */
export function score(
  student: string,
  value: string,
  extra: Record<string, unknown> = {},
): { type: 'EnterScore'; data: Record<string, unknown> } {
  const data: Record<string, unknown> = {
    year: Y,
    class: '10A1',
    subject: 'toan',
    student,
    term: 'HK1',
    column: 'tx',
    index: 1,
    value,
    ...extra,
  };
  // `undefined` in `extra` removes the field (an explicit undefined is refused as not JSON).
  for (const k of Object.keys(data)) if (data[k] === undefined) delete data[k];
  return { type: 'EnterScore', data };
}

/** All stored bytes of the ledger, for "nothing written" checks. */
export async function fullRead(s: School, ledger = 'thpt-test'): Promise<string> {
  const parts: string[] = [];
  for await (const e of s.store.read(ledger)) parts.push(Buffer.from(e.bytes).toString('base64'));
  return parts.join('\n');
}

/** Assert a refusal with `code` (and `path`/`rule` when given) and return it, its details typed by the code. */
export function refused<A, C extends LedgerErrorCode>(
  r: Either<LedgerError, A>,
  code: C,
  path?: ReadonlyArray<string | number>,
  rule?: string,
): LedgerErrorOf<C> {
  if (!isLeft(r)) throw new Error(`expected refusal ${code}, got success`);
  expect(r.left.code, r.left.message).toBe(code);
  if (path !== undefined) expect(r.left.path).toEqual(path);
  if (rule !== undefined) expect(r.left.rule).toBe(rule);
  return r.left as LedgerErrorOf<C>;
}

/** Execute and assert a refusal with nothing written. */
export async function refusedNothingWritten<C extends LedgerErrorCode>(
  s: School,
  command: unknown,
  signers: Parameters<School['ledger']['execute']>[1],
  code: C,
  path?: ReadonlyArray<string | number>,
  rule?: string,
): Promise<LedgerErrorOf<C>> {
  const before = await fullRead(s);
  const r = await s.ledger.execute(command, signers);
  const e = refused(r, code, path, rule);
  expect(await fullRead(s)).toBe(before);
  return e;
}
