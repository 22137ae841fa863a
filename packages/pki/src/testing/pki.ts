/**
 * A test PKI made in process: a "CA thử nghiệm" root and an intermediate, personal certificates
 * for staff (name and CCCD in the subject, as Vietnamese public CAs write them), the school's
 * seal certificate (MST in the subject), a TSA and a delegated OCSP responder, CRLs and OCSP
 * responses on demand, and the variants tests need — expired, revoked, from another CA, with a
 * weak key. Nothing here has legal weight: every name says it is a test.
 */
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import type { Certificate, KeyUsageName } from '../certificate.js';
import type { PkiError } from '../errors.js';
import { encodeName, type NameInput } from '../name.js';
import { OID } from '../oids.js';
import { parseCrl, type Crl, type RevocationReason } from '../revocation/crl.js';
import { parseOcspResponse, type OcspResponse } from '../revocation/ocsp.js';
import type { RevocationEvidence } from '../revocation/check.js';
import { cryptoKeySigner } from '../signers/software.js';
import type { X509Signer } from '../signers/signer.js';
import {
  generateTestKey,
  issueCertificate,
  issueCrl,
  issueOcspResponse,
  issuerOf,
  mustParse,
  type Issuer,
  type TestKey,
  type TestKeyType,
  type CertificateTemplate,
  type Revocation,
} from './builder.js';

/** A certificate with its key: a CA, a person, the seal, the TSA. */
export interface TestIdentity {
  readonly certificate: Certificate;
  readonly key: TestKey;
  /** Intermediates up to (not including) the root, issuer first. */
  readonly chain: readonly Certificate[];
}

export interface TestCa extends TestIdentity {
  readonly issuer: Issuer;
}

export interface PersonOptions {
  readonly name: string;
  /** 12-digit CCCD number, written `UID=CCCD:<number>`. */
  readonly cccd: string;
  readonly title?: string;
  readonly organization?: string;
  readonly province?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly keyType?: TestKeyType;
  readonly keyBits?: number;
  /** Issued by the other CA (not trusted by the test trust list). */
  readonly byOtherCa?: boolean;
  readonly keyUsage?: readonly KeyUsageName[];
}

export interface TestPki {
  /** The "now" the PKI was made for; certificates are valid around it. */
  readonly now: Date;
  readonly keyType: TestKeyType;
  readonly root: TestCa;
  readonly intermediate: TestCa;
  /** Another root, for "a certificate from another CA". */
  readonly otherRoot: TestCa;
  readonly tsa: TestIdentity;
  readonly ocspResponder: TestIdentity;
  /** A staff member's personal certificate (from the intermediate, or from the other CA). */
  issuePerson(o: PersonOptions): Promise<TestIdentity>;
  /** The organisation's seal certificate (chứng thư số của tổ chức), `UID=MST:<tax code>`. */
  issueSeal(o: {
    readonly name: string;
    readonly taxCode: string;
    readonly province?: string;
    readonly keyType?: TestKeyType;
  }): Promise<TestIdentity>;
  /** A certificate for a public key held elsewhere (a token), issued by the intermediate. */
  issueForKey(o: {
    readonly subject: readonly NameInput[];
    readonly publicKey: Uint8Array;
    readonly keyUsage?: readonly KeyUsageName[];
  }): Promise<Certificate>;
  /** Record a revocation; later CRLs and OCSP responses show it. */
  revoke(who: Certificate, at: Date, reason?: RevocationReason): void;
  /** The CRL of a CA (intermediate by default) as of `at`, valid for seven days. */
  crl(at?: Date, ca?: TestCa): Promise<Uint8Array>;
  /** An OCSP response about `who` as of `at`, from the delegated responder (or from the CA itself). */
  ocsp(who: Certificate, at?: Date, o?: { readonly byCa?: boolean; readonly nonce?: Uint8Array }): Promise<Uint8Array>;
  /** Parsed evidence covering every certificate below the root at `at`: the intermediate's and the root's CRLs. */
  evidence(
    at?: Date,
  ): Promise<RevocationEvidence & { readonly crls: readonly Crl[]; readonly ocspResponses: readonly OcspResponse[] }>;
  /** A software signer over an identity's key (WebCrypto). */
  signer(who: TestIdentity): X509Signer;
  /** A certificate this PKI issued, by serial number (what an OCSP responder looks up). */
  issued(serialNumber: string): Certificate | undefined;
}

