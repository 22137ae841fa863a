import { hosoError, HosoFailure, type Ed25519Backend } from '@hoso/core';

/** One signature check that core's envelope rule asked for. */
export interface CollectedCheck {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * An Ed25519 "backend" that verifies nothing: it records every check core's
 * `verifyEnvelopeSignatures` asks for and answers true, so the structural part of the envelope
 * signature rule (first signer is the author, every signer named in the signed part, no signer
 * twice) runs exactly as core defines it, while the arithmetic is handed to the worker pool.
 * One instance is reused; `take()` returns and clears what was collected.
 */
export class CollectingBackend implements Ed25519Backend {
  readonly name = 'sodium' as const;
  private collected: CollectedCheck[] = [];

  take(): CollectedCheck[] {
    const c = this.collected;
    this.collected = [];
    return c;
  }

  publicKey(): Uint8Array {
    throw new HosoFailure(hosoError('invalid-argument', 'the collecting backend cannot derive keys'));
  }

  sign(): Uint8Array {
    throw new HosoFailure(hosoError('invalid-argument', 'the collecting backend cannot sign'));
  }

  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    this.collected.push({ publicKey, message, signature });
    return true;
  }

  signer(): (message: Uint8Array) => Uint8Array {
    throw new HosoFailure(hosoError('invalid-argument', 'the collecting backend cannot sign'));
  }

  verifier(publicKey: Uint8Array): (message: Uint8Array, signature: Uint8Array) => boolean {
    return (message, signature) => this.verify(publicKey, message, signature);
  }
}
