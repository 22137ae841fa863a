/**
 * The verification report: what `verifyBundle` and `verifyStore` return, what `--json` prints and
 * what the HTML report shows — the verdict, the findings, the trust anchors it was checked
 * against, the checkpoint chain and the timeline of notable events.
 */
import type { Finding } from './findings.js';
import type { Problem } from './problems.js';
import type { OriginPin } from './messages.js';
import type { LegalWeight } from './passes/certificates.js';
import type { CheckpointTimestampSummary } from './timestamps.js';
import type { PersonalDataReport } from './disclosure/check.js';

export type { CaSignatureSummary, LegalWeight } from './passes/certificates.js';
export type { CheckpointTimestampSummary } from './timestamps.js';
export type { PersonalDataReport, FieldAccount } from './disclosure/check.js';

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
  /** Its RFC 3161 timestamps (docs/formats.md §2): the time each proves and its TSA; absent when it has none. */
  readonly timestamps?: readonly CheckpointTimestampSummary[];
}

/** A notable event for the report's timeline (corrections, sign-offs, keys, windows). */
export interface TimelineEntry {
  readonly position: number;
  readonly event: string;
  readonly stream: string;
  readonly type: string;
  readonly at: string;
  /**
   * Base64url key of the author and the role acted in; `person` and `name` the staff member the
   * key was registered to (from the ledger's own registrations), null when it was not.
   */
  readonly by: {
    readonly key: string;
    readonly role: string;
    readonly person?: string | null;
    readonly name?: string | null;
  };
  /** One line describing it. */
  readonly summary: string;
}

/** Which of the three passes ran and how they ended. */
export interface PassResults {
  readonly integrity: 'passed' | 'failed';
  readonly authenticity: 'passed' | 'failed';
  /**
   * `skipped` when no rule replay ran; `incomplete` when it ended with the first event that is
   * not authentic (`compliance-stopped`) and found nothing wrong up to it.
   */
  readonly compliance: 'passed' | 'failed' | 'skipped' | 'incomplete';
}

/**
 * What the verification established, as one value (docs/verifying.md):
 * - `verified` — nothing wrong, checked against a root key and a seal key the inspector gave;
 * - `failed` — at least one error finding;
 * - `unanchored` — nothing wrong found, but some trust anchor was missing ({@link Anchors.missing}),
 *   so the history may have been made up by anyone: not a verification;
 * - `unusable` — the input could not be read as a bundle, or the verifier itself failed.
 */
export type Verdict = 'verified' | 'failed' | 'unanchored' | 'unusable';

/** A trust anchor the verification lacked, making it `unanchored`. */
export type MissingAnchor =
  /** No root key: the keys were traced only to the ledger's own genesis. */
  | 'root-key'
  /** No seal key: the checkpoints' signatures were not checked. */
  | 'seal-key'
  /** `catalogue: false`: signatures checked under the keys the events name, not traced to anything. */
  | 'key-registry';

/** Which ledger was verified, and whether the inspector had said which one they expected. */
export interface OriginCheck {
  /** The origin the bundle (or the store) presents, `hoso/<ledger>`. */
  readonly accepted: string | null;
  /** The origins the inspector accepts; empty when nothing pinned it. */
  readonly expected: readonly string[];
  /** What pinned `expected`: the `expectedOrigin` option, or the names of the trusted seal keys; null when unpinned. */
  readonly pinnedBy: OriginPin | null;
}

/** The trust anchors the verification was checked against, as the report lists them. */
export interface Anchors {
  /** Root keys given (base64url). */
  readonly rootKeys: readonly string[];
  /** Seal verifier keys given, as `<name>+<hex key id>`. */
  readonly sealKeys: readonly string[];
  /** Witness verifier keys given, as `<name>+<hex key id>`. */
  readonly witnessKeys: readonly string[];
  /** Size of the checkpoint the inspector held (`since`), or null. */
  readonly since: number | null;
  readonly origin: OriginCheck;
  /** The anchors that were missing; non-empty makes a clean run `unanchored`. */
  readonly missing: readonly MissingAnchor[];
}

/**
 * The verification report: exactly the `--json` shape of docs/design.md §9 (`ok`, `size`, `root`,
 * `findings`) plus extra fields for the HTML report and tools.
 */
export interface VerifyReport {
  /** What was established; read this, not `ok`. */
  readonly verdict: Verdict;
  /**
   * True when no finding has severity `error` and the input was usable — also for an
   * `unanchored` run, where nothing was found wrong but nothing was anchored either (kept for
   * the `--json` shape of docs/design.md §9).
   */
  readonly ok: boolean;
  /** Number of events verified. */
  readonly size: number;
  /** Hex RFC 9162 root of those events. */
  readonly root: string;
  readonly findings: readonly Finding[];
  /**
   * The findings grouped as an inspector acts on them: one edited, removed, inserted or moved
   * event is one problem, its knock-on findings listed under it (each finding's `problem`).
   */
  readonly problems: readonly Problem[];
  /** False when the input could not be read as a bundle at all (CLI exit 2). */
  readonly usable: boolean;
  /** The origin verified (`hoso/<ledger>`), when known. */
  readonly origin: string | null;
  readonly passes: PassResults;
  /** The trust anchors it was checked against, and the origin accepted. */
  readonly anchors: Anchors;
  /** The ledger's CA-backed signatures, and whether its records carry legal weight (docs/legal.md). */
  readonly legal: LegalWeight;
  /**
   * Per biographical field: commitments signed, opened and checked from a disclosure, failed, not
   * disclosed, erased (docs/personal-data.md §6); absent when events were not read with the catalogue.
   */
  readonly personalData?: PersonalDataReport;
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

/**
 * The verdict of a run: unusable input first, then any error, then any missing anchor; only a
 * clean run against every anchor is `verified`.
 */
export function verdictOf(r: {
  readonly usable: boolean;
  readonly errors: number;
  readonly missing: readonly MissingAnchor[];
}): Verdict {
  if (!r.usable) return 'unusable';
  if (r.errors > 0) return 'failed';
  return r.missing.length > 0 ? 'unanchored' : 'verified';
}
