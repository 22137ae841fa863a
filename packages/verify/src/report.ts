import type { Finding } from './findings.js';

/** One checkpoint as the verifier saw it, for the report's checkpoint chain. */
export interface CheckpointSummary {
  /** Line of the bundle it came from (null for a store or the held `since` checkpoint). */
  readonly line: number | null;
  /** `bundle` for the bundle's own checkpoints, `since` for the one the inspector held. */
  readonly source: 'bundle' | 'since';
  readonly origin: string | null;
  readonly size: number | null;
  /** Hex root hash claimed by the checkpoint. */
  readonly root: string | null;
  /** Names of the trusted seal keys whose signatures verified. */
  readonly signedBy: readonly string[];
  /** Names of the trusted witness keys whose cosignatures verified. */
  readonly cosignedBy: readonly string[];
  /** True when the checkpoint parsed, is signed by a trusted key (when keys were given) and its root matches. */
  readonly ok: boolean;
}

/** A notable event for the report's timeline (corrections, sign-offs, keys, windows). */
export interface TimelineEntry {
  readonly position: number;
  readonly event: string;
  readonly stream: string;
  readonly type: string;
  readonly at: string;
  /** Base64url key of the author and the role acted in. */
  readonly by: { readonly key: string; readonly role: string };
  /** One line describing it. */
  readonly summary: string;
}

/** Which of the three passes ran and how they ended. */
export interface PassResults {
  readonly integrity: 'passed' | 'failed';
  readonly authenticity: 'passed' | 'failed';
  /** `skipped` when no rule replay was available. */
  readonly compliance: 'passed' | 'failed' | 'skipped';
}

/**
 * The verification report: exactly the `--json` shape of docs/design.md §9 (`ok`, `size`, `root`,
 * `findings`) plus extra fields for the HTML report and tools.
 */
export interface VerifyReport {
  /** True when no finding has severity `error` and the input was usable. */
  readonly ok: boolean;
  /** Number of events verified. */
  readonly size: number;
  /** Hex RFC 9162 root of those events. */
  readonly root: string;
  readonly findings: readonly Finding[];
  /** False when the input could not be read as a bundle at all (CLI exit 2). */
  readonly usable: boolean;
  /** The origin verified (`hoso/<ledger>`), when known. */
  readonly origin: string | null;
  readonly passes: PassResults;
  readonly checkpoints: readonly CheckpointSummary[];
  /** Notable events, in ledger order, capped (see `timelineLimit`). */
  readonly timeline: readonly TimelineEntry[];
  readonly stats: {
    readonly events: number;
    readonly streams: number;
    readonly signatures: number;
    readonly workers: number;
    readonly milliseconds: number;
  };
}
