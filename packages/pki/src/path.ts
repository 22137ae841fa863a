/**
 * Certification path validation (RFC 5280 §6) against a trust list the caller supplies, at a
 * time the caller names (a timestamp's time, not "now"). It builds the path from the target to
 * a trust anchor through the intermediates given, then checks every certificate — validity at
 * the time, the issuer's signature under the algorithm policy, basic constraints and key usage
 * of CAs, the target's usage for its purpose, unknown critical extensions, and revocation
 * evidence for every certificate below the anchor — and reports **every** problem, not the
 * first.
 *
 * Not processed (a certificate that makes them critical is refused, never silently accepted):
 * name constraints, policy mappings and policy constraints. Certificate policies are read as
 * "any policy": the caller who needs a given policy checks `Certificate.extensions` itself.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { checkKeyPolicy } from './algorithms.js';
import { allowsKeyUsage, type Certificate } from './certificate.js';
import { pkiError, type PkiError } from './errors.js';
import { sameName } from './name.js';
import { OID } from './oids.js';
import { checkRevocation, type RevocationEvidence, type RevocationStatus } from './revocation/check.js';
import { signedBy } from './signed-by.js';

/**
 * What the target certificate is to be used for:
 * - `signature`: a person's or an organisation's signature (keyUsage digitalSignature or
 *   nonRepudiation when the extension is present; extended key usage is not required, since
 *   Vietnamese signing certificates commonly list only clientAuth and emailProtection);
 * - `timestamping`: a TSA (RFC 3161 §2.3: extended key usage present, critical, timeStamping only);
 * - `ocsp-signing`: a delegated OCSP responder (RFC 6960 §4.2.2.2);
 * - `any`: no usage check on the target.
 */
export type CertificatePurpose = 'signature' | 'timestamping' | 'ocsp-signing' | 'any';

export interface PathOptions {
  /** The trust list: root certificates (or any certificate the caller trusts as an anchor). */
  readonly trustAnchors: readonly Certificate[];
  /** Certificates that may be intermediates: the ones a signature carries, or a supplied pool. */
  readonly intermediates?: readonly Certificate[];
  /** The time the path must be valid at. */
  readonly time: Date;
  readonly purpose: CertificatePurpose;
  /** `require` (default): every certificate below the anchor needs a CRL or OCSP response covering `time`. */
  readonly revocation?: 'require' | 'ignore';
  readonly evidence?: RevocationEvidence;
}

export interface PathVerdict {
  /** No problem at all. */
  readonly ok: boolean;
  readonly time: Date;
  /** The path checked: the target first, the trust anchor last (when one was reached). */
  readonly chain: readonly Certificate[];
  readonly anchor?: Certificate;
  /** Every problem found, each with its code, path (`['chain', i, …]`), rule and both messages. */
  readonly problems: readonly PkiError[];
  /** What the evidence said about each certificate below the anchor, target first. */
  readonly revocation: readonly RevocationStatus[];
}

const MAX_DEPTH = 8;
const MAX_PATHS = 16;

const KNOWN_EXTENSIONS = new Set<string>([
  OID.keyUsage,
  OID.extKeyUsage,
  OID.basicConstraints,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.subjectAltName,
  OID.issuerAltName,
  OID.crlDistributionPoints,
  OID.freshestCrl,
  OID.authorityInfoAccess,
  OID.subjectInfoAccess,
  OID.certificatePolicies,
  OID.ocspNoCheck,
  OID.qcStatements,
]);

function issuersOf(c: Certificate, pool: readonly Certificate[]): Certificate[] {
  return pool.filter(
    (p) =>
      p.fingerprint !== c.fingerprint &&
      sameName(p.subject, c.issuer) &&
      (c.authorityKeyIdentifier === undefined ||
        p.subjectKeyIdentifier === undefined ||
        c.authorityKeyIdentifier === p.subjectKeyIdentifier),
  );
}

/** Candidate paths from `target` up, each ending at an anchor, or the longest partial path when none does. */
function buildPaths(
  target: Certificate,
  anchors: readonly Certificate[],
  pool: readonly Certificate[],
): { paths: Certificate[][]; partial: Certificate[] } {
  const isAnchor = (c: Certificate) => anchors.some((a) => a.fingerprint === c.fingerprint);
  const all = [...anchors, ...pool];
  const paths: Certificate[][] = [];
  let partial: Certificate[] = [target];
  const walk = (path: Certificate[]) => {
    if (paths.length >= MAX_PATHS) return;
    const head = path[path.length - 1]!;
    if (isAnchor(head)) {
      paths.push(path);
      return;
    }
    if (path.length > partial.length) partial = path;
    if (path.length > MAX_DEPTH) return;
    // Anchors first, so that the shortest trusted path is found first.
    const next = issuersOf(head, all).sort((a, b) => Number(isAnchor(b)) - Number(isAnchor(a)));
    for (const n of next) if (!path.some((p) => p.fingerprint === n.fingerprint)) walk([...path, n]);
  };
  walk([target]);
  return { paths, partial };
}

