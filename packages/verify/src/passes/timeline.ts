/**
 * The report's timeline: the events an inspector reads first (corrections with old and new value
 * and minutes, sign-offs, approvals and seals, windows and role changes), one line each.
 */
import type { EventContext, EventPass } from '../engine.js';

function str(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '?';
}

/**
 * Collects the events an inspector reads first into the report's timeline: corrections (with old
 * and new value and the minutes' number), sign-offs, approvals and seals, windows and role changes.
 * Reports no findings.
 */
export class TimelinePass implements EventPass {
  readonly kind = 'authenticity' as const;

  step(ctx: EventContext): void {
    const d = ctx.envelope.data as Record<string, unknown>;
    const scope = `${str(d.year)} ${str(d.class)}`;
    switch (ctx.envelope.type) {
      case 'CorrectionMade': {
        const minutes = (d.minutes ?? {}) as Record<string, unknown>;
        ctx.note(
          `Correction of ${str(d.target)}: "${str(d.old)}" → "${str(d.new)}" (minutes ${str(minutes.number)}; reason: ${str(d.reason)})`,
        );
        break;
      }
      case 'SubjectSignedOff':
        ctx.note(`Subject ${str(d.subject)} signed off for ${scope}, ${str(d.term)}`);
        break;
      case 'ClassConfirmed':
        ctx.note(`Class ${scope} confirmed by the homeroom teacher, ${str(d.term)}`);
        break;
      case 'ClassApproved':
        ctx.note(`Class ${scope} approved by the leader, ${str(d.term)}`);
        break;
      case 'BookSealed':
        ctx.note(`Book of ${scope} sealed by the office, ${str(d.term)}`);
        break;
      case 'WindowOpened':
        ctx.note(`Entry window ${str(d.window)} opened`);
        break;
      case 'WindowClosed':
        ctx.note(`Entry window ${str(d.window)} closed`);
        break;
      case 'RoleGranted':
        ctx.note(`Role ${str(d.role)} granted to ${str(d.person)}`);
        break;
      case 'RoleRevoked':
        ctx.note(`Role ${str(d.role)} withdrawn from ${str(d.person)}`);
        break;
      default:
        break;
    }
  }
}
