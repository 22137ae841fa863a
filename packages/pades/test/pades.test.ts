/**
 * PAdES on the printed học bạ, checked by outside tools: poppler's pdfsig (every signature valid,
 * the document whole after each incremental signature, a changed byte caught, the chain trusted
 * through NSS), qpdf --check and pdftotext; and by verifyPdf (coverage, later changes, the CMS and
 * chain verdict), with a software key and with the school's seal on a SoftHSM2 token.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Certificate, X509Signer } from '@hoso/pki';
import {
  createSealOnToken,
  createTestPki,
  createTestTsa,
  generateTestKey,
  issueCertificate,
  mustParse,
  type TestIdentity,
  type TestPki,
} from '@hoso/pki/testing';
import type { SignaturePlace } from '@hoso/print';
import { signPdf, verifyPdf, type PdfVerdict } from '../src/index.js';
import { PdfFile } from '../src/file.js';
import { appendRevision } from '../src/incremental.js';
import { dict, name, PdfRef, PdfString } from '../src/syntax.js';
import { must, nssDb, pdfsig, pdftotext, printedTranscript, qpdf, qpdfCheck, tmp } from './support.js';

let pki: TestPki;
let tsa: ReturnType<typeof createTestTsa>;
let homeroom: TestIdentity;
let principal: TestIdentity;
let seal: TestIdentity;
let pdf: Uint8Array;
let places: readonly SignaturePlace[];
let nss: string;
let dir: string;
let evidence: Awaited<ReturnType<TestPki['evidence']>>;

beforeAll(async () => {
  pki = await createTestPki({ keyType: 'rsa-pss' });
  tsa = createTestTsa({ signer: pki.signer(pki.tsa) });
  homeroom = await pki.issuePerson({ name: 'Trần Thị Lan', cccd: '066185000123', title: 'Giáo viên' });
  principal = await pki.issuePerson({ name: 'Phạm Văn Đức', cccd: '066175000456', title: 'Hiệu trưởng' });
  seal = await pki.issueSeal({ name: 'Trường THPT Chu Văn An', taxCode: '6400123456' });
  ({ pdf, places } = await printedTranscript());
  nss = await nssDb(pki.root.certificate);
  dir = tmp();
  evidence = await pki.evidence();
});

const placeOf = (role: string): SignaturePlace => {
  const p = places.find((x) => x.role === role);
  if (!p) throw new Error(`no place for ${role}`);
  return p;
};

/** The three signatures of a học bạ in order: homeroom teacher, principal, the school's seal (invisible). */
async function signAll(sealSigner?: X509Signer): Promise<Uint8Array[]> {
  const steps: Array<Parameters<typeof signPdf>[1]> = [
    {
      signer: pki.signer(homeroom),
      place: placeOf('homeroom'),
      name: 'Trần Thị Lan',
      role: 'Giáo viên chủ nhiệm',
      reason: 'Xác nhận học bạ',
      tsa,
    },
    {
      signer: pki.signer(principal),
      place: placeOf('principal'),
      name: 'Phạm Văn Đức',
      role: 'Hiệu trưởng',
      reason: 'Phê duyệt học bạ',
      tsa,
    },
    {
      signer: sealSigner ?? pki.signer(seal),
      name: 'Trường THPT Chu Văn An',
      role: 'Chữ ký số của nhà trường',
      location: 'Đắk Nông',
      tsa,
    },
  ];
  const out = [pdf];
  for (const s of steps) out.push(must(await signPdf(out[out.length - 1]!, s)));
  return out.slice(1);
}

const trust = (): { roots: Certificate[]; evidence: typeof evidence } => ({ roots: [pki.root.certificate], evidence });

