/**
 * The pure heart of the write side: `decide(state, command, ctx)` returns the unsigned envelopes
 * a command writes, or the rules it breaks; `decideBatch` does the same for several commands of
 * one author, each against the state that already holds the ones before it. Each event is checked
 * by the same {@link checkEvent} the verifier replays, against a copy-on-write fork of the state
 * that already holds the events before it; the input state is never changed.
 */
import { left, right, isLeft, type Either } from 'fp-ts/lib/Either.js';
import type { Envelope, UnsignedEnvelope } from '@hoso/core';
import { formatAt, SCHOOL_TIME_ZONE } from './at.js';
import { firstProblem, ledgerError, under, withDetails, withPath, type LedgerError } from './errors.js';
import { BATCH_COMMANDS, commandEvents, type Command } from './commands.js';
import { PENDING_PREV } from './chain.js';
import { eventIdFor } from './ids.js';
import { checkEvent } from './rules/index.js';
import { evolve, forkState, marks, type LedgerState } from './state.js';
import { streamOf } from './streams.js';
import { bookHeads } from './book.js';
import type * as E from './events.js';
import type { LedgerEvent } from './events.js';
import type { SignerView } from './views.js';

/** What `decide` needs besides the state: the ledger, the clock reading, the signers, event ids. */
export interface DecideContext {
  readonly ledger: string;
  /** The append clock; written as `at` and used for the window checks. */
  readonly now: Date;
  /** Public keys (base64url) and roles of the signers; the first is the author. */
  readonly actors: readonly SignerView[];
  /** The id of the command's i-th event (deterministic from the command id; see `ids.ts`). */
  readonly eventId: (i: number) => string;
  /**
   * Commits a student's clear biographical fields for the event `eventId` and keeps their openings
   * (`openLedger({ personalData })`). Used once the ledger adopted the personal-data format; without
   * it such a ledger refuses clear fields (`personal-data-in-clear`).
   */
  readonly commit?: PersonalCommitter;
}

/** See {@link DecideContext.commit}: the commitments, by field, to sign in place of `fields`. */
export type PersonalCommitter = (
  eventId: string,
  subject: string,
  fields: Readonly<Record<string, string>>,
) => Record<string, string>;

/** What `decideBatch` needs: as {@link DecideContext}, each command's event ids drawn from its own id. */
export type BatchContext = Omit<DecideContext, 'eventId'>;

/** What `decideBatch` decided: every event in order, and how many each command wrote. */
export interface BatchDecision {
  readonly events: readonly UnsignedEnvelope[];
  readonly counts: readonly number[];
}

export { formatAt, SCHOOL_TIME_ZONE };

/**
 * Decide a command against `state`: the unsigned envelopes to sign, in order, or a refusal — the
 * first problem of the first event refused, with its other problems in `details.more`. `rev`/`prev`
 * come from the stream heads in `state`. When several events of the command go to one stream (a
 * column of scores), each after the first carries `prev: PENDING_PREV`, filled by `linkPrev` once
 * the one before it is signed (`signInOrder` does both). For column commands a refusal of entry i
 * names it: `path: ['data', 'entries', i, 'value']`, `details.entry = i`.
 */
export function decide(
  state: LedgerState,
  command: Command,
  ctx: DecideContext,
): Either<LedgerError, UnsignedEnvelope[]> {
  return decideInto(forkState(state), command, ctx, formatAt(ctx.now));
}

/**
 * Decide several commands in order against `state`, each seeing the events of the ones before it:
 * all their envelopes, or the refusal of the first command refused, pointed at it (`path:
 * ['commands', k, ...]`, `details.command = k`). Commands without an id get none drawn here: give
 * each an id (`executeBatch` does).
 */
export function decideBatch(
  state: LedgerState,
  commands: readonly (Command & { readonly id: string })[],
  ctx: BatchContext,
): Either<LedgerError, BatchDecision> {
  const scratch = forkState(state);
  const at = formatAt(ctx.now);
  const events: UnsignedEnvelope[] = [];
  const counts: number[] = [];
  for (const [k, c] of commands.entries()) {
    const cctx: DecideContext = {
      ledger: ctx.ledger,
      now: ctx.now,
      actors: ctx.actors,
      eventId: (i) => eventIdFor(c.id, i),
    };
    const d = decideInto(scratch, c, cctx, at);
    if (isLeft(d)) return left(withDetails(under(d.left, ['commands', k]), { command: k }));
    events.push(...d.right);
    counts.push(d.right.length);
  }
  return right({ events, counts });
}

