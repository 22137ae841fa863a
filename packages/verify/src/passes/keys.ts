import { EVENT_CODECS, isEventType, SCHOOL_STREAM, type EventData } from '@hoso/ledger';
import { finding, type Finding } from '../findings.js';
import type { EventContext, EventPass } from '../engine.js';

/** Role name a new key signs in when it proves possession on its own registration. */
export const HOLDER_ROLE = 'holder';

interface KeyState {
  readonly person: string;
  /** Position of the registration (or genesis). */
  readonly from: number;
  /** Position of the revocation, if any: the key signs nothing after it. */
  revokedAt: number | null;
}

/**
 * The authenticity pass over keys (QC Điều 6.1, 7.1). Trust flows from the school's root key:
 * the genesis (`SchoolFounded`, the first event) must be signed by the root key it names, and that
 * key must be one the inspector trusts. From then on a key may sign only after a `KeyRegistered`
 * event at an earlier position, which the new key itself co-signs in role `holder` (proof of
 * possession), and never after its `KeyRevoked`. It also checks every payload against the
 * ledger's event catalogue, since an event the catalogue cannot read cannot be replayed.
 *
 * State kept: one entry per key ever registered (hundreds for a school).
 */
export class KeyPass implements EventPass {
  readonly kind = 'authenticity' as const;
  private readonly keys = new Map<string, KeyState>();
  private genesisSeen = false;
  private first = true;

  /** @param rootKeys base64url root keys the inspector trusts; empty = trust unanchored (warned). */
  constructor(private readonly rootKeys: ReadonlySet<string>) {}

  step(ctx: EventContext): void {
    const env = ctx.envelope;
    const site = { position: ctx.position, event: env.id, stream: env.stream };
    const isFirst = this.first;
    this.first = false;

    const data = this.decode(ctx, site);

    if (env.type === 'SchoolFounded') {
      if (!isFirst || env.stream !== SCHOOL_STREAM || env.rev !== 0) {
        ctx.report(
          finding(
            'genesis-untrusted',
            site,
            'A second genesis (SchoolFounded) appears after the start of the ledger.',
            'Một sự kiện khởi tạo (SchoolFounded) thứ hai xuất hiện sau đầu sổ.',
            {
              rule: 'QC Điều 6.1',
            },
          ),
        );
        this.checkSigners(ctx, site, new Set());
        return;
      }
      this.genesisSeen = true;
      const g = data as EventData['SchoolFounded'] | undefined;
      if (g !== undefined) {
        if (env.by.key !== g.rootKey)
          ctx.report(
            finding(
              'genesis-untrusted',
              site,
              'The genesis is not signed by the root key it names.',
              'Sự kiện khởi tạo không được ký bằng khóa gốc ghi trong chính nó.',
            ),
          );
        else if (this.rootKeys.size > 0 && !this.rootKeys.has(g.rootKey))
          ctx.report(
            finding(
              'genesis-untrusted',
              site,
              `The genesis names root key ${g.rootKey}, which is not among the root keys given.`,
              `Sự kiện khởi tạo ghi khóa gốc ${g.rootKey}, không nằm trong các khóa gốc đã cho.`,
              {
                details: { rootKey: g.rootKey },
              },
            ),
          );
        this.keys.set(g.rootKey, { person: g.leader.person, from: ctx.position, revokedAt: null });
      }
      ctx.note(g === undefined ? 'School founded' : `School founded: ${g.name} (root key ${short(g.rootKey)})`);
      return;
    }

    if (isFirst)
      ctx.report(
        finding(
          'genesis-untrusted',
          site,
          `The ledger does not start with its genesis (SchoolFounded); it starts with ${env.type}.`,
          `Sổ không bắt đầu bằng sự kiện khởi tạo (SchoolFounded) mà bằng ${env.type}.`,
        ),
      );

    // The key being registered may sign its own registration (proof of possession) only.
    const exempt = new Set<string>();
    if (env.type === 'KeyRegistered') {
      const r = data as EventData['KeyRegistered'] | undefined;
      if (r !== undefined) {
        exempt.add(r.key);
        if (!env.sigs.some((s) => s.key === r.key && s.role === HOLDER_ROLE))
          ctx.report(
            finding(
              'key-unregistered',
              site,
              `Key ${r.key} is registered without proof of possession (it did not co-sign as "${HOLDER_ROLE}").`,
              `Khóa ${r.key} được đăng ký mà không có bằng chứng sở hữu (khóa không cùng ký với vai trò "${HOLDER_ROLE}").`,
              {
                details: { key: r.key, missing: 'proof-of-possession' },
              },
            ),
          );
      }
    }
    this.checkSigners(ctx, site, exempt);

    if (env.type === 'KeyRegistered') {
      const r = data as EventData['KeyRegistered'] | undefined;
      if (r !== undefined) {
        if (!this.keys.has(r.key)) this.keys.set(r.key, { person: r.person, from: ctx.position, revokedAt: null });
        ctx.note(`Key ${short(r.key)} registered to ${r.person}`);
      }
    } else if (env.type === 'KeyRevoked') {
      const r = data as EventData['KeyRevoked'] | undefined;
      if (r !== undefined) {
        const k = this.keys.get(r.key);
        if (k !== undefined && k.revokedAt === null) k.revokedAt = ctx.position;
        ctx.note(`Key ${short(r.key)} revoked: ${r.reason}`);
      }
    }
  }

