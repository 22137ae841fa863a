/** Revocation evidence carried inside a SignedData's `crls` field (RFC 5652 §5.1, RFC 5940 §4.1), parsed. */
import { isLeft } from 'fp-ts/lib/Either.js';
import type { PkiError } from '../errors.js';
import { parseCrl, type Crl } from '../revocation/crl.js';
import { parseOcspResponse, type OcspResponse } from '../revocation/ocsp.js';

/** Parse the embedded CRLs and OCSP responses; one that does not parse is a problem in `problems`. */
export async function embeddedEvidence(
  crls: readonly Uint8Array[],
  ocsps: readonly Uint8Array[],
  problems: PkiError[],
): Promise<{ crls: Crl[]; ocspResponses: OcspResponse[] }> {
  const out = { crls: [] as Crl[], ocspResponses: [] as OcspResponse[] };
  for (const [i, der] of crls.entries()) {
    const c = await parseCrl(der, ['crls', i]);
    if (isLeft(c)) problems.push(c.left);
    else out.crls.push(c.right);
  }
  for (const [i, der] of ocsps.entries()) {
    const r = await parseOcspResponse(der, ['crls', 'ocsp', i]);
    if (isLeft(r)) problems.push(r.left);
    else out.ocspResponses.push(r.right);
  }
  return out;
}
