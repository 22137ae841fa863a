/**
 * `hoso print --sign/--token [--hoc-ba-so]`: the printed PDFs signed (PAdES) in each form's signer
 * order — its signature places left to right, then the school's seal (invisible) — and, for a
 * student's học bạ with `--hoc-ba-so`, the data file, its CAdES signature and the offline proof.
 * Documents are rendered, signed and written one at a time into a staging folder and moved into
 * place when all are done, so a refused key or an unreachable TSA writes nothing. Loaded only
 * when signing is asked for.
 */
import { createPrivateKey } from 'node:crypto';
import { isLeft } from 'fp-ts/lib/Either.js';
import {
  httpTimestampAuthority,
  parseCertificate,
  parseCertificates,
  type TimestampAuthority,
  type X509Signer,
} from '@hoso/pki';
import { keyObjectSigner, openPkcs11Signer } from '@hoso/pki/node';
import { hocBaSoData, signHocBaSoData, signPdf } from '@hoso/pades';
import {
  checkPrintJobs,
  isFileSystemError,
  renderHtml,
  renderPdfWithLayout,
  stageFiles,
  type PrintJob,
  type SignerRole,
  type StagedFiles,
} from '@hoso/print';
import { refused, usage } from './exit.js';
import { readText } from './io.js';

/** Who can sign: a form's roles, and the school's seal (*chứng thư số của cơ quan, tổ chức*). */
export type SigningRole = SignerRole | 'seal';

const ROLES: readonly SigningRole[] = [
  'subject-teacher',
  'homeroom',
  'teacher',
  'principal',
  'requester',
  'witness',
  'approver',
  'seal',
];

/** The role as the visible block names it. */
export const ROLE_TEXT: Readonly<Record<SigningRole, string>> = {
  'subject-teacher': 'Giáo viên bộ môn',
  homeroom: 'Giáo viên chủ nhiệm',
  teacher: 'Giáo viên',
  principal: 'Hiệu trưởng',
  requester: 'Người đề nghị',
  witness: 'Người chứng kiến',
  approver: 'Lãnh đạo đơn vị',
  seal: 'Chữ ký số của nhà trường',
};

/** The signers of a print run, by role, and the TSA. */
export interface PrintSigners {
  readonly byRole: ReadonlyMap<SigningRole, { readonly signer: X509Signer; readonly name: string }>;
  readonly tsa?: TimestampAuthority;
  close(): Promise<void>;
}

export interface SigningOptions {
  /** `<role>=<file>`: a PEM file with the PKCS #8 private key and the certificates, signer first. */
  readonly sign: readonly string[];
  /** `<role>=<token label>[/<key label>]` on the PKCS #11 library. */
  readonly token: readonly string[];
  readonly tokenLibrary?: string;
  readonly tokenPin?: string;
  readonly tsa?: string;
}

function roleAndValue(v: string, arg: string): [SigningRole, string] {
  const i = v.indexOf('=');
  const role = v.slice(0, i) as SigningRole;
  if (i < 1 || !ROLES.includes(role) || v.slice(i + 1) === '')
    throw usage('invalid-option', `${arg} is <role>=<value> with a role of ${ROLES.join(', ')}; got "${v}"`, arg);
  return [role, v.slice(i + 1)];
}