  finish(report: (f: Finding) => void): void {
    if (this.rootKeys.size === 0)
      report(
        finding(
          'trust-unanchored',
          {},
          'No root key was given: the keys were checked against the ledger’s own genesis only.',
          'Không có khóa gốc: các khóa chỉ được đối chiếu với sự kiện khởi tạo của chính sổ.',
        ),
      );
    if (!this.genesisSeen && !this.first)
      report(
        finding(
          'genesis-untrusted',
          {},
          'The ledger has no genesis (SchoolFounded), so no key can be traced to the root key.',
          'Sổ không có sự kiện khởi tạo (SchoolFounded) nên không truy được khóa nào về khóa gốc.',
        ),
      );
  }

  /** Decode the payload with the ledger's catalogue codec; report and return undefined on failure. */
  private decode(ctx: EventContext, site: { position: number; event: string; stream: string }): unknown {
    const type = ctx.envelope.type;
    if (!isEventType(type)) {
      ctx.report(
        finding('event-invalid', site, `Unknown event type "${type}".`, `Loại sự kiện "${type}" không xác định.`, {
          details: { type },
        }),
      );
      return undefined;
    }
    const codec = EVENT_CODECS[type] as {
      decode(u: unknown): { _tag: 'Left' | 'Right'; right?: unknown; left?: unknown };
    };
    const r = codec.decode(ctx.envelope.data);
    if (r._tag === 'Left') {
      ctx.report(
        finding(
          'event-invalid',
          site,
          `The ${type} payload does not match the event catalogue.`,
          `Dữ liệu của sự kiện ${type} không khớp danh mục sự kiện.`,
          { details: { type } },
        ),
      );
      return undefined;
    }
    return r.right;
  }

  private checkSigners(
    ctx: EventContext,
    site: { position: number; event: string; stream: string },
    exempt: ReadonlySet<string>,
  ): void {
    for (const s of ctx.envelope.sigs) {
      if (exempt.has(s.key)) continue;
      const k = this.keys.get(s.key);
      if (k === undefined)
        ctx.report(
          finding(
            'key-unregistered',
            site,
            `Key ${s.key} (role ${s.role}) signed before it was registered.`,
            `Khóa ${s.key} (vai trò ${s.role}) đã ký khi chưa được đăng ký.`,
            {
              details: { key: s.key, role: s.role },
            },
          ),
        );
      else if (k.revokedAt !== null && k.revokedAt < ctx.position)
        ctx.report(
          finding(
            'key-revoked',
            site,
            `Key ${s.key} of ${k.person} signed after it was revoked at position ${k.revokedAt}.`,
            `Khóa ${s.key} của ${k.person} đã ký sau khi bị thu hồi ở vị trí ${k.revokedAt}.`,
            {
              details: { key: s.key, revokedAt: k.revokedAt },
            },
          ),
        );
    }
  }
}

function short(key: string): string {
  return key.length > 10 ? `${key.slice(0, 8)}…` : key;
}
