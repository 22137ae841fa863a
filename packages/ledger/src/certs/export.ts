/**
 * A CA signature as an outside tool checks it: the CMS of an `ActCertified` as a `.p7s` file and
 * the act's complete canonical bytes as its detached content, so that
 * `openssl cms -verify -binary -inform DER -in act.p7s -content act.bin -CAfile roots.pem` checks
 * it without hoso (docs/legal.md#what-an-inspector-needs).
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { decodeEnvelope, fromBase64 } from '@hoso/core';
import type { EventStore } from '@hoso/store';
import { ledgerError, type LedgerError } from '../errors.js';
import { ActCertified } from '../events.js';

/** An exported CA signature: the CMS (DER), the bytes it signs, and what it is about. */
export interface ExportedSignature {
  /** The `ActCertified` event's id. */
  readonly id: string;
  /** The act's event id and type. */
  readonly act: string;
  readonly actType: string;
  /** The SHA-256 of the signer's certificate (hex). */
  readonly certificate: string;
  /** The CMS SignedData, DER: a `.p7s` file. */
  readonly cms: Uint8Array;
  /** The act's complete canonical bytes: the detached content. */
  readonly content: Uint8Array;
}

/** The CA signature `id` (an `ActCertified` event) of `ledger` in `store`, with its content. */
export async function exportActSignature(
  store: EventStore,
  ledger: string,
  id: string,
): Promise<Either<LedgerError, ExportedSignature>> {
  const stored = await store.getById(ledger, id);
  if (stored === null) return left(ledgerError('unknown-act', `no event ${id} in ledger ${ledger}`, { path: ['id'] }));
  const env = decodeEnvelope(stored.bytes);
  if (isLeft(env) || env.right.type !== 'ActCertified')
    return left(
      ledgerError(
        'unknown-act',
        `event ${id} is ${isLeft(env) ? 'not decodable' : `a ${env.right.type}`}, not an ActCertified`,
        {
          path: ['id'],
        },
      ),
    );
  const d = ActCertified.decode(env.right.data);
  const cms = d._tag === 'Right' ? fromBase64(d.right.cms) : undefined;
  if (d._tag === 'Left' || cms === undefined)
    return left(ledgerError('invalid-data', `the CMS of ${id} does not decode`, { path: ['data', 'cms'] }));
  const act = await store.getById(ledger, d.right.act);
  const actEnv = act === null ? undefined : decodeEnvelope(act.bytes);
  if (act === null || actEnv === undefined || isLeft(actEnv))
    return left(ledgerError('unknown-act', `the act ${d.right.act} is not in the ledger`, { path: ['data', 'act'] }));
  return right({
    id,
    act: d.right.act,
    actType: actEnv.right.type,
    certificate: d.right.certificate,
    cms,
    content: act.bytes,
  });
}
