/**
 * Event ids derived from the command id, so a retried command finds its own events: event 0 takes
 * the command id itself; event i > 0 keeps the command id's 48-bit time and takes its random bits
 * from SHA-256(command id ‖ "/" ‖ i). Every id is a UUID v7 (RFC 9562), as docs/design.md §3 requires.
 */
import { sha256, toHex, utf8 } from '@hoso/core';

/** The id of the i-th event written by command `commandId` (a UUID v7). */
export function eventIdFor(commandId: string, i: number): string {
  if (i === 0) return commandId;
  const h = toHex(sha256(utf8(`${commandId}/${i}`)));
  const time = commandId.replace(/-/g, '').slice(0, 12);
  const variant = ((parseInt(h[3]!, 16) & 0x3) | 0x8).toString(16);
  const hex = `${time}7${h.slice(0, 3)}${variant}${h.slice(4, 19)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