function validityProblems(c: Certificate, time: Date, path: ReadonlyArray<string | number>): PkiError[] {
  const t = time.getTime();
  if (t < c.notBefore.getTime())
    return [
      pkiError(
        'certificate-not-yet-valid',
        `the certificate of ${c.subject.text} is valid only from ${c.notBefore.toISOString()}, after ${time.toISOString()}`,
        `Chứng thư số của ${c.subject.text} chỉ có hiệu lực từ ${c.notBefore.toISOString()}, sau thời điểm ${time.toISOString()}`,
        {
          path: [...path, 'validity', 'notBefore'],
          rule: 'RFC 5280 §4.1.2.5',
          details: { notBefore: c.notBefore.toISOString() },
        },
      ),
    ];
  if (t > c.notAfter.getTime())
    return [
      pkiError(
        'certificate-expired',
        `the certificate of ${c.subject.text} expired on ${c.notAfter.toISOString()}, before ${time.toISOString()}`,
        `Chứng thư số của ${c.subject.text} đã hết hạn ngày ${c.notAfter.toISOString()}, trước thời điểm ${time.toISOString()}`,
        {
          path: [...path, 'validity', 'notAfter'],
          rule: 'RFC 5280 §4.1.2.5',
          details: { notAfter: c.notAfter.toISOString() },
        },
      ),
    ];
  return [];
}

function caProblems(c: Certificate, below: number, path: ReadonlyArray<string | number>): PkiError[] {
  const out: PkiError[] = [];
  if (c.version >= 3 && c.basicConstraints?.ca !== true)
    out.push(
      pkiError(
        'not-a-ca',
        `${c.subject.text} issued a certificate but is not a CA (basicConstraints cA is not true)`,
        `${c.subject.text} đã cấp chứng thư số nhưng không phải là CA (basicConstraints cA không bật)`,
        { path: [...path, 'extensions', 'basicConstraints'], rule: 'RFC 5280 §4.2.1.9' },
      ),
    );
  if (!allowsKeyUsage(c, 'keyCertSign'))
    out.push(
      pkiError(
        'ca-key-usage',
        `the key usage of ${c.subject.text} does not allow signing certificates (keyCertSign)`,
        `Mục đích sử dụng khóa của ${c.subject.text} không cho phép ký chứng thư số (keyCertSign)`,
        { path: [...path, 'extensions', 'keyUsage'], rule: 'RFC 5280 §4.2.1.3' },
      ),
    );
  const max = c.basicConstraints?.pathLength;
  if (max !== undefined && below > max)
    out.push(
      pkiError(
        'path-too-long',
        `${c.subject.text} allows ${max} intermediate CA(s) below it; the path has ${below}`,
        `${c.subject.text} chỉ cho phép ${max} CA trung gian bên dưới; đường dẫn có ${below}`,
        { path: [...path, 'extensions', 'basicConstraints', 'pathLenConstraint'], rule: 'RFC 5280 §4.2.1.9' },
      ),
    );
  return out;
}

function purposeProblems(
  c: Certificate,
  purpose: CertificatePurpose,
  path: ReadonlyArray<string | number>,
): PkiError[] {
  const out: PkiError[] = [];
  const sign = allowsKeyUsage(c, 'digitalSignature') || allowsKeyUsage(c, 'nonRepudiation');
  if (purpose !== 'any' && !sign)
    out.push(
      pkiError(
        'key-usage',
        `the key usage of ${c.subject.text} allows neither digitalSignature nor nonRepudiation`,
        `Mục đích sử dụng khóa của ${c.subject.text} không có digitalSignature hay nonRepudiation`,
        { path: [...path, 'extensions', 'keyUsage'], rule: 'RFC 5280 §4.2.1.3' },
      ),
    );
  if (purpose === 'timestamping') {
    const eku = c.extendedKeyUsage;
    if (eku === undefined || !c.extendedKeyUsageCritical || eku.length !== 1 || eku[0] !== OID.kpTimeStamping)
      out.push(
        pkiError(
          'extended-key-usage',
          `the certificate of ${c.subject.text} is not a TSA certificate (a critical extended key usage of timeStamping only is required)`,
          `Chứng thư số của ${c.subject.text} không phải chứng thư của TSA (cần extended key usage timeStamping duy nhất, đánh dấu critical)`,
          { path: [...path, 'extensions', 'extKeyUsage'], rule: 'RFC 3161 §2.3' },
        ),
      );
  }
  if (purpose === 'ocsp-signing' && !c.extendedKeyUsage?.includes(OID.kpOcspSigning))
    out.push(
      pkiError(
        'extended-key-usage',
        `the certificate of ${c.subject.text} lacks the OCSPSigning extended key usage`,
        `Chứng thư số của ${c.subject.text} thiếu extended key usage OCSPSigning`,
        { path: [...path, 'extensions', 'extKeyUsage'], rule: 'RFC 6960 §4.2.2.2' },
      ),
    );
  return out;
}