const DAY = 86_400_000;
const YEAR = 365 * DAY;

function serialFactory(): () => string {
  let n = 0x1000;
  const stamp = Date.now().toString(16);
  return () => `4e${stamp}${(n++).toString(16)}`;
}

async function makeCa(
  parent: Issuer | undefined,
  key: TestKey,
  subject: NameInput[],
  serial: string,
  notBefore: Date,
  notAfter: Date,
  pathLength: number | undefined,
  crlUrl: string | undefined,
): Promise<{ certificate: Certificate; issuer: Issuer }> {
  const selfIssuer: Issuer = { key, name: new Uint8Array(0) };
  const t: CertificateTemplate = {
    subject,
    publicKey: key.spki,
    serialNumber: serial,
    notBefore,
    notAfter,
    ca: pathLength === undefined ? {} : { pathLength },
    keyUsage: ['keyCertSign', 'cRLSign', 'digitalSignature'],
    ...(crlUrl ? { crlUrl } : {}),
  };
  let der: Uint8Array;
  if (parent) der = await issueCertificate(parent, t);
  else {
    // A root signs itself: its issuer name is its own subject.
    der = await issueCertificate({ ...selfIssuer, name: encodeName(subject) }, t);
  }
  const certificate = await mustParse(der);
  return { certificate, issuer: await issuerOf(certificate, key) };
}

/**
 * Make a test PKI. `keyType` is the key of every CA, the TSA and (by default) the people:
 * `rsa-pss` (RSA 2048, RSASSA-PSS) or `ecdsa-p256`. `crlBase` prefixes the CRL and OCSP URLs
 * written into certificates (default: names under `.invalid`, which never resolve); `leafYears`
 * how long the end-entity certificates last.
 */