const pemBlocks = (text: string, label: string): string[] =>
  text.match(new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----`, 'g')) ?? [];

/** Open every signer the options name; refused keys and tokens are usage errors naming the option. */
export async function openSigners(o: SigningOptions): Promise<PrintSigners> {
  const byRole = new Map<SigningRole, { signer: X509Signer; name: string }>();
  const closers: Array<() => Promise<void>> = [];
  const add = async (role: SigningRole, signer: X509Signer, arg: string): Promise<void> => {
    if (byRole.has(role)) throw usage('invalid-option', `two signers for the role ${role}`, arg);
    const cert = await parseCertificate(await signer.certificate(), [arg]);
    if (isLeft(cert)) throw usage(cert.left.code, cert.left.message, arg, cert.left.rule);
    byRole.set(role, { signer, name: cert.right.subject.commonName ?? cert.right.subject.text });
  };
  try {
    for (const v of o.sign) {
      const [role, file] = roleAndValue(v, '--sign');
      const text = readText(file, '--sign');
      const [keyPem] = pemBlocks(text, 'PRIVATE KEY');
      const certs = await parseCertificates(pemBlocks(text, 'CERTIFICATE').join('\n'));
      if (keyPem === undefined || isLeft(certs) || certs.right.length === 0)
        throw usage(
          'invalid-key-file',
          `${file} must hold a PKCS #8 "PRIVATE KEY" and the signer's "CERTIFICATE" (then its intermediates), in PEM`,
          '--sign',
          'RFC 7468',
        );
      let privateKey;
      try {
        privateKey = createPrivateKey(keyPem);
      } catch (e) {
        throw usage('invalid-key-file', `${file}: the private key cannot be read (${(e as Error).message})`, '--sign');
      }
      const [leaf, ...chain] = certs.right;
      await add(
        role,
        keyObjectSigner({ privateKey, certificate: leaf!.der, chain: chain.map((c) => c.der) }),
        '--sign',
      );
    }
    for (const v of o.token) {
      const [role, spec] = roleAndValue(v, '--token');
      if (o.tokenLibrary === undefined)
        throw usage('missing-option', '--token needs --token-library (the PKCS #11 module)', '--token-library');
      const pin = o.tokenPin ?? process.env['HOSO_TOKEN_PIN'];
      if (pin === undefined)
        throw usage('missing-option', '--token needs the PIN: --token-pin or HOSO_TOKEN_PIN', '--token-pin');
      const [label, keyLabel] = spec.split('/');
      const s = await openPkcs11Signer({
        library: o.tokenLibrary,
        token: { label: label! },
        pin,
        key: keyLabel ? { label: keyLabel } : {},
      });
      if (isLeft(s)) throw usage(s.left.code, s.left.message, '--token', s.left.rule);
      closers.push(() => s.right.close());
      await add(role, s.right, '--token');
    }
  } catch (e) {
    for (const c of closers) await c();
    throw e;
  }
  return {
    byRole,
    ...(o.tsa !== undefined ? { tsa: httpTimestampAuthority({ url: o.tsa }) } : {}),
    close: async () => {
      for (const c of closers) await c();
    },
  };
}

/** A signed PDF and which roles signed it, in order. */
export interface SignedDocument {
  readonly name: string;
  readonly pdf: Uint8Array;
  readonly signedBy: readonly SigningRole[];
  /** Signature places left unsigned (no signer given for their role). */
  readonly unsigned: readonly SignerRole[];
}

/** What a print run reports of each signed document (its bytes are on disk, not kept). */
export type SignedSummary = Omit<SignedDocument, 'pdf'>;

/** Render and sign one job: its places in order, then the seal. */
export async function signJob(
  job: PrintJob,
  signers: PrintSigners,
  o: { readonly creationDate: Date; readonly pdfa: boolean },
): Promise<SignedDocument & { readonly unsignedPdf: Uint8Array }> {
  const { pdf, layout } = await renderPdfWithLayout(job.document, o);
  let bytes = pdf;
  const signedBy: SigningRole[] = [];
  const unsigned: SignerRole[] = [];
  const reason = job.document.subject ?? job.document.title;
  const steps = [
    ...layout.signatures.map((p) => ({ role: p.role, place: p })),
    { role: 'seal' as const, place: undefined },
  ];
  for (const step of steps) {
    const s = step.role === undefined ? undefined : signers.byRole.get(step.role);
    if (!s || step.role === undefined) {
      if (step.place?.role !== undefined) unsigned.push(step.place.role);
      continue;
    }
    const r = await signPdf(bytes, {
      signer: s.signer,
      ...(step.place ? { place: step.place } : {}),
      name: s.name,
      role: ROLE_TEXT[step.role],
      reason,
      ...(signers.tsa ? { tsa: signers.tsa } : {}),
    });
    if (isLeft(r)) throw refused(r.left.code, `${job.name}: ${r.left.message}`, `--sign ${step.role}`, r.left.rule);
    bytes = r.right;
    signedBy.push(step.role);
  }
  return { name: job.name, pdf: bytes, unsignedPdf: pdf, signedBy, unsigned };
}

