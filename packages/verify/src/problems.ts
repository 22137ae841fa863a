/**
 * Problems: the findings grouped as an inspector acts on them (*vấn đề*). One edited event is one
 * problem — its bad signature, and the `stream-prev-mismatch` of the next event of its stream and
 * the checkpoint roots it breaks listed under it as consequences; a deletion, an insertion or a
 * swap in the middle of the bundle is named as such, with its place (lines), instead of the size,
 * truncation and root findings it causes. Pure: findings and checkpoint summaries in, problems out.
 */
import type { EventClaim } from './claims.js';
import type { Finding, FindingCode, Severity } from './findings.js';
import type { CheckpointSummary } from './report.js';

/** What kind of problem a group of findings is. */
export type ProblemKind =
  /** An event's own bytes or signatures do not hold: it was edited or forged after signing. */
  | 'event-altered'
  /** An event signed by a key that does not hold there (unregistered, revoked, untrusted genesis). */
  | 'event-not-authentic'
  /** An authentic event the school rules refuse at its position. */
  | 'rule-broken'
  /** Events of a stream deleted from the middle of the bundle. */
  | 'event-removed'
  /** An event added to the middle of the bundle (a copy of another, or a revision its stream already had). */
  | 'event-inserted'
  /** Events of one stream swapped or moved. */
  | 'events-moved'
  /** Two events of a stream no longer chain: the earlier was changed and re-signed, or the later's link. */
  | 'chain-broken'
  /** Events removed from the end of the bundle. */
  | 'events-removed-at-end'
  /** A checkpoint root differs and no single event shows why: the change lies between two checkpoints. */
  | 'history-changed'
  /** Any other finding, on its own. */
  | 'finding';

/** One problem: the finding that names it and the findings it causes. */
export interface Problem {
  readonly kind: ProblemKind;
  readonly severity: Severity;
  /** Ledger position (0-based) of the event concerned, or null for the bundle as a whole. */
  readonly position: number | null;
  /** Bundle line of that event (line 1 is the header), or null (a store, or the bundle as a whole). */
  readonly line: number | null;
  /** The article or standard broken (the cause's). */
  readonly rule: string;
  /** Index in `report.findings` of the finding that names the problem. */
  readonly cause: number;
  /** Indices in `report.findings` of its knock-on findings, in order. */
  readonly consequences: readonly number[];
  /** What the event concerned claims, in school terms, when there is one. */
  readonly claim?: EventClaim;
  /** The problem in one English sentence. */
  readonly summary: string;
  /** The same in Vietnamese. */
  readonly summary_vi: string;
}

/** Findings that say an event's own bytes or signatures do not hold. */
const ALTERED: ReadonlySet<FindingCode> = new Set<FindingCode>([
  'signature-invalid',
  'event-invalid',
  'event-not-canonical',
  'signature-structure',
  'ledger-mismatch',
]);
const NOT_AUTHENTIC: ReadonlySet<FindingCode> = new Set<FindingCode>([
  'key-unregistered',
  'key-revoked',
  'genesis-untrusted',
  'ca-signature-invalid',
]);
/** Bundle-wide findings that a removal or an insertion causes. */
const SIZE_KNOCK_ONS: ReadonlySet<FindingCode> = new Set<FindingCode>([
  'size-mismatch',
  'checkpoint-beyond-bundle',
  'checkpoint-missing',
  'since-rollback',
]);

/** Findings about the roots of a prefix of the bundle, placed at its last event. */
const ROOT_FINDINGS: ReadonlySet<FindingCode> = new Set<FindingCode>([
  'checkpoint-root-mismatch',
  'since-inconsistent',
]);

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

interface Draft {
  kind: ProblemKind;
  position: number | null;
  cause: number;
  members: number[];
  summary: string;
  summary_vi: string;
  claim?: EventClaim;
}

/**
 * Group `findings` (sorted, as the sink gives them) into problems, and give each finding the index
 * of its problem. `size`, `declaredSize` and the checkpoint summaries place removals and root
 * mismatches.
 */