function criticalProblems(c: Certificate, path: ReadonlyArray<string | number>): PkiError[] {
  return c.extensions
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => e.critical && !KNOWN_EXTENSIONS.has(e.oid))
    .map(({ e, i }) =>
      pkiError(
        'unknown-critical-extension',
        `the certificate of ${c.subject.text} has a critical extension ${e.oid} that is not processed`,
        `Chứng thư số của ${c.subject.text} có phần mở rộng critical ${e.oid} không được xử lý`,
        { path: [...path, 'extensions', i], rule: 'RFC 5280 §4.2' },
      ),
    );
}

async function checkPath(
  chain: readonly Certificate[],
  anchored: boolean,
  o: PathOptions,
): Promise<{ problems: PkiError[]; revocation: RevocationStatus[] }> {
  const problems: PkiError[] = [];
  const revocation: RevocationStatus[] = [];
  const require = (o.revocation ?? 'require') === 'require';
  for (let i = 0; i < chain.length; i++) {
    const c = chain[i]!;
    const at: (string | number)[] = ['chain', i];
    const isAnchor = anchored && i === chain.length - 1;
    problems.push(...validityProblems(c, o.time, at));
    if (i === 0) problems.push(...purposeProblems(c, o.purpose, at));
    else {
      // CAs below this one, not counting self-issued ones (RFC 5280 §6.1.4 (l)).
      const below = chain.slice(1, i).filter((x) => !x.selfIssued).length;
      problems.push(...caProblems(c, below, at));
    }
    if (!isAnchor) {
      problems.push(...criticalProblems(c, at));
      const own = checkKeyPolicy(c.publicKey, [...at, 'subjectPublicKeyInfo']);
      if (own) problems.push(own);
      const issuer = chain[i + 1];
      if (issuer === undefined) continue;
      const sig = await signedBy(c.fingerprint, issuer, c.signatureAlgorithm, c.tbs, c.signatureValue, at);
      if (isLeft(sig)) problems.push(sig.left);
      else if (!sig.right)
        problems.push(
          pkiError(
            'certificate-signature-invalid',
            `the signature on the certificate of ${c.subject.text} does not check with the key of ${issuer.subject.text}`,
            `Chữ ký trên chứng thư số của ${c.subject.text} không khớp với khóa của ${issuer.subject.text}`,
            { path: [...at, 'signatureValue'], rule: 'RFC 5280 §6.1.3 (a)(1)' },
          ),
        );
      const r = await checkRevocation(c, issuer, o.time, o.evidence ?? {}, require, [...at, 'revocation']);
      revocation.push(r.status);
      if (r.problem) problems.push(r.problem);
    }
  }
  return { problems, revocation };
}

/** Validate the path of `target` to one of `options.trustAnchors` at `options.time`. */
export async function validatePath(target: Certificate, options: PathOptions): Promise<PathVerdict> {
  const { paths, partial } = buildPaths(target, options.trustAnchors, options.intermediates ?? []);
  if (paths.length === 0) {
    const top = partial[partial.length - 1]!;
    const checked = await checkPath(partial, false, options);
    const missing = top.selfIssued
      ? pkiError(
          'untrusted-root',
          `the path ends at ${top.subject.text}, which is not in the trust list`,
          `Đường dẫn chứng thực kết thúc tại ${top.subject.text}, không có trong danh sách tin cậy`,
          { path: ['chain', partial.length - 1], rule: 'RFC 5280 §6.1', details: { fingerprint: top.fingerprint } },
        )
      : pkiError(
          'issuer-not-found',
          `the issuer of ${top.subject.text} (${top.issuer.text}) is neither in the trust list nor among the intermediates`,
          `Không tìm thấy tổ chức cấp chứng thư số của ${top.subject.text} (${top.issuer.text}) trong danh sách tin cậy hay các chứng thư trung gian`,
          {
            path: ['chain', partial.length - 1, 'issuer'],
            rule: 'RFC 5280 §6.1',
            details: { issuer: top.issuer.text },
          },
        );
    return {
      ok: false,
      time: options.time,
      chain: partial,
      problems: [missing, ...checked.problems],
      revocation: checked.revocation,
    };
  }
  let best: { chain: Certificate[]; problems: PkiError[]; revocation: RevocationStatus[] } | undefined;
  for (const chain of paths) {
    const r = await checkPath(chain, true, options);
    if (best === undefined || r.problems.length < best.problems.length) best = { chain, ...r };
    if (r.problems.length === 0) break;
  }
  return {
    ok: best!.problems.length === 0,
    time: options.time,
    chain: best!.chain,
    anchor: best!.chain[best!.chain.length - 1]!,
    problems: best!.problems,
    revocation: best!.revocation,
  };
}