/** The extra files of a học bạ số package, beside `<name>.pdf`. */
export const HOC_BA_SO_FILES = { data: '.json', signature: '.json.p7s', proof: '.proof' } as const;

/**
 * Print `jobs` into `dir` with the PDFs signed; for the jobs in `hocBaSo` (student id by job name)
 * also the data file, its signature (by the seal, else the last role that signed) and the proof.
 * Every job is checked first; then each is rendered, signed and written into a staging folder and
 * dropped, and the files are moved into place when all are signed, so a refused key or an
 * unreachable TSA half-way writes nothing.
 */
export async function printSigned(
  dir: string,
  jobs: readonly PrintJob[],
  signers: PrintSigners,
  o: {
    readonly formats: readonly ('pdf' | 'html')[];
    readonly pdfa: boolean;
    readonly hocBaSo?: ReadonlyMap<string, string>;
    readonly proofOf?: (studentId: string) => Promise<string>;
  },
): Promise<{ files: string[]; signed: SignedSummary[] }> {
  const checked = checkPrintJobs(jobs);
  if (isLeft(checked)) throw usage(checked.left.code, checked.left.message, '--out', checked.left.rule);
  const creationDate = new Date();
  const signed: SignedSummary[] = [];
  const writeFailed = (e: Error) => usage('print-write-failed', `cannot write into ${dir}: ${e.message}`, '--out');
  let staged: StagedFiles;
  try {
    staged = await stageFiles(dir);
  } catch (e) {
    throw writeFailed(e as Error);
  }
  try {
    for (const job of jobs) {
      const d = await signJob(job, signers, { creationDate, pdfa: o.pdfa });
      signed.push({ name: d.name, signedBy: d.signedBy, unsigned: d.unsigned });
      if (o.formats.includes('pdf')) await staged.write(`${job.name}.pdf`, d.pdf);
      if (o.formats.includes('html')) await staged.write(`${job.name}.html`, renderHtml(job.document));
      const student = o.hocBaSo?.get(job.name);
      if (student === undefined) continue;
      const by = signers.byRole.get('seal') ?? signers.byRole.get(d.signedBy[d.signedBy.length - 1] ?? 'seal');
      if (!by)
        throw usage('missing-option', '--hoc-ba-so signs the data file: give --sign or --token for a role', '--sign');
      const data = hocBaSoData(job.document, { studentId: student, creationDate, pdfa: o.pdfa, pdf: d.unsignedPdf });
      const sig = await signHocBaSoData(data, { signer: by.signer, ...(signers.tsa ? { tsa: signers.tsa } : {}) });
      if (isLeft(sig)) throw refused(sig.left.code, `${job.name}: ${sig.left.message}`, '--hoc-ba-so', sig.left.rule);
      await staged.write(job.name + HOC_BA_SO_FILES.data, sig.right.json);
      await staged.write(job.name + HOC_BA_SO_FILES.signature, sig.right.p7s);
      if (o.proofOf) await staged.write(job.name + HOC_BA_SO_FILES.proof, await o.proofOf(student));
    }
    return { files: (await staged.commit()).sort(), signed };
  } catch (e) {
    await staged.abort().catch(() => undefined);
    throw isFileSystemError(e) ? writeFailed(e) : e;
  }
}
