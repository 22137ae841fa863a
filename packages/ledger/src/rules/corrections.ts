/**
 * Corrections (QC Điều 12.3): a value already entered is changed only by a correction in its own
 * stream, naming the entry, the value it holds now and a valid new one, with minutes, requested by
 * the author in the role that writes the value and holding it, approved by a leader and witnessed
 * by the administrator — three signatures of three distinct people. Every one of these is checked
 * whatever the others say: a correction that fails one is not let off the rest.
 */
import { ledgerError } from '../errors.js';
import type { EventData } from '../events.js';
import { ioErrors } from '../decode.js';
import type { Grant, LedgerState } from '../state.js';
import { sameValue } from '../values.js';
import type { EventView } from '../views.js';
import { RULES } from './articles.js';
import { activeKey, holderOf, type Problems } from './lookups.js';

/** The three places of a correction, as signers must fill them. */
const PLACES = [
  { field: 'approver', role: 'leader' },
  { field: 'witness', role: 'admin' },
] as const;

/** Every rule of a correction (`disclose`: the requester's key is active, so refusals may show the cell's value). */
export function checkCorrection(
  s: LedgerState,
  v: EventView,
  d: EventData['CorrectionMade'],
  disclose: boolean,
  out: Problems,
): void {
  const rule = RULES.correction;
  const author = activeKey(s, v.by.key, ['by', 'key'], out);
  // The cell corrected: what the value, the role and the requester's scope are checked against.
  const target = s.ids.get(d.target);
  const cell = target?.cell === undefined ? undefined : s.cells.get(target.cell);
  if (target === undefined || cell === undefined) {
    out.push(
      ledgerError(
        'unknown-target',
        target === undefined
          ? `event ${d.target} is not in this ledger: the value, the role and the requester's scope cannot be checked`
          : `event ${d.target} is not an entry of a value: the value, the role and the requester's scope cannot be checked`,
        { path: ['data', 'target'], rule },
      ),
    );
  } else {
    if (target.stream !== v.stream)
      out.push(
        ledgerError('wrong-stream', `a correction lives in the stream of the value it corrects ("${target.stream}")`, {
          path: ['stream'],
          rule,
        }),
      );
    if (!sameValue(cell.value, d.old))
      out.push(
        disclose
          ? ledgerError('stale-old-value', `the cell holds "${cell.value}", not "${d.old}"`, {
              path: ['data', 'old'],
              rule,
              details: { current: cell.value },
            })
          : ledgerError('stale-old-value', `the cell does not hold "${d.old}"`, { path: ['data', 'old'], rule }),
      );
    const valid = cell.ref.codec.decode(d.new);
    if (valid._tag === 'Left') {
      const [first] = ioErrors(valid.left, ['data', 'new']);
      out.push(
        ledgerError('invalid-value', first?.message ?? 'not a valid value for this cell', {
          path: ['data', 'new'],
          rule: first?.rule ?? rule,
        }),
      );
    } else if (sameValue(cell.value, d.new))
      out.push(ledgerError('no-change', 'the new value equals the old one', { path: ['data', 'new'], rule }));
    if (v.by.role !== cell.ref.writer)
      out.push(
        ledgerError(
          'not-permitted',
          `a correction of this value is requested in the ${cell.ref.writer} role, not "${v.by.role}"`,
          {
            path: ['by', 'role'],
            rule,
          },
        ),
      );
  }

  // The three places: requester (the author), approver (a leader), witness (the administrator).
  if (d.requester !== v.by.key)
    out.push(
      ledgerError('invalid-data', 'the requester is the author (by.key)', { path: ['data', 'requester'], rule }),
    );
  const filled = new Set<number>([0]);
  for (const p of PLACES) {
    const key = d[p.field];
    const i = v.signers.findIndex((x, j) => j > 0 && x.key === key && x.role === p.role);
    if (i < 0)
      out.push(
        ledgerError('missing-signature', `the ${p.field} must sign in the ${p.role} role`, {
          path: ['data', p.field],
          rule,
        }),
      );
    else filled.add(i);
  }
  for (let i = 1; i < v.signers.length; i++)
    if (!filled.has(i))
      out.push(
        ledgerError(
          'unexpected-signature',
          'a correction carries exactly three signatures: requester, approver, witness',
          {
            path: ['sigs', i],
            rule,
          },
        ),
      );

  const scope: Grant | undefined =
    cell === undefined
      ? undefined
      : cell.ref.writer === 'subject' && cell.ref.subject !== undefined
        ? { role: 'subject', year: cell.ref.year, class: cell.ref.class, subject: cell.ref.subject }
        : { role: 'homeroom', year: cell.ref.year, class: cell.ref.class };
  // The author answers for the request whoever the payload names as requester.
  if (d.requester !== v.by.key && scope !== undefined && author !== null)
    holderOf(s, v.by.key, scope, ['by', 'key'], out);
  const requester =
    scope === undefined
      ? activeKey(s, d.requester, ['data', 'requester'], d.requester === v.by.key ? [] : out)
      : holderOf(s, d.requester, scope, ['data', 'requester'], d.requester === v.by.key && author === null ? [] : out);
  const approver = holderOf(s, d.approver, { role: 'leader' }, ['data', 'approver'], out);
  const witness = holderOf(s, d.witness, { role: 'admin' }, ['data', 'witness'], out);
  const people = [requester, approver, witness].filter((p): p is string => p !== null);
  const dup = people.find((p, i) => people.indexOf(p) !== i);
  if (dup !== undefined)
    out.push(
      ledgerError(
        'same-person-twice',
        `${dup} fills two of the three places; requester, approver and witness are three people`,
        {
          path: ['data'],
          rule,
        },
      ),
    );
}
