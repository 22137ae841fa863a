/**
 * `hoso retention`: whose personal data is due for erasure, and the erasure in one signed decision
 * (docs/personal-data.md).
 */
import type { Command } from 'commander';
import { isLeft } from 'fp-ts/lib/Either.js';
import { decodeEnvelope } from '@hoso/core';
import { v7 as uuidv7 } from 'uuid';
import { DEFAULT_RETENTION, parseRetentionPolicy, retentionReport, type RetentionPolicy } from '@hoso/books';
import { MAX_ERASED_PER_DECISION } from '@hoso/ledger';
import { foldStore } from '../books-view.js';
import { formatPath, refused, usage } from '../exit.js';
import { jsonText, readText, terminalSafe, type Output } from '../io.js';
import { openCliLedger, signersFrom } from '../ledger-ops.js';
import { withStore } from '../store.js';
import { storeOptions } from './checkpoints.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function policyFrom(file: string | undefined): RetentionPolicy {
  if (file === undefined) return DEFAULT_RETENTION;
  let v: unknown;
  try {
    v = JSON.parse(readText(file, '--policy'));
  } catch (e) {
    throw usage('invalid-json', `not JSON: ${e instanceof Error ? e.message : String(e)}`, file);
  }
  const p = parseRetentionPolicy(v);
  if (!p.ok)
    throw usage('invalid-policy', `${p.path === '' ? '' : `${p.path}: `}${p.message}`, file, 'docs/personal-data.md');
  return p.policy;
}

interface AccessLine {
  readonly at: string;
  readonly position: number;
  readonly person: string;
  readonly role: string;
  readonly purpose: string;
  readonly basis?: string;
  readonly via: string;
  readonly reads: ReadonlyArray<{ readonly student: string; readonly fields: readonly string[] }>;
}

/** Register `retention`, `access-log`. */
export function registerPersonalDataCommands(program: Command, io: Output): void {
  const screen = terminalSafe(io);
  storeOptions(program.command('access-log'))
    .description(
      'the logged reads of personal data (nhật ký truy cập dữ liệu cá nhân): who, in which role, when, why, which pupils and fields — never a value',
    )
    .option('--pupil <code>', "only the reads of this pupil's data")
    .option('--from <date>', 'from this day (YYYY-MM-DD, UTC)')
    .option('--to <date>', 'to this day, included (YYYY-MM-DD, UTC)')
    .option('--json', 'print the entries as JSON')
    .action(
      async (o: {
        db?: string;
        store?: string;
        ledger?: string;
        pupil?: string;
        from?: string;
        to?: string;
        json?: boolean;
      }) => {
        for (const [arg, v] of [
          ['--from', o.from],
          ['--to', o.to],
        ] as const)
          if (v !== undefined && !DATE.test(v)) throw usage('invalid-date', `${arg} is YYYY-MM-DD`, arg);
        await withStore(
          o,
          async (s) => {
            const lines: AccessLine[] = [];
            for await (const e of s.store.read(s.ledger)) {
              if (e.type !== 'PersonalDataAccessed') continue;
              const env = decodeEnvelope(e.bytes);
              if (isLeft(env)) continue;
              const d = env.right.data as Omit<AccessLine, 'at' | 'position' | 'role'>;
              const day = env.right.at.slice(0, 10);
              if ((o.from !== undefined && day < o.from) || (o.to !== undefined && day > o.to)) continue;
              const reads = o.pupil === undefined ? d.reads : d.reads.filter((r) => r.student === o.pupil);
              if (reads.length === 0) continue;
              lines.push({ at: env.right.at, position: e.position, role: env.right.by.role, ...d, reads });
            }
            if (o.json) return io.out(jsonText(lines));
            screen.out('Nhật ký truy cập dữ liệu cá nhân / Personal-data access log\n');
            for (const l of lines)
              screen.out(
                `${l.at}\t${l.person} (${l.role})\tqua/via ${l.via}\tmục đích/purpose: ${l.purpose}${l.basis === undefined ? '' : `\tcăn cứ/basis: ${l.basis}`}\t${l.reads.map((r) => `${r.student}: ${r.fields.join(', ')}`).join('; ')}\n`,
              );
            screen.out(`${lines.length} lần đọc / reads\n`);
          },
          { readonly: true },
        );
      },
    );

  storeOptions(program.command('retention'))
    .description(
      "pupils whose personal data is due for erasure under the school's retention policy; --erase erases them in one signed decision",
    )
    .option('--policy <file>', 'the retention policy (hoso/retention@v1 JSON; default: no period set, nothing due)')
    .option('--today <date>', 'the day to judge on (YYYY-MM-DD, default today)')
    .option('--erase', 'erase the pupils due, as one PersonalDataErased signed by --key as leader')
    .option('--key <file>', "the leader's signer key (with --erase)")
    .option('--reason <text>', 'the reason written in the decision', 'hết thời hạn lưu trữ')
    .option('--decision <number@date>', 'the school\'s decision document, e.g. "12/QĐ-THPT@2030-06-01"')
    .option('--json', 'print the report as JSON')
    .action(
      async (o: {
        db?: string;
        store?: string;
        ledger?: string;
        policy?: string;
        today?: string;
        erase?: boolean;
        key?: string;
        reason: string;
        decision?: string;
        json?: boolean;
      }) => {
        const policy = policyFrom(o.policy);
        const today = o.today ?? new Date().toISOString().slice(0, 10);
        if (!DATE.test(today)) throw usage('invalid-date', '--today is YYYY-MM-DD', '--today');
        if (o.erase === true && o.key === undefined) throw usage('missing-option', '--erase needs --key', '--key');
        let decision: { number: string; date: string } | undefined;
        if (o.decision !== undefined) {
          const at = o.decision.lastIndexOf('@');
          const date = o.decision.slice(at + 1);
          if (at <= 0 || !DATE.test(date))
            throw usage('invalid-option', '--decision is NUMBER@YYYY-MM-DD', '--decision');
          decision = { number: o.decision.slice(0, at), date };
        }
        await withStore(
          o,
          async (s) => {
            const r = await foldStore(s.store, s.ledger);
            const lines = retentionReport(r, policy, today);
            const due = lines.filter((l) => l.status === 'due').map((l) => l.student);
            let erased = 0;
            if (o.erase === true && due.length > 0) {
              const opened = await openCliLedger(s, { warn: (l) => io.err(l) });
              const signers = signersFrom(o.key!, 'leader', []);
              for (let i = 0; i < due.length; i += MAX_ERASED_PER_DECISION) {
                const students = due.slice(i, i + MAX_ERASED_PER_DECISION);
                const data = {
                  students,
                  basis: 'retention-expired',
                  reason: o.reason,
                  ...(decision === undefined ? {} : { decision }),
                };
                const a = await opened.ledger.execute({ type: 'ErasePersonalData', id: uuidv7(), data }, signers);
                if (isLeft(a))
                  throw refused(a.left.code, a.left.message, formatPath(a.left.path), a.left.rule, { written: erased });
                erased += students.length;
                await opened.afterCommand(a.right.events.length);
              }
            }
            if (o.json) io.out(jsonText({ today, policy, lines, due: due.length, erased }));
            else {
              for (const l of lines)
                io.out(
                  `${l.student}\t${l.status}\t${l.left ?? '-'}\t${l.due ?? '-'}${l.rule === undefined ? '' : `\t${l.rule}`}\n`,
                );
              io.out(`${due.length} due on ${today}${o.erase === true ? `; ${erased} erased` : ''}\n`);
            }
          },
          o.erase === true ? {} : { readonly: true },
        );
      },
    );
}