export function groupProblems(
  findings: readonly Finding[],
  ctx: {
    readonly size: number;
    readonly declaredSize: number | null;
    readonly checkpoints: readonly CheckpointSummary[];
  },
): { findings: Finding[]; problems: Problem[] } {
  const owner = new Array<number>(findings.length).fill(-1);
  const drafts: Draft[] = [];
  // Line of a position: lines follow positions one for one, shifted by the header (and by any line
  // out of place before it, which the findings' own lines carry).
  let shift: number | null = null;
  for (const f of findings)
    if (f.position !== null && typeof f.line === 'number') {
      shift = f.line - f.position;
      break;
    }
  const lineAt = (p: number | null): number | null => (p === null || shift === null ? null : p + shift);
  const lineText = (p: number | null): string => {
    const l = lineAt(p);
    return l === null ? `position ${p ?? '?'}` : `line ${l}`;
  };
  const lineVi = (p: number | null): string => {
    const l = lineAt(p);
    return l === null ? `vị trí ${p ?? '?'}` : `dòng ${l}`;
  };
  const open = (d: Draft): number => {
    drafts.push(d);
    const k = drafts.length - 1;
    for (const i of d.members) owner[i] = k;
    owner[d.cause] = k;
    return k;
  };
  const join = (k: number, i: number): void => {
    if (owner[i] !== -1) return;
    owner[i] = k;
    drafts[k]!.members.push(i);
  };

  const byPosition = new Map<number, number[]>();
  findings.forEach((f, i) => {
    // A root mismatch is placed at its checkpoint's last event, but says nothing about that event.
    if (f.position === null || ROOT_FINDINGS.has(f.code)) return;
    const list = byPosition.get(f.position);
    if (list === undefined) byPosition.set(f.position, [i]);
    else list.push(i);
  });
  const at = (p: number, code: FindingCode): number | undefined =>
    byPosition.get(p)?.find((i) => findings[i]!.code === code);
  const claimAt = (p: number): EventClaim | undefined =>
    byPosition
      .get(p)
      ?.map((i) => findings[i]!.claim)
      .find((c) => c !== undefined);
  const withClaim = (d: Draft, p: number): Draft => {
    const c = claimAt(p);
    return c === undefined ? d : { ...d, claim: c };
  };
  const says = (p: number): { en: string; vi: string } => {
    const c = claimAt(p);
    return c === undefined ? { en: '', vi: '' } : { en: `: ${c.summary}`, vi: `: ${c.summary_vi}` };
  };
  const shrunk = ctx.declaredSize !== null && ctx.declaredSize > ctx.size;

  // 1. Chain structure: insertions (a copied id, a revision the stream had), moves, removals.
  const gaps = findings.map((f, i) => ({ f, i })).filter(({ f }) => f.code === 'stream-rev-gap' && f.position !== null);
  for (const { f, i } of gaps) {
    if (owner[i] !== -1) continue;
    const q = f.position!;
    const expected = num(f.details?.expected) ?? 0;
    const actual = num(f.details?.actual) ?? 0;
    const dup = at(q, 'duplicate-id');
    if (dup !== undefined) {
      const first = num(findings[dup]!.details?.first);
      const s = says(q);
      open(
        withClaim(
          {
            kind: 'event-inserted',
            position: q,
            cause: dup,
            members: [i],
            summary: `A second copy of the event on ${lineText(first)} was inserted at ${lineText(q)}${s.en}.`,
            summary_vi: `Một bản sao của sự kiện ở ${lineVi(first)} đã bị chèn vào ${lineVi(q)}${s.vi}.`,
          },
          q,
        ),
      );
      continue;
    }
    if (actual > expected) {
      // A swap inside one stream: rev e+1 arrives first, then e, then e+2 finds the stream at e.
      const back = gaps.find(
        (g) =>
          owner[g.i] === -1 &&
          g.i !== i &&
          g.f.stream === f.stream &&
          (g.f.position ?? -1) > q &&
          num(g.f.details?.actual) === expected,
      );
      if (back !== undefined) {
        const q2 = back.f.position!;
        const after = gaps.find(
          (g) =>
            owner[g.i] === -1 &&
            g.f.stream === f.stream &&
            (g.f.position ?? -1) > q2 &&
            num(g.f.details?.expected) === expected + 1 &&
            num(g.f.details?.actual) === actual + 1,
        );
        const s = says(q2);
        open(
          withClaim(
            {
              kind: 'events-moved',
              position: q,
              cause: i,
              members: [back.i, ...(after === undefined ? [] : [after.i])],
              summary: `Events of stream "${f.stream ?? '?'}" were moved: the event on ${lineText(q2)} belongs before the one on ${lineText(q)}${s.en}.`,
              summary_vi: `Các sự kiện của luồng "${f.stream ?? '?'}" đã bị đổi chỗ: sự kiện ở ${lineVi(q2)} phải đứng trước sự kiện ở ${lineVi(q)}${s.vi}.`,
            },
            q2,
          ),
        );
        continue;
      }
      const previous = num(f.details?.previous);
      const k = actual - expected;
      const revs = k === 1 ? `revision ${expected}` : `revisions ${expected}–${actual - 1}`;
      const revsVi = k === 1 ? `số thứ tự ${expected}` : `số thứ tự ${expected}–${actual - 1}`;
      const s = says(q);
      open(
        withClaim(
          {
            kind: 'event-removed',
            position: q,
            cause: i,
            members: [],
            summary: `${k} event(s) of stream "${f.stream ?? '?'}" (${revs}) were deleted from the middle of the bundle, between ${lineText(previous)} and ${lineText(q)}; the event on ${lineText(q)} is the next of its stream${s.en}.`,
            summary_vi: `${k} sự kiện của luồng "${f.stream ?? '?'}" (${revsVi}) đã bị xóa khỏi giữa tệp xuất, giữa ${lineVi(previous)} và ${lineVi(q)}; sự kiện ở ${lineVi(q)} là sự kiện kế tiếp của luồng${s.vi}.`,
          },
          q,
        ),
      );
      continue;
    }
    const s = says(q);
    open(
      withClaim(
        {
          kind: 'event-inserted',
          position: q,
          cause: i,
          members: [],
          summary: `An event was inserted at ${lineText(q)}: stream "${f.stream ?? '?'}" already had revision ${actual}${s.en}.`,
          summary_vi: `Một sự kiện đã bị chèn vào ${lineVi(q)}: luồng "${f.stream ?? '?'}" đã có số thứ tự ${actual}${s.vi}.`,
        },
        q,
      ),
    );
  }

  // 2. Each remaining event with findings: one problem, its worst finding first.
  for (const [p, list] of byPosition) {
    const free = list.filter((i) => owner[i] === -1);
    if (free.length === 0) continue;
    const structural = list.map((i) => owner[i]).find((k) => k !== -1);
    if (structural !== undefined) {
      // The inserted or moved event's own findings belong to that problem.
      for (const i of free) join(structural, i);
      continue;
    }
    const pick = (set: ReadonlySet<FindingCode>): number | undefined =>
      free.find((i) => set.has(findings[i]!.code) && findings[i]!.severity === 'error');
    const altered = pick(ALTERED);
    const unauthentic = altered === undefined ? pick(NOT_AUTHENTIC) : undefined;
    const broken =
      altered === undefined && unauthentic === undefined
        ? free.find((i) => findings[i]!.code === 'rule-violation')
        : undefined;
    const prevOnly = free.find((i) => findings[i]!.code === 'stream-prev-mismatch');
    const s = says(p);
    if (altered !== undefined || unauthentic !== undefined || broken !== undefined) {
      const cause = (altered ?? unauthentic ?? broken)!;
      const kind: ProblemKind =
        altered !== undefined ? 'event-altered' : unauthentic !== undefined ? 'event-not-authentic' : 'rule-broken';
      const [en, vi] =
        kind === 'event-altered'
          ? [
              `The event on ${lineText(p)} was changed or forged after it was signed${s.en}.`,
              `Sự kiện ở ${lineVi(p)} đã bị sửa hoặc giả mạo sau khi ký${s.vi}.`,
            ]
          : kind === 'event-not-authentic'
            ? [
                `The event on ${lineText(p)} is signed with a key that does not hold there${s.en}.`,
                `Sự kiện ở ${lineVi(p)} được ký bằng khóa không hợp lệ tại đó${s.vi}.`,
              ]
            : [
                `The event on ${lineText(p)} breaks the school rules${s.en}.`,
                `Sự kiện ở ${lineVi(p)} vi phạm quy chế${s.vi}.`,
              ];
      open(
        withClaim(
          {
            kind,
            position: p,
            cause,
            members: free.filter((i) => i !== cause),
            summary: en,
            summary_vi: vi,
          },
          p,
        ),
      );
      continue;
    }
    if (prevOnly !== undefined) {
      const previous = num(findings[prevOnly]!.details?.previous);
      const earlier = previous === null ? undefined : byPosition.get(previous)?.find((i) => owner[i] !== -1);
      if (earlier !== undefined) {
        for (const i of free) join(owner[earlier]!, i);
        continue;
      }
      const stream = findings[prevOnly]!.stream ?? '?';
      open(
        withClaim(
          {
            kind: 'chain-broken',
            position: previous ?? p,
            cause: prevOnly,
            members: free.filter((i) => i !== prevOnly),
            summary: `The event on ${lineText(previous)} (stream "${stream}") was changed and signed again, or the link of the event on ${lineText(p)} to it: the next event of the stream no longer chains to it${s.en}.`,
            summary_vi: `Sự kiện ở ${lineVi(previous)} (luồng "${stream}") đã bị sửa rồi ký lại, hoặc mối nối của sự kiện ở ${lineVi(p)} tới nó: sự kiện kế tiếp của luồng không còn nối với nó${s.vi}.`,
          },
          p,
        ),
      );
      continue;
    }
    // Warnings (and a late-found duplicate) of an event with no other problem: each its own.
    for (const i of free)
      open(
        withClaim(
          {
            kind: 'finding',
            position: p,
            cause: i,
            members: [],
            summary: findings[i]!.message,
            summary_vi: findings[i]!.message_vi,
          },
          p,
        ),
      );
  }

  // An event the rules refuse whose next event of its stream no longer chains to it was changed
  // and signed again with a key that holds (another person's, or the author's own, stolen).
  for (const d of drafts)
    if (d.kind === 'rule-broken' && d.members.some((i) => findings[i]!.code === 'stream-prev-mismatch')) {
      const s = says(d.position!);
      d.kind = 'event-altered';
      d.summary = `The event on ${lineText(d.position)} was changed and signed again (the next event of its stream no longer chains to it), and it breaks the school rules${s.en}.`;
      d.summary_vi = `Sự kiện ở ${lineVi(d.position)} đã bị sửa rồi ký lại (sự kiện kế tiếp của luồng không còn nối với nó) và vi phạm quy chế${s.vi}.`;
    }

  // 3. Bundle-wide knock-ons: roots broken by an event-level problem, sizes by a removal or insertion.
  const eventProblems = drafts
    .map((d, k) => ({ d, k }))
    // An authentic event the rules refuse changes no root, unless its bytes also broke its chain.
    .filter(({ d }) => d.position !== null && d.kind !== 'finding' && d.kind !== 'rule-broken');
  const sizeProblem = drafts.findIndex((d) => d.kind === 'event-removed' || d.kind === 'event-inserted');
  let truncated = -1;
  let changed = -1;
  findings.forEach((f, i) => {
    if (owner[i] !== -1) return;
    if (f.code === 'checkpoint-root-mismatch' || f.code === 'since-inconsistent') {
      const size = num(f.details?.size) ?? ctx.size;
      const cause = eventProblems.find(({ d }) => d.position! < size);
      if (cause !== undefined) return join(cause.k, i);
      if (changed !== -1) return join(changed, i);
      // No event shows the change: place it between the last checkpoint that matched and this one.
      const before = Math.max(
        0,
        ...ctx.checkpoints.filter((c) => c.ok && c.size !== null && c.size < size).map((c) => c.size!),
      );
      changed = open({
        kind: 'history-changed',
        position: null,
        cause: i,
        members: [],
        summary: `An event between ${lineText(before)} and ${lineText(size - 1)} was changed, removed, added or reordered: the first ${before} events match a checkpoint, the first ${size} do not.`,
        summary_vi: `Một sự kiện trong khoảng từ ${lineVi(before)} đến ${lineVi(size - 1)} đã bị sửa, xóa, thêm hoặc đổi chỗ: ${before} sự kiện đầu khớp với một điểm kiểm tra, ${size} sự kiện đầu thì không.`,
      });
      return;
    }
    if (SIZE_KNOCK_ONS.has(f.code)) {
      if (sizeProblem !== -1) return join(sizeProblem, i);
      if (truncated !== -1) return join(truncated, i);
      // More events than the header says, and a line that is no event: that line was added.
      const grown = ctx.declaredSize !== null && ctx.declaredSize < ctx.size;
      if ((f.code === 'size-mismatch' || f.code === 'checkpoint-missing') && grown && eventProblems.length > 0)
        return join(eventProblems[0]!.k, i);
      const beyond = findings.findIndex((g, j) => owner[j] === -1 && g.code === 'checkpoint-beyond-bundle');
      if (shrunk || beyond !== -1) {
        const cause = beyond !== -1 ? beyond : i;
        const covered = beyond !== -1 ? (num(findings[beyond]!.details?.size) ?? ctx.size) : ctx.declaredSize!;
        const k = covered - ctx.size;
        truncated = open({
          kind: 'events-removed-at-end',
          position: null,
          cause,
          members: cause === i ? [] : [i],
          summary: `The last ${k} event(s) were removed from the end of the bundle: it holds ${ctx.size}, its checkpoint or header ${covered}.`,
          summary_vi: `${k} sự kiện cuối đã bị xóa khỏi cuối tệp xuất: tệp có ${ctx.size} sự kiện, điểm kiểm tra hoặc dòng đầu ghi ${covered}.`,
        });
        return;
      }
    }
  });
  // 4. Everything else, on its own.
  findings.forEach((f, i) => {
    if (owner[i] === -1)
      open({
        kind: 'finding',
        position: f.position,
        cause: i,
        members: [],
        summary: f.message,
        summary_vi: f.message_vi,
        ...(f.claim === undefined ? {} : { claim: f.claim }),
      });
  });

  const problems: Problem[] = drafts.map((d) => {
    const cause = findings[d.cause]!;
    const all = [d.cause, ...d.members];
    const consequences = d.members.filter((i) => i !== d.cause).sort((a, b) => a - b);
    const severity: Severity = all.some((i) => findings[i]!.severity === 'error') ? 'error' : 'warning';
    return {
      kind: d.kind,
      severity,
      position: d.position,
      line: lineAt(d.position),
      rule: cause.rule,
      cause: d.cause,
      consequences,
      ...(d.claim === undefined ? {} : { claim: d.claim }),
      summary: d.summary,
      summary_vi: d.summary_vi,
    };
  });
  // Problems in the order of their place in the bundle (bundle-wide ones first), as findings are.
  const order = problems
    .map((_, k) => k)
    .sort((a, b) => {
      const pa = problems[a]!.position ?? -1;
      const pb = problems[b]!.position ?? -1;
      return pa !== pb ? pa - pb : problems[a]!.cause - problems[b]!.cause;
    });
  const renumber = new Array<number>(problems.length);
  order.forEach((k, j) => (renumber[k] = j));
  return {
    problems: order.map((k) => problems[k]!),
    findings: findings.map((f, i) => ({ ...f, problem: renumber[owner[i]!]! })),
  };
}
