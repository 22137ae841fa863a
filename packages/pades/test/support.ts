/**
 * What the PAdES tests share: a printed học bạ with its signature places, the test PKI with a
 * homeroom teacher, a principal and the school's seal, a TSA, and the outside tools (pdfsig with
 * the test root in an NSS database, qpdf, pdftotext), run asynchronously so that an in-process
 * server (the TSA, the revocation responder) can answer them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import type { Certificate } from '@hoso/pki';
import { renderPdfWithLayout, transcriptDocument, type SignaturePlace } from '@hoso/print';
import { META, transcript } from '../../print/test/fixtures.js';

const run = promisify(execFile);

export function must<E, A>(e: Either<E, A>): A {
  if (isLeft(e)) throw new Error(`unexpected Left: ${JSON.stringify(e.left)}`);
  return e.right;
}

export const tmp = (): string => mkdtempSync(join(tmpdir(), 'hoso-pades-'));

/** The fixture học bạ as printed, with its two signature places (homeroom, principal). */
export async function printedTranscript(): Promise<{ pdf: Uint8Array; places: readonly SignaturePlace[] }> {
  const doc = must(transcriptDocument(transcript(), META));
  const { pdf, layout } = await renderPdfWithLayout(doc, { creationDate: new Date('2025-05-26T00:30:00Z') });
  return { pdf, places: layout.signatures };
}

const pem = (c: Certificate): string =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(c.der).toString('base64')}\n-----END CERTIFICATE-----\n`;

/** An NSS database trusting `root` for signatures (what pdfsig reads with -nssdir). */
export async function nssDb(root: Certificate): Promise<string> {
  const dir = tmp();
  writeFileSync(join(dir, 'root.pem'), pem(root));
  await run('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
  await run('certutil', [
    '-A',
    '-d',
    `sql:${dir}`,
    '-n',
    'hoso test root',
    '-t',
    'CT,C,C',
    '-i',
    join(dir, 'root.pem'),
  ]);
  return dir;
}

/** One signature as pdfsig reports it. */
export interface PdfsigSignature {
  readonly field: string;
  readonly commonName: string;
  readonly type: string;
  readonly total: boolean;
  readonly signature: string;
  readonly certificate: string;
}

/** Run pdfsig on a file and read its report, signature by signature. */
export async function pdfsig(file: string, nss: string, extra: readonly string[] = []): Promise<PdfsigSignature[]> {
  const { stdout } = await run('pdfsig', ['-nssdir', `sql:${nss}`, ...extra, file]).catch(
    (e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
  );
  return stdout
    .split(/^Signature #\d+:$/m)
    .slice(1)
    .map((b) => {
      const line = (label: string): string => new RegExp(`- ${label}: (.*)$`, 'm').exec(b)?.[1]?.trim() ?? '';
      return {
        field: line('Signature Field Name'),
        commonName: line('Signer Certificate Common Name'),
        type: line('Signature Type'),
        total: /- Total document signed/.test(b),
        signature: line('Signature Validation'),
        certificate: line('Certificate Validation'),
      };
    });
}

/** qpdf --check: exit status and output. */
export async function qpdfCheck(file: string): Promise<{ code: number; out: string }> {
  return run('qpdf', ['--check', file]).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, out: `${e.stdout}${e.stderr}` }),
  );
}

export async function pdftotext(file: string): Promise<string> {
  return (await run('pdftotext', ['-layout', file, '-'])).stdout;
}

export async function qpdf(args: readonly string[]): Promise<void> {
  await run('qpdf', [...args]);
}
