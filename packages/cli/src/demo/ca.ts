/**
 * The demo's certificates (docs/legal.md): a test PKI made in process ("CA thử nghiệm hoso": no
 * legal weight), a personal certificate for each member of staff who signs, the school's seal
 * certificate for the office — software keys, or with `token` the seal's key made on a SoftHSM2
 * token — and a test TSA on the demo's clock, so that every sign-off, confirmation, approval, seal
 * and correction carries a CAdES-B-T signature with the revocation evidence of its day.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { encodePem, type Certificate, type TimestampAuthority, type X509Signer } from '@hoso/pki';
import { createSealOnToken, createTestPki, createTestTsa, type TestPki } from '@hoso/pki/testing';
import type { EvidenceDers } from '@hoso/ledger';
import { refused } from '../exit.js';
import type { DemoPerson } from './school.js';

/** What the demo signs with. */
export interface DemoCa {
  /** The test PKI itself (the printed PDFs are signed from it too, `demo/sign.ts`). */
  readonly pki: TestPki;
  /** The school's seal (software key, or on the SoftHSM2 token). */
  readonly seal: X509Signer;
  /** The trust list: the test root. */
  readonly roots: readonly Certificate[];
  /** The root as PEM, for `hoso verify --trust` and `openssl -CAfile`. */
  readonly rootPem: string;
  readonly tsa: TimestampAuthority;
  /** Where the seal's key lives. */
  readonly sealOn: 'software' | 'SoftHSM2';
  /** The certificate signer of a person (issued on first use; the seal for the office). */
  signer(p: DemoPerson): Promise<X509Signer>;
  /** The CRLs of the day `at` falls on, to embed in a signature made then. */
  evidence(at: Date): Promise<EvidenceDers>;
  /** The staff record's identity number of a person (the CCCD their certificate carries). */
  identity(p: DemoPerson): { readonly scheme: 'CCCD'; readonly value: string };
}

const YEAR_MS = 365 * 86_400_000;

/** The demo's test PKI, valid from `start` until after today, its TSA reading `clock`. */
export async function demoCa(o: {
  readonly start: Date;
  readonly clock: () => Date;
  readonly school: { readonly name: string; readonly taxCode: string; readonly province: string };
  readonly office: DemoPerson;
  readonly token: boolean;
}): Promise<DemoCa> {
  // Valid from the demo's school year until two years after today, so that plain OpenSSL (which
  // checks certificates at its own clock, not at the timestamps') accepts what the demo signed.
  const leafYears = Math.max(2, Math.ceil((Date.now() - o.start.getTime()) / YEAR_MS) + 2);
  const pki: TestPki = await createTestPki({ keyType: 'ecdsa-p256', now: o.start, leafYears });
  const tsa = createTestTsa({ signer: pki.signer(pki.tsa), clock: o.clock });
  const numbers = new Map<string, string>();
  const identity = (p: DemoPerson): { scheme: 'CCCD'; value: string } => {
    let n = numbers.get(p.id);
    if (n === undefined) {
      n = `0011850${String(numbers.size + 1).padStart(5, '0')}`;
      numbers.set(p.id, n);
    }
    return { scheme: 'CCCD', value: n };
  };
  let seal: X509Signer;
  let sealOn: DemoCa['sealOn'] = 'software';
  if (o.token) {
    const made = await createSealOnToken(pki, {
      name: o.school.name,
      taxCode: o.school.taxCode,
      province: o.school.province,
    });
    if (isLeft(made)) throw refused(made.left.code, `--token: ${made.left.message}`, '--token', made.left.rule);
    seal = made.right.signer;
    sealOn = 'SoftHSM2';
  } else {
    seal = pki.signer(
      await pki.issueSeal({ name: o.school.name, taxCode: o.school.taxCode, province: o.school.province }),
    );
  }
  const signers = new Map<string, Promise<X509Signer>>([[o.office.id, Promise.resolve(seal)]]);
  const days = new Map<string, Promise<EvidenceDers>>();
  return {
    pki,
    seal,
    roots: [pki.root.certificate],
    rootPem: encodePem('CERTIFICATE', pki.root.certificate.der),
    tsa,
    sealOn,
    identity,
    signer(p) {
      let s = signers.get(p.id);
      if (s === undefined) {
        s = pki
          .issuePerson({ name: p.name, cccd: identity(p).value, title: p.position })
          .then((who) => pki.signer(who));
        signers.set(p.id, s);
      }
      return s;
    },
    evidence(at) {
      // One CRL of each CA a day, as a CA publishes them; signatures of that day embed it.
      const day = new Date(Math.floor(at.getTime() / 86_400_000) * 86_400_000);
      const key = day.toISOString().slice(0, 10);
      let e = days.get(key);
      if (e === undefined) {
        e = Promise.all([pki.crl(day), pki.crl(day, pki.root)]).then((crls) => ({ crls }));
        days.set(key, e);
      }
      return e;
    },
  };
}
