/**
 * The signing branch of `hoso print`: opens the signers, prints and signs (`signed-print.ts`),
 * proves each học bạ số's book against the checkpoint (C2SP tlog-proof of the student's record
 * stream head at the checkpoint), and reports what was written and who signed.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import type { PrintJob } from '@hoso/print';
import { proveEvent } from '@hoso/verify';
import type { KeptCheckpoint } from './checkpoints.js';
import { refused, usage } from './exit.js';
import { jsonText, type Output } from './io.js';
import { openSigners, printSigned, type SigningOptions } from './signed-print.js';
import type { OpenedStore } from './store.js';

export interface SignedPrintOptions extends SigningOptions {
  readonly out: string;
  readonly student: readonly string[];
  readonly formats: ('pdf' | 'html')[];
  readonly pdfa: boolean;
  readonly hocBaSo?: boolean;
  readonly json?: boolean;
}

/** The position of the last event of `stream` inside the checkpoint (below `size`). */
async function headWithin(s: OpenedStore, stream: string, size: number): Promise<number | undefined> {
  let last: number | undefined;
  for await (const e of s.store.readStream(s.ledger, stream)) if (e.position < size) last = e.position;
  return last;
}

export async function printSignedCommand(
  io: Output,
  s: OpenedStore,
  cp: KeptCheckpoint,
  jobs: readonly PrintJob[],
  o: SignedPrintOptions,
): Promise<void> {
  if (o.hocBaSo && o.student.length === 0)
    throw usage('missing-option', '--hoc-ba-so packages a student’s học bạ: name them with --student', '--student');
  if (o.hocBaSo && !o.formats.includes('pdf'))
    throw usage('invalid-option', '--hoc-ba-so needs the PDF (--format pdf or both)', '--format');
  const hocBaSo = new Map<string, string>();
  if (o.hocBaSo) for (const id of o.student) hocBaSo.set(`hoc-ba-${id}`, id);
  const signers = await openSigners(o);
  try {
    if (signers.byRole.size === 0)
      throw usage(
        'missing-option',
        'signing needs a signer: give --sign <role=file> or --token <role=label>',
        '--sign',
      );
    const proofOf = async (id: string): Promise<string> => {
      const at = await headWithin(s, `student/${id}`, cp.checkpoint.size);
      if (at === undefined)
        throw refused('no-proof', `student ${id} has no record inside the checkpoint`, '--student', 'C2SP tlog-proof');
      const p = await proveEvent(s.store, s.ledger, at, cp.note);
      if (isLeft(p)) throw refused(p.left.code, p.left.message, '--checkpoint', p.left.rule);
      return p.right;
    };
    const r = await printSigned(o.out, jobs, signers, {
      formats: o.formats,
      pdfa: o.pdfa,
      hocBaSo,
      proofOf,
    });
    io.out(
      o.json
        ? jsonText({
            checkpoint: cp.checkpoint.size,
            files: r.files,
            signed: r.signed.map((d) => ({ name: d.name, signedBy: d.signedBy, unsigned: d.unsigned })),
          })
        : r.files.map((f) => `wrote ${f}\n`).join('') +
            r.signed
              .map(
                (d) =>
                  `signed ${d.name}.pdf: ${d.signedBy.join(' → ') || '(no signer for its places)'}${d.unsigned.length ? `; unsigned: ${d.unsigned.join(', ')}` : ''}\n`,
              )
              .join(''),
    );
  } finally {
    await signers.close();
  }
}
