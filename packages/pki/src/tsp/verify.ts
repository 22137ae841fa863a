/**
 * Checking an RFC 3161 timestamp token (§2.4.2): a SignedData over a TSTInfo, signed by a TSA
 * whose certificate is for timestamping only (§2.3) and chains to the trust list at the token's
 * own time, for the data the caller expected.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { bytesEqual, digest } from '../bytes.js';
import { parseCertificate, type Certificate } from '../certificate.js';
import { under, pkiError, type PkiError } from '../errors.js';
import { OID } from '../oids.js';
import { validatePath, type PathVerdict } from '../path.js';
import type { RevocationEvidence } from '../revocation/check.js';
import { checkSignerInfo, digestsOf } from '../cms/signer-info.js';
import { decodeSignedData } from '../cms/signed-data.js';
import { embeddedEvidence } from '../cms/evidence.js';
import { parseTstInfo, type MessageImprint, type TstInfo } from './protocol.js';

export interface TimestampVerifyOptions {
  /** Trust list for the TSA's chain. */
  readonly trustAnchors: readonly Certificate[];
  readonly intermediates?: readonly Certificate[];
  readonly evidence?: RevocationEvidence;
  readonly revocation?: 'require' | 'ignore';
  /** The data that was timestamped (its digest is computed with the token's hash), or its imprint. */
  readonly data?: Uint8Array;
  readonly imprint?: MessageImprint;
}

export interface TimestampVerdict {
  readonly ok: boolean;
  readonly problems: readonly PkiError[];
  readonly info?: TstInfo;
  readonly tsa?: Certificate;
  readonly path?: PathVerdict;
}

/** Check a timestamp token (the ContentInfo DER). Problems have paths under `path`. */
export async function verifyTimestampToken(
  token: Uint8Array,
  o: TimestampVerifyOptions,
  path: ReadonlyArray<string | number> = [],
): Promise<TimestampVerdict> {
  const problems: PkiError[] = [];
  const sd = decodeSignedData(token, path);
  if (isLeft(sd)) return { ok: false, problems: [{ ...sd.left, code: 'malformed-timestamp' }] };
  if (sd.right.eContentType !== OID.tstInfo || !sd.right.eContent)
    return {
      ok: false,
      problems: [
        pkiError(
          'malformed-timestamp',
          'the token does not encapsulate a TSTInfo',
          'Dấu thời gian không chứa TSTInfo',
          { path: [...path, 'encapContentInfo'], rule: 'RFC 3161 §2.4.2' },
        ),
      ],
    };
  const info = parseTstInfo(sd.right.eContent, [...path, 'tstInfo']);
  if (isLeft(info)) return { ok: false, problems: [info.left] };
  const embedded: Certificate[] = [];
  for (const [i, der] of sd.right.certificates.entries()) {
    const c = await parseCertificate(der, [...path, 'certificates', i]);
    if (isLeft(c)) problems.push(c.left);
    else embedded.push(c.right);
  }
  const certs = [...embedded, ...(o.intermediates ?? [])];
  // Evidence may travel inside the token too (its SignedData's crls field is outside the TSA's signature).
  const inside = await embeddedEvidence(sd.right.crls, sd.right.ocspResponses, problems);
  const evidence =
    inside.crls.length + inside.ocspResponses.length === 0
      ? o.evidence
      : {
          crls: [...(o.evidence?.crls ?? []), ...inside.crls],
          ocspResponses: [...(o.evidence?.ocspResponses ?? []), ...inside.ocspResponses],
        };
  const si = await checkSignerInfo(sd.right, certs, digestsOf(sd.right.eContent), { allowEssV1: true, path });
  problems.push(...si.problems);
  const imprint = info.right.imprint;
  const expected =
    o.imprint ?? (o.data ? { hash: imprint.hash, digest: await digest(imprint.hash, o.data) } : undefined);
  if (expected && (expected.hash !== imprint.hash || !bytesEqual(expected.digest, imprint.digest)))
    problems.push(
      pkiError(
        'timestamp-mismatch',
        'the timestamp is for other data: its message imprint differs',
        'Dấu thời gian cấp cho dữ liệu khác: message imprint không khớp',
        {
          path: [...path, 'tstInfo', 'messageImprint'],
          rule: 'RFC 3161 §2.4.2',
        },
      ),
    );
  let verdict: PathVerdict | undefined;
  if (si.signer) {
    verdict = await validatePath(si.signer, {
      trustAnchors: o.trustAnchors,
      intermediates: certs,
      time: info.right.genTime,
      purpose: 'timestamping',
      ...(evidence ? { evidence } : {}),
      ...(o.revocation ? { revocation: o.revocation } : {}),
    });
    problems.push(...verdict.problems.map((p) => under([...path, 'tsa'], p)));
  }
  return {
    ok: problems.length === 0,
    problems,
    info: info.right,
    ...(si.signer ? { tsa: si.signer } : {}),
    ...(verdict ? { path: verdict } : {}),
  };
}