/** Decide `command` against `scratch`, folding each event decided into it (the caller's fork). */
function decideInto(
  scratch: LedgerState,
  command: Command,
  ctx: DecideContext,
  at: string,
): Either<LedgerError, UnsignedEnvelope[]> {
  const author = ctx.actors[0];
  if (author === undefined)
    return left(
      ledgerError('missing-signature', 'a command needs at least its author as signer', { path: ['signers'] }),
    );
  const events = commandEvents(command, ctx.actors, (key) => scratch.keys.get(key)?.person);
  if (isLeft(events)) return events;
  const out: UnsignedEnvelope[] = [];
  const batch = BATCH_COMMANDS.has(command.type);
  for (const [i, decided] of events.right.entries()) {
    const ev = withCommitments(scratch, withBook(scratch, decided), ctx, ctx.eventId(i));
    const stream = targetStream(scratch, ev);
    if (typeof stream !== 'string') return left(batch ? entryError(stream, i) : stream);
    const head = scratch.heads.get(stream);
    const unsigned: UnsignedEnvelope = {
      v: 1,
      id: ctx.eventId(i),
      ledger: ctx.ledger,
      stream,
      rev: head === undefined ? 0 : head.rev + 1,
      prev: head === undefined ? null : head.leafHash,
      type: ev.type,
      data: ev.data,
      at,
      by: { key: author.key, role: author.role },
    };
    const problems = checkEvent(scratch, {
      ledger: ctx.ledger,
      stream,
      type: ev.type,
      data: ev.data,
      by: unsigned.by,
      signers: ctx.actors,
      at: ctx.now,
    });
    if (problems.length > 0) {
      const refusal = firstProblem(problems);
      return left(batch ? entryError(refusal, i) : refusal);
    }
    out.push(unsigned);
    // Later events see this one. Its leaf hash is not known before signing: a later event of the
    // same stream takes PENDING_PREV as its `prev`, filled in when this one is signed.
    const provisional: Envelope = {
      v: 1,
      id: unsigned.id,
      ledger: unsigned.ledger,
      stream,
      rev: unsigned.rev,
      prev: unsigned.prev,
      type: unsigned.type,
      data: unsigned.data,
      at,
      by: unsigned.by,
      sigs: ctx.actors.map((a) => ({ key: a.key, role: a.role, sig: '' })),
    };
    evolve(scratch, provisional, PENDING_PREV);
  }
  return right(out);
}

/** A refusal of the i-th event of a column command, pointed at its entry. */
function entryError(e: LedgerError, i: number): LedgerError {
  const p = e.path;
  const path =
    p[0] === 'data' && (p[1] === 'student' || p[1] === 'value')
      ? ['data', 'entries', i, ...p.slice(1)]
      : p[0] === 'data' && p.length === 1
        ? ['data', 'entries', i]
        : p;
  return withDetails(withPath(e, path), { entry: i });
}

/**
 * A biography in clear, committed field by field (`pd`) when the ledger adopted the personal-data
 * format and the ledger has a personal-data store; unchanged otherwise (the rules judge it).
 */
function withCommitments(s: LedgerState, ev: LedgerEvent, ctx: DecideContext, id: string): LedgerEvent {
  if (ctx.commit === undefined || !s.marks.has(marks.pdAdopted)) return ev;
  if (ev.type === 'StudentRegistered' && 'bio' in ev.data) {
    const { bio, ...rest } = ev.data;
    const pd = ctx.commit(id, ev.data.student, bio) as E.BiographyCommitments;
    return { type: ev.type, data: { ...rest, pd } };
  }
  if (ev.type === 'BiographyChanged' && 'changes' in ev.data) {
    const { changes, ...rest } = ev.data;
    return { type: ev.type, data: { ...rest, pd: ctx.commit(id, ev.data.student, changes) } };
  }
  return ev;
}

/** A class act with the heads of the class's books filled in when the command left them out. */
function withBook(s: LedgerState, ev: LedgerEvent): LedgerEvent {
  if (ev.type !== 'ClassConfirmed' && ev.type !== 'ClassApproved' && ev.type !== 'BookSealed') return ev;
  if (ev.data.book !== undefined) return ev;
  const book = bookHeads(s, ev.data.year, ev.data.class);
  return book === null ? ev : { type: ev.type, data: { ...ev.data, book } };
}

function targetStream(s: LedgerState, ev: LedgerEvent): string | LedgerError {
  const direct = streamOf(ev);
  if (direct !== null) return direct;
  if (ev.type === 'ActCertified') {
    const act = s.acts.get(ev.data.act);
    if (act === undefined)
      return ledgerError('unknown-act', `no act ${ev.data.act} a CA signature may be put on in this ledger`, {
        path: ['data', 'act'],
        rule: 'QC Điều 3.1',
      });
    return act.stream;
  }
  if (ev.type === 'CorrectionMade') {
    const target = s.ids.get(ev.data.target);
    if (target === undefined)
      return ledgerError('unknown-target', `no event ${ev.data.target} in this ledger`, {
        path: ['data', 'target'],
        rule: 'QC Điều 12.3',
      });
    return target.stream;
  }
  throw new Error(`internal: no stream for ${ev.type}`);
}
