import { evolve, initialState, ledgerError, replayCheck, type LedgerError, type LedgerState } from '@hoso/ledger';
import { finding } from '../findings.js';
import type { EventContext, EventPass } from '../engine.js';

/**
 * Ledger codes another pass already reports with its own finding (integrity: chain and ledger id;
 * the catalogue check: types and payloads). Reporting them again would count one fault twice.
 */
const REPORTED_ELSEWHERE: ReadonlySet<string> = new Set([
  'wrong-ledger',
  'stream-conflict',
  'invalid-envelope',
  'unknown-event-type',
  'invalid-data',
]);

/** Key codes the key pass reports independently; repeated only when that pass saw nothing wrong. */
const KEY_CODES: ReadonlySet<string> = new Set(['unknown-key', 'key-revoked', 'bad-signature']);

/** Vietnamese for the rule violations an inspector meets most. */
const VI: Readonly<Record<string, string>> = {
  'no-genesis': 'sổ chưa được khởi tạo',
  'already-founded': 'sổ đã được khởi tạo trước đó',
  'unknown-key': 'khóa ký chưa được đăng ký',
  'key-revoked': 'khóa ký đã bị thu hồi',
  'not-permitted': 'vai trò này không được phép thực hiện thao tác',
  'role-not-held': 'người ký không giữ vai trò đã ghi tại thời điểm đó',
  'missing-signature': 'thiếu chữ ký bắt buộc',
  'unexpected-signature': 'có chữ ký không được yêu cầu',
  'same-person-twice': 'một người đứng hai vị trí trong biên bản sửa chữa',
  'key-already-registered': 'khóa đã được đăng ký cho người khác',
  'cell-already-entered': 'ô điểm đã có giá trị: phải sửa bằng biên bản sửa chữa',
  'cell-signed-off': 'cột điểm đã được ký xác nhận: chỉ được sửa bằng biên bản sửa chữa',
  'outside-window': 'nhập ngoài thời hạn cho phép',
  'unknown-target': 'biên bản sửa chữa trỏ tới mục không tồn tại',
  'stale-old-value': 'giá trị cũ trong biên bản không khớp với giá trị đang có',
  'already-signed': 'đã được ký trước đó',
  'out-of-order': 'ký duyệt sai thứ tự',
};

/**
 * The compliance pass: replays the ledger package's own rules (`replayCheck`, then `evolve`) by
 * ledger position, so the verifier applies exactly the rules the writer applied — roles held at
 * that position, windows and locks, corrections with three distinct people in the right roles,
 * sign-off order, nothing changed after approval except by correction. Each violation becomes a
 * `rule-violation` finding carrying the ledger's code and article.
 */
export class CompliancePass implements EventPass {
  readonly kind = 'compliance' as const;
  private readonly state: LedgerState = initialState();

  step(ctx: EventContext): void {
    const env = ctx.envelope;
    let err: LedgerError | null;
    try {
      err = replayCheck(this.state, env);
    } catch (e) {
      err = ledgerError(
        'not-permitted',
        `the rules could not be replayed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    if (err !== null && !REPORTED_ELSEWHERE.has(err.code) && !(KEY_CODES.has(err.code) && ctx.hasErrors()))
      this.report(ctx, err);
    evolve(this.state, env, ctx.leafHash);
  }

  skip(): void {
    // An event that does not decode still takes its position.
    this.state.size += 1;
  }

  private report(ctx: EventContext, err: LedgerError): void {
    const env = ctx.envelope;
    const vi = VI[err.code] ?? 'vi phạm quy chế';
    ctx.report(
      finding(
        'rule-violation',
        { position: ctx.position, event: env.id, stream: env.stream },
        `${env.type} by ${env.by.role} breaks the rules at this position: ${err.message}`,
        `Sự kiện ${env.type} do vai trò ${env.by.role} thực hiện vi phạm quy chế tại vị trí này: ${vi}.`,
        {
          rule: err.rule ?? 'QC Điều 7.2',
          details: { ledgerCode: err.code, ...(err.path !== undefined ? { path: err.path.join('.') } : {}) },
        },
      ),
    );
  }
}

/** The compliance pass (the ledger package provides the rules). */
export function compliancePass(): EventPass {
  return new CompliancePass();
}