export async function createTestPki(
  o: {
    readonly keyType?: TestKeyType;
    readonly now?: Date;
    readonly crlBase?: string;
    /** Years the people's, seal and token certificates stay valid after `now` (default 2, as a CA issues them). */
    readonly leafYears?: number;
  } = {},
): Promise<TestPki> {
  const now = o.now ?? new Date();
  const keyType = o.keyType ?? 'rsa-pss';
  const serial = serialFactory();
  const base = o.crlBase ?? 'http://ca.thu-nghiem.invalid';
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const ahead = (ms: number) => new Date(now.getTime() + ms);
  const leafYears = o.leafYears ?? 2;

  const rootKey = await generateTestKey(keyType);
  const root = await makeCa(
    undefined,
    rootKey,
    [
      { type: 'C', value: 'VN' },
      { type: 'O', value: 'hoso — CA thử nghiệm, không có giá trị pháp lý' },
      { type: 'CN', value: 'CA thử nghiệm hoso (gốc)' },
    ],
    serial(),
    ago(YEAR),
    ahead(20 * YEAR),
    1,
    undefined,
  );
  const interKey = await generateTestKey(keyType);
  const inter = await makeCa(
    root.issuer,
    interKey,
    [
      { type: 'C', value: 'VN' },
      { type: 'O', value: 'hoso — CA thử nghiệm, không có giá trị pháp lý' },
      { type: 'CN', value: 'CA thử nghiệm hoso cấp 2' },
    ],
    serial(),
    ago(YEAR),
    ahead(10 * YEAR),
    0,
    `${base}/root.crl`,
  );
  const otherKey = await generateTestKey(keyType);
  const other = await makeCa(
    undefined,
    otherKey,
    [
      { type: 'C', value: 'VN' },
      { type: 'O', value: 'CA khác (thử nghiệm)' },
      { type: 'CN', value: 'CA khác thử nghiệm' },
    ],
    serial(),
    ago(YEAR),
    ahead(20 * YEAR),
    undefined,
    undefined,
  );
  const rootCa: TestCa = { certificate: root.certificate, key: rootKey, chain: [], issuer: root.issuer };
  const interCa: TestCa = { certificate: inter.certificate, key: interKey, chain: [], issuer: inter.issuer };
  const otherCa: TestCa = { certificate: other.certificate, key: otherKey, chain: [], issuer: other.issuer };

  const issued = new Map<string, Certificate>(); // serial → certificate, for the OCSP responder
  const leaf = async (
    by: TestCa,
    key: TestKey,
    subject: NameInput[],
    extra: Partial<CertificateTemplate>,
  ): Promise<TestIdentity> => {
    const der = await issueCertificate(by.issuer, {
      subject,
      publicKey: key.spki,
      serialNumber: serial(),
      notBefore: ago(30 * DAY),
      notAfter: ahead(leafYears * YEAR),
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      crlUrl: `${base}/cap2.crl`,
      ocspUrl: `${base}/ocsp`,
      ...extra,
    });
    const certificate = await mustParse(der);
    issued.set(certificate.serialNumber, certificate);
    return { certificate, key, chain: by === otherCa ? [] : [inter.certificate] };
  };

  // OpenSSL's timestamp verifier (its PKCS #7 code) checks RSA signatures only with PKCS #1 v1.5
  // padding, so an RSA test TSA signs its tokens that way; verifyCades accepts both paddings.
  const tsaKey = await generateTestKey(keyType === 'rsa-pss' ? 'rsa-pkcs1' : keyType);
  const tsa = await leaf(
    interCa,
    tsaKey,
    [
      { type: 'C', value: 'VN' },
      { type: 'O', value: 'hoso — CA thử nghiệm, không có giá trị pháp lý' },
      { type: 'CN', value: 'TSA thử nghiệm hoso' },
    ],
    {
      notBefore: ago(YEAR),
      notAfter: ahead(10 * YEAR),
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      extendedKeyUsage: { oids: [OID.kpTimeStamping], critical: true },
    },
  );
  const ocspKey = await generateTestKey(keyType);
  const ocspResponder = await leaf(
    interCa,
    ocspKey,
    [
      { type: 'C', value: 'VN' },
      { type: 'O', value: 'hoso — CA thử nghiệm, không có giá trị pháp lý' },
      { type: 'CN', value: 'OCSP thử nghiệm hoso' },
    ],
    {
      notBefore: ago(YEAR),
      notAfter: ahead(10 * YEAR),
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: { oids: [OID.kpOcspSigning], critical: false },
      ocspNoCheck: true,
    },
  );

  const revocations = new Map<string, Revocation[]>(); // CA fingerprint → entries
  const caOf = (c: Certificate): TestCa =>
    [interCa, rootCa, otherCa].find((ca) => ca.certificate.subject.text === c.issuer.text) ?? interCa;
  let crlNumber = 1;

  const pki: TestPki = {
    now,
    keyType,
    root: rootCa,
    intermediate: interCa,
    otherRoot: otherCa,
    tsa,
    ocspResponder,
    async issuePerson(p) {
      const key = await generateTestKey(p.keyType ?? keyType, p.keyBits ?? 2048);
      const subject: NameInput[] = [
        { type: 'C', value: 'VN' },
        { type: 'ST', value: p.province ?? 'Hà Nội' },
        ...(p.organization ? [{ type: 'O', value: p.organization }] : []),
        ...(p.title ? [{ type: 'T', value: p.title }] : []),
        { type: 'CN', value: p.name },
        { type: 'UID', value: `CCCD:${p.cccd}` },
      ];
      return leaf(p.byOtherCa ? otherCa : interCa, key, subject, {
        ...(p.notBefore ? { notBefore: p.notBefore } : {}),
        ...(p.notAfter ? { notAfter: p.notAfter } : {}),
        ...(p.keyUsage ? { keyUsage: p.keyUsage } : {}),
      });
    },
    async issueSeal(s) {
      const key = await generateTestKey(s.keyType ?? keyType);
      return leaf(
        interCa,
        key,
        [
          { type: 'C', value: 'VN' },
          { type: 'ST', value: s.province ?? 'Hà Nội' },
          { type: 'O', value: s.name },
          { type: 'CN', value: s.name },
          { type: 'UID', value: `MST:${s.taxCode}` },
        ],
        {},
      );
    },
    async issueForKey(k) {
      const der = await issueCertificate(interCa.issuer, {
        subject: k.subject,
        publicKey: k.publicKey,
        serialNumber: serial(),
        notBefore: ago(30 * DAY),
        notAfter: ahead(leafYears * YEAR),
        keyUsage: k.keyUsage ?? ['digitalSignature', 'nonRepudiation'],
        crlUrl: `${base}/cap2.crl`,
      });
      const certificate = await mustParse(der);
      issued.set(certificate.serialNumber, certificate);
      return certificate;
    },
    revoke(who, at, reason) {
      const ca = caOf(who);
      const list = revocations.get(ca.certificate.fingerprint) ?? [];
      list.push(
        reason ? { serialNumber: who.serialNumber, date: at, reason } : { serialNumber: who.serialNumber, date: at },
      );
      revocations.set(ca.certificate.fingerprint, list);
    },
    async crl(at = now, ca = interCa) {
      return issueCrl(ca.issuer, {
        thisUpdate: at,
        nextUpdate: new Date(at.getTime() + 7 * DAY),
        number: crlNumber++,
        revoked: (revocations.get(ca.certificate.fingerprint) ?? []).filter((r) => r.date.getTime() <= at.getTime()),
      });
    },
    async ocsp(who, at = now, opts = {}) {
      const ca = caOf(who);
      const rev = (revocations.get(ca.certificate.fingerprint) ?? []).find(
        (r) => r.serialNumber === who.serialNumber && r.date.getTime() <= at.getTime(),
      );
      const responder = opts.byCa
        ? ca.issuer
        : { ...(await issuerOf(ocspResponder.certificate, ocspKey)), certificate: ocspResponder.certificate.der };
      return issueOcspResponse(responder, {
        producedAt: at,
        thisUpdate: at,
        nextUpdate: new Date(at.getTime() + DAY),
        answers: [
          {
            certificate: who,
            issuer: ca.certificate,
            status: rev ? { revokedAt: rev.date, ...(rev.reason ? { reason: rev.reason } : {}) } : 'good',
          },
        ],
        ...(opts.nonce ? { nonce: opts.nonce } : {}),
      });
    },
    async evidence(at = now) {
      const crls: Crl[] = [];
      for (const ca of [interCa, rootCa, otherCa]) crls.push(must(await parseCrl(await pki.crl(at, ca))));
      return { crls, ocspResponses: [] };
    },
    issued: (serialNumber) =>
      issued.get(serialNumber) ??
      [interCa, rootCa, otherCa].find((c) => c.certificate.serialNumber === serialNumber)?.certificate,
    signer(who) {
      return cryptoKeySigner({
        privateKey: who.key.privateKey,
        certificate: who.certificate.der,
        chain: who.chain.map((c) => c.der),
      });
    },
  };
  return pki;
}

function must<A>(e: Either<PkiError, A>): A {
  if (isLeft(e)) throw new Error(`test PKI: ${e.left.message}`);
  return e.right;
}

/** Parse an OCSP response the test PKI made. */
export async function parsedOcsp(der: Uint8Array): Promise<OcspResponse> {
  return must(await parseOcspResponse(der));
}