describe('three signatures on a học bạ (software keys, B-T)', () => {
  let files: Uint8Array[];
  let verdict: PdfVerdict;
  beforeAll(async () => {
    files = await signAll();
    files.forEach((f, i) => writeFileSync(join(dir, `signed-${i + 1}.pdf`), f));
    verdict = must(await verifyPdf(files[2]!, trust()));
  });

  it('each signature is an incremental update: the earlier bytes stay exactly as they were', () => {
    let prev = pdf;
    for (const f of files) {
      expect(f.length).toBeGreaterThan(prev.length);
      expect(Buffer.from(f.subarray(0, prev.length)).equals(Buffer.from(prev))).toBe(true);
      prev = f;
    }
  });

  it('pdfsig: after each signature every signature is valid and the newest covers the whole document', async () => {
    for (const [i] of files.entries()) {
      const report = await pdfsig(join(dir, `signed-${i + 1}.pdf`), nss);
      expect(report).toHaveLength(i + 1);
      for (const s of report) {
        expect(s.signature).toBe('Signature is Valid.');
        expect(s.type).toBe('ETSI.CAdES.detached');
      }
      expect(report[i]!.total).toBe(true);
      report.slice(0, i).forEach((s) => expect(s.total).toBe(false));
      expect(report.map((s) => s.commonName)).toEqual(
        ['Trần Thị Lan', 'Phạm Văn Đức', 'Trường THPT Chu Văn An'].slice(0, i + 1),
      );
    }
  });

  it('qpdf --check finds no error, and pdftotext still reads the page and the visible blocks', async () => {
    const file = join(dir, 'signed-3.pdf');
    const q = await qpdfCheck(file);
    expect(q.code).toBe(0);
    expect(q.out).toMatch(/No syntax or stream encoding errors found/);
    const text = await pdftotext(file);
    expect(text).toContain('HỌC BẠ');
    expect(text).toContain('Ký bởi: Trần Thị Lan');
    expect(text).toContain('Ký bởi: Phạm Văn Đức');
    expect(text).toMatch(/Thời gian ký: \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(text).toContain(`Số hiệu chứng thư: ${homeroom.certificate.serialNumber.toUpperCase()}`);
  });

  it('verifyPdf: three signatures, in order, each covering its revision; later revisions only added signatures', () => {
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.revisions).toBe(4);
    const s = verdict.signatures;
    expect(s.map((x) => x.signer?.subject.commonName)).toEqual([
      'Trần Thị Lan',
      'Phạm Văn Đức',
      'Trường THPT Chu Văn An',
    ]);
    expect(s.map((x) => x.revision)).toEqual([2, 3, 4]);
    expect(s.every((x) => x.coversRevision && x.level === 'B-T' && x.timestampTime instanceof Date)).toBe(true);
    expect(s.map((x) => x.coversWholeFile)).toEqual([false, false, true]);
    expect(s.map((x) => x.laterChanges)).toEqual(['signatures-only', 'signatures-only', 'none']);
    expect(s.map((x) => x.page)).toEqual([placeOf('homeroom').page, placeOf('principal').page, 1]);
    expect(s[2]!.rect).toEqual([0, 0, 0, 0]);
    expect(s[0]!.reason).toBe('Xác nhận học bạ');
    expect(s[2]!.location).toBe('Đắk Nông');
    expect(s[0]!.subFilter).toBe('ETSI.CAdES.detached');
  });

  it('a byte changed after signing: pdfsig and verifyPdf both call the signatures over it invalid', async () => {
    const f = Uint8Array.from(files[2]!);
    // A byte of the page's text, inside every signature's range: "HỌC BẠ" is in the first revision.
    const at = Buffer.from(f).indexOf('/Title');
    expect(at).toBeGreaterThan(0);
    f[at + 8] = f[at + 8]! ^ 0x01;
    const file = join(dir, 'tampered.pdf');
    writeFileSync(file, f);
    const report = await pdfsig(file, nss);
    expect(report).toHaveLength(3);
    for (const s of report) expect(s.signature).not.toBe('Signature is Valid.');
    const v = must(await verifyPdf(f, trust()));
    expect(v.ok).toBe(false);
    for (const [i, s] of v.signatures.entries()) {
      expect(s.ok).toBe(false);
      const p = s.problems.find((x) => x.code === 'signature-invalid');
      expect(p?.path).toEqual(['signatures', i, 'cms']);
      expect(p?.details?.['field']).toBe(`Chữ ký ${i + 1}`);
      expect(s.cades?.problems.map((x) => x.code)).toContain('content-digest-mismatch');
    }
  });

  it('a revision that changes the page after signing is found, naming each earlier signature', async () => {
    const file = new PdfFile(files[1]!);
    const pageRef = file.pages()[0]!;
    const page = new Map(file.dictOf(pageRef));
    // A free-text annotation over the page: what an editor adds to "correct" a grade.
    const n = file.size();
    page.set('Annots', [...((file.resolve(page.get('Annots')) as PdfRef[]) ?? []), new PdfRef(n, 0)]);
    const edited = appendRevision(file, [
      { num: pageRef.num, value: page },
      {
        num: n,
        value: dict({
          Type: name('Annot'),
          Subtype: name('FreeText'),
          Rect: [100, 400, 200, 420],
          Contents: new PdfString(new TextEncoder().encode('9.5')),
          DA: new PdfString(new TextEncoder().encode('/Helv 12 Tf 0 g')),
        }),
      },
    ]).bytes;
    const v = must(await verifyPdf(edited, trust()));
    expect(v.ok).toBe(false);
    expect(v.signatures.map((s) => s.laterChanges)).toEqual(['other', 'other']);
    for (const [i, s] of v.signatures.entries()) {
      expect(s.cades?.ok).toBe(true);
      const p = s.problems.find((x) => x.code === 'modified-after-signing');
      expect(p?.path).toEqual(['signatures', i, 'laterChanges']);
      expect(p?.message_vi).toContain(`Chữ ký ${i + 1}`);
    }
    const out = join(dir, 'edited.pdf');
    writeFileSync(out, edited);
    const report = await pdfsig(out, nss);
    expect(report.map((s) => [s.signature, s.total])).toEqual([
      ['Signature is Valid.', false],
      ['Signature is Valid.', false],
    ]);
  });

  it('verifyPdf against another trust list: the chain fails, named under the signature', async () => {
    const v = must(await verifyPdf(files[2]!, { roots: [pki.otherRoot.certificate], evidence }));
    expect(v.ok).toBe(false);
    expect(v.signatures[0]!.cades?.problems.some((p) => p.path[0] === 'signer')).toBe(true);
    expect(v.signatures[0]!.problems[0]!.code).toBe('signature-invalid');
  });
});

