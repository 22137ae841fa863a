/**
 * What the rules see of an event and its signers, before or after signing. This file imports
 * nothing from the package, so commands, rules and the writer can all name these shapes without an
 * import circle.
 */

/** A signer as the rules see it: key (base64url) and the role it signs in. */
export interface SignerView {
  readonly key: string;
  readonly role: string;
}

/** An event as the rules see it, before or after signing. */
export interface EventView {
  readonly ledger: string;
  readonly stream: string;
  readonly type: string;
  readonly data: unknown;
  readonly by: SignerView;
  /** Signers in order; the first is the author. */
  readonly signers: readonly SignerView[];
  /** The time the windows are checked at (the append clock; the envelope's `at` on replay). */
  readonly at: Date;
}
