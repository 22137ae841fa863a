/**
 * `hoso verify-document FILE`: a signed PDF's PAdES signatures against X.509 roots, and, when the
 * file is part of a học bạ số package (`<name>.pdf`, `.json`, `.json.p7s`, `.proof`), the data
 * file's signature, that the PDF shows the data, and the offline proof tying both to the
 * school's checkpoint (against the school's seal key, as `hoso prove --check`).
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { PdfVerdict } from '@hoso/pades';
import { EXIT_FINDINGS, EXIT_OK, usage } from '../exit.js';
import { jsonText, readBytes, readText, type Output } from '../io.js';
import { trustAnchors } from '../trust.js';
import { collect } from './options.js';

type DocumentOpts = {
  ca: string[];
  crl: string[];
  ocsp: string[];
  revocation: boolean;
  requireTimestamp?: boolean;
  trust: string[];
  seal: string[];
  json?: boolean;
};

const read = readBytes;

/** A finding of this command beyond the signatures' own. */
interface Finding {
  readonly code: string;
  readonly message: string;
  readonly message_vi?: string;
  readonly path?: ReadonlyArray<string | number>;
  readonly rule?: string;
}

const when = (d: Date | undefined): string => {
  if (!d) return '—';
  const v = new Date(d.getTime() + 7 * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(v.getUTCDate())}/${two(v.getUTCMonth() + 1)}/${v.getUTCFullYear()} ${two(v.getUTCHours())}:${two(v.getUTCMinutes())}`;
};

export function registerDocumentCommands(program: Command, io: Output): void {
  program
    .command('verify-document')
    .description(
      'check a signed PDF (PAdES) against X.509 roots; for a học bạ số package also its data file, that the PDF shows it, and its proof',
    )
    .argument('<file>', 'the PDF (or the package’s .json data file)')
    .option('--ca <file>', 'an X.509 trust anchor: a root certificate file or folder (repeatable)', collect, [])
    .option('--crl <file>', 'a CRL for the chains (DER or PEM; repeatable)', collect, [])
    .option('--ocsp <file>', 'an OCSP response for the chains (DER; repeatable)', collect, [])
    .option('--no-revocation', 'do not require revocation evidence for the chains')
    .option('--require-timestamp', 'refuse signatures without an RFC 3161 timestamp (B-T)')
    .option('--trust <key>', "the package's proof: the school's root or seal verifier key (repeatable)", collect, [])
    .option('--seal <vkey>', 'a seal verifier key for the proof (repeatable)', collect, [])
    .option('--json', 'print the verdict as JSON')
    .action(async (file: string, o: DocumentOpts) => {
      if (o.ca.length === 0) throw usage('missing-option', 'name the X.509 trust anchors with --ca', '--ca');
      const { readCertificateFiles, readEvidenceFiles } = await import('@hoso/pki/node');
      const { verifyPdf, verifyHocBaSo } = await import('@hoso/pades');
      const roots = await readCertificateFiles(o.ca);
      if (isLeft(roots)) throw usage(roots.left.code, roots.left.message, '--ca', roots.left.rule);
      const evidence = await readEvidenceFiles({ crls: o.crl, ocspResponses: o.ocsp });
      if (isLeft(evidence)) throw usage(evidence.left.code, evidence.left.message, '--crl', evidence.left.rule);
      const base = file.replace(/\.(pdf|json)$/i, '');
      const pdfPath = `${base}.pdf`;
      const pkg = { json: `${base}.json`, p7s: `${base}.json.p7s`, proof: `${base}.proof` };
      const isPackage = existsSync(pkg.json);
      const options = {
        roots: roots.right,
        evidence: evidence.right,
        revocation: o.revocation ? ('require' as const) : ('ignore' as const),
        ...(o.requireTimestamp ? { requireTimestamp: true } : {}),
      };
      const pdf = read(pdfPath, '<file>');
      const findings: Finding[] = [];
      let verdict: PdfVerdict;
      let data: { book: string; checkpoint: { origin: string; size: number; root: string } } | undefined;
      let proof: { position: number; signedBy: readonly string[] } | undefined;
      if (isPackage) {
        const v = await verifyHocBaSo(
          { pdf, json: readText(pkg.json, '<file>'), p7s: read(pkg.p7s, '<file>') },
          options,
        );
        if (isLeft(v)) throw usage(v.left.code, v.left.message, '<file>', v.left.rule);
        const pdfVerdict = v.right.pdf;
        verdict = pdfVerdict;
        findings.push(...v.right.problems.filter((p) => !pdfVerdict.problems.includes(p)));
        data = v.right.data;
        const trust = trustAnchors({ trust: o.trust, seal: o.seal });
        if ((trust.sealKeys ?? []).length === 0)
          throw usage(
            'missing-option',
            "a học bạ số package's proof is checked against the school's keys: give --seal or --trust",
            '--seal',
          );
        const { verifyProof } = await import('@hoso/verify');
        const p = verifyProof(readText(pkg.proof, '<file>'), trust);
        if (isLeft(p))
          findings.push({
            code: p.left.code,
            message: p.left.message,
            path: ['proof'],
            ...(p.left.rule ? { rule: p.left.rule } : {}),
          });
        else {
          proof = { position: p.right.position, signedBy: p.right.signedBy };
          const c = p.right.checkpoint;
          if (
            data &&
            (c.origin !== data.checkpoint.origin || c.size !== data.checkpoint.size || c.root !== data.checkpoint.root)
          )
            findings.push({
              code: 'proof-mismatch',
              message: `the proof is against ${c.origin} size ${c.size}, the data file was printed against size ${data.checkpoint.size}`,
              message_vi: 'Bằng chứng không cùng điểm kiểm chứng với tệp dữ liệu',
              path: ['proof', 'checkpoint'],
              rule: 'C2SP tlog-proof',
            });
          if (data && p.right.event.stream !== data.book)
            findings.push({
              code: 'proof-mismatch',
              message: `the proof is of an event of ${p.right.event.stream}, the data file is the book ${data.book}`,
              message_vi: 'Bằng chứng không thuộc sổ của tệp dữ liệu',
              path: ['proof', 'event', 'stream'],
              rule: 'C2SP tlog-proof',
            });
        }
      } else {
        const v = await verifyPdf(pdf, options);
        if (isLeft(v)) throw usage(v.left.code, v.left.message, '<file>', v.left.rule);
        verdict = v.right;
      }
      const ok = verdict.ok && findings.length === 0;
      if (o.json) {
        io.out(
          jsonText({
            ok,
            file: pdfPath,
            package: isPackage,
            revisions: verdict.revisions,
            signatures: verdict.signatures.map((s) => ({
              field: s.field,
              ok: s.ok,
              signer: s.signer?.subject.text,
              serialNumber: s.signer?.serialNumber,
              level: s.level,
              claimedTime: s.claimedTime?.toISOString(),
              timestamp: s.timestampTime?.toISOString(),
              revision: s.revision,
              coversRevision: s.coversRevision,
              coversWholeFile: s.coversWholeFile,
              laterChanges: s.laterChanges,
              page: s.page,
              problems: s.problems,
            })),
            problems: [...verdict.problems, ...findings],
            ...(proof ? { proof } : {}),
          }),
        );
      } else {
        const lines = [
          `${ok ? 'VERIFIED / ĐẠT' : 'NOT VERIFIED / KHÔNG ĐẠT'}: ${pdfPath}, ${verdict.signatures.length} signature(s), ${verdict.revisions} revision(s)${isPackage ? ', học bạ số package' : ''}`,
          ...verdict.signatures.map(
            (s) =>
              `  ${s.ok ? '✓' : '✗'} ${s.field}: ${s.signer?.subject.commonName ?? '?'} (${s.level}, ${s.timestampTime ? `timestamp ${when(s.timestampTime)}` : `claimed ${when(s.claimedTime)}`}), revision ${s.revision}, ${s.coversWholeFile ? 'covers the whole file' : `later revisions: ${s.laterChanges}`}`,
          ),
          ...(proof
            ? [
                `  ✓ proof: the book's head at position ${proof.position}, checkpoint signed by ${proof.signedBy.join(', ')}`,
              ]
            : []),
          ...[...verdict.problems, ...findings].map(
            (p) =>
              `  - ${p.code}: ${p.message}${p.message_vi ? ` / ${p.message_vi}` : ''}${p.rule ? ` (rule: ${p.rule})` : ''}`,
          ),
        ];
        io.out(lines.join('\n') + '\n');
      }
      process.exitCode = ok ? EXIT_OK : EXIT_FINDINGS;
    });
}