describe('NSS trusts the chain', () => {
  it('pdfsig: "Certificate is Trusted" for a signer whose certificate names no OCSP responder or CRL', async () => {
    // pdfsig 22.12 reads NSS's last error code after path building, so a failed OCSP or CRL fetch
    // during building reads as "Unknown issue" even when the chain holds; this certificate gives
    // NSS nothing to fetch, so the line reports the chain alone.
    const key = await generateTestKey('rsa-pss');
    const cert = await mustParse(
      await issueCertificate(pki.intermediate.issuer, {
        subject: [
          { type: 'C', value: 'VN' },
          { type: 'CN', value: 'Lê Thị Thu' },
          { type: 'UID', value: 'CCCD:066190000789' },
        ],
        publicKey: key.spki,
        serialNumber: '4e0101',
        notBefore: new Date(pki.now.getTime() - 86_400_000),
        notAfter: new Date(pki.now.getTime() + 365 * 86_400_000),
        keyUsage: ['digitalSignature', 'nonRepudiation'],
      }),
    );
    const signer = pki.signer({ certificate: cert, key, chain: [pki.intermediate.certificate] });
    const signed = must(
      await signPdf(pdf, { signer, place: placeOf('homeroom'), name: 'Lê Thị Thu', role: 'Giáo viên chủ nhiệm' }),
    );
    const file = join(dir, 'trusted.pdf');
    writeFileSync(file, signed);
    const [s] = await pdfsig(file, nss);
    expect(s?.signature).toBe('Signature is Valid.');
    expect(s?.certificate).toBe('Certificate is Trusted.');
    const untrusted = await pdfsig(file, await nssDb(pki.otherRoot.certificate));
    expect(untrusted[0]?.certificate).not.toBe('Certificate is Trusted.');
  });
});

describe('the school seal on a SoftHSM2 token', () => {
  let close: (() => Promise<unknown>) | undefined;
  afterAll(async () => {
    await close?.();
  });

  it('signs third; pdfsig and verifyPdf accept all three signatures', async () => {
    const made = must(await createSealOnToken(pki, { name: 'Trường THPT Chu Văn An', taxCode: '6400123456' }));
    close = () => made.signer.close();
    const files = await signAll(made.signer);
    const file = join(dir, 'token.pdf');
    writeFileSync(file, files[2]!);
    const report = await pdfsig(file, nss);
    expect(report.map((s) => s.signature)).toEqual(Array(3).fill('Signature is Valid.'));
    expect(report[2]!.total).toBe(true);
    const v = must(await verifyPdf(files[2]!, trust()));
    expect(v.problems).toEqual([]);
    expect(v.signatures[2]!.signer?.fingerprint).toBe(made.certificate.fingerprint);
    expect((await qpdfCheck(file)).code).toBe(0);
  });
});

describe('refused inputs: typed errors, nothing signed', () => {
  it('a place on a page the file does not have', async () => {
    const r = await signPdf(pdf, {
      signer: pki.signer(homeroom),
      place: { ...placeOf('homeroom'), page: 9 },
      name: 'x',
      role: 'y',
    });
    expect(isLeft(r) && r.left.code).toBe('signature-place');
    expect(isLeft(r) && r.left.path).toEqual(['place', 'page']);
  });

  it('a place with no area', async () => {
    const r = await signPdf(pdf, {
      signer: pki.signer(homeroom),
      place: { page: 1, x: 10, y: 10, w: 0, h: 20 },
      name: 'x',
      role: 'y',
    });
    expect(isLeft(r) && r.left.code).toBe('signature-place');
  });

  it('too little room reserved for the CMS', async () => {
    const r = await signPdf(pdf, { signer: pki.signer(homeroom), name: 'x', role: 'y', reserve: 200 });
    expect(isLeft(r) && r.left.code).toBe('signature-too-large');
    expect(isLeft(r) && r.left.details?.['reserved']).toBe(200);
  });

  it('a file with a cross-reference stream (qpdf rewrote it) is refused as unsupported, and verifyPdf says the same', async () => {
    const src = join(dir, 'plain.pdf');
    const out = join(dir, 'objstm.pdf');
    writeFileSync(src, pdf);
    await qpdf(['--object-streams=generate', src, out]);
    const bytes = readFileSync(out);
    const r = await signPdf(bytes, { signer: pki.signer(homeroom), name: 'x', role: 'y' });
    expect(isLeft(r) && r.left.code).toBe('pdf-unsupported');
    const v = await verifyPdf(bytes, trust());
    expect(isLeft(v) && v.left.code).toBe('pdf-unsupported');
  });

  it('not a PDF at all', async () => {
    const r = await verifyPdf(new TextEncoder().encode('hello'), trust());
    expect(isLeft(r) && r.left.code).toBe('pdf-unreadable');
  });

  it('an unsigned PDF verifies as no-signature', async () => {
    const v = must(await verifyPdf(pdf, trust()));
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => p.code)).toEqual(['no-signature']);
  });
});
