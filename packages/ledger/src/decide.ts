/**
 * The pure heart of the write side: `decide(state, command, ctx)` returns the unsigned envelopes
 * a command writes, or the rule it breaks. Each event is checked by the same {@link checkEvent}
 * the verifier replays, against a copy-on-write fork of the state that already holds the events
 * before it in the same command; the input state is never changed.
 */
import { left, right, isLeft, type Either } from 'fp-ts/lib/Either.js';
import type { Envelope, UnsignedEnvelope, JsonObject } from '@hoso/core';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { ledgerError, type LedgerError } from './errors.js';
import { commandEvents, type Command } from './commands.js';
import { checkEvent, type SignerView } from './rules.js';
import { evolve, forkState, type LedgerState } from './state.js';
import { streamOf } from './streams.js';
import type { LedgerEvent } from './events.js';

/** The school's time zone: windows and `at` are read in it (DESIGN §8). */
export const SCHOOL_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** What `decide` needs besides the state: the ledger, the clock reading, the signers, event ids. */
export interface DecideContext {
  readonly ledger: string;
  /** The append clock; written as `at` and used for the window checks. */
  readonly now: Date;
  /** Public keys (base64url) and roles of the signers; the first is the author. */
  readonly actors: readonly SignerView[];
  /** The id of the command's i-th event (deterministic from the command id; see `ids.ts`). */
  readonly eventId: (i: number) => string;
}

/** `now` as RFC 3339 in Asia/Ho_Chi_Minh, milliseconds and offset included (`2024-09-05T07:30:00.000+07:00`). */
export function formatAt(now: Date): string {
  return format(new TZDate(now.getTime(), SCHOOL_TIME_ZONE), "yyyy-MM-dd'T'HH:mm:ss.SSSxxx");
}

/**
 * Decide a command against `state`: the unsigned envelopes to sign, in order, or the first rule
 * broken. `rev`/`prev` come from the stream heads in `state`; every event of one command goes to
 * a different stream, so they can be signed in parallel.
 */
export function decide(state: LedgerState, command: Command, ctx: DecideContext): Either<LedgerError, UnsignedEnvelope[]> {
  const author = ctx.actors[0];
  if (author === undefined) return left(ledgerError('missing-signature', 'a command needs at least its author as signer', { path: ['signers'] }));
  const events = commandEvents(command, ctx.actors);
  if (isLeft(events)) return events;
  const at = formatAt(ctx.now);
  const scratch = forkState(state);
  const out: UnsignedEnvelope[] = [];
  const streams = new Set<string>();
  for (const [i, ev] of events.right.entries()) {
    const stream = targetStream(scratch, ev);
    if (typeof stream !== 'string') return left(stream);
    if (streams.has(stream)) throw new Error(`internal: command ${command.type} writes stream ${stream} twice`);
    streams.add(stream);
    const head = scratch.heads.get(stream);
    const unsigned: UnsignedEnvelope = {
      v: 1,
      id: ctx.eventId(i),
      ledger: ctx.ledger,
      stream,
      rev: head === undefined ? 0 : head.rev + 1,
      prev: head === undefined ? null : head.leafHash,
      type: ev.type,
      data: ev.data as unknown as JsonObject,
      at,
      by: { key: author.key, role: author.role },
    };
    const refusal = checkEvent(scratch, {
      ledger: ctx.ledger,
      stream,
      type: ev.type,
      data: ev.data,
      by: unsigned.by,
      signers: ctx.actors,
      at: ctx.now,
    });
    if (refusal !== null) return left(refusal);
    out.push(unsigned);
    // Later events of the command see this one; its leaf hash is not known before signing, and
    // no later event of the same command chains to it (one event per stream per command).
    const provisional: Envelope = { ...unsigned, sigs: ctx.actors.map((a) => ({ key: a.key, role: a.role, sig: '' })) };
    evolve(scratch, provisional, '');
  }
  return right(out);
}

function targetStream(s: LedgerState, ev: LedgerEvent): string | LedgerError {
  const direct = streamOf(ev);
  if (direct !== null) return direct;
  if (ev.type === 'CorrectionMade') {
    const target = s.ids.get(ev.data.target);
    if (target === undefined) return ledgerError('unknown-target', `no event ${ev.data.target} in this ledger`, { path: ['data', 'target'], rule: 'QC Điều 12.3' });
    return target.stream;
  }
  throw new Error(`internal: no stream for ${ev.type}`);
}
