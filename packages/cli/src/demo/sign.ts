/**
 * `hoso demo --sign`: the printed học bạ, register and correction minutes signed with PAdES by
 * the demo school's people and seal, with certificates from the demo's own test PKI (`demo/ca.ts`; no legal
 * weight: every name in it says so) and its RFC 3161 TSA, and the trust anchors an inspector needs
 * written beside them (`pki/root.pem`, the CRLs), so `pdfsig` and `hoso verify-document` can check
 * the files. Markbooks are left unsigned: each subject's teacher signs their own column, and the
 * demo has one key per role, not one per teacher.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stageFiles, type PrintJob } from '@hoso/print';
import { encodePem, type X509Signer } from '@hoso/pki';
import { createTestTsa } from '@hoso/pki/testing';
import type { DemoCa } from './ca.js';
import { ensureDir } from '../io.js';
import { signJob, type PrintSigners, type SigningRole } from '../signed-print.js';

/** Jobs the demo signs: the học bạ, the register, the correction minutes. */
export const signedInDemo = (name: string): boolean =>
  name.startsWith('hoc-ba-') || name === 'so-dang-bo' || name.startsWith('bien-ban-');

/** Who signs a document, by role: the names printed under its signature places. */
function signersOf(job: PrintJob): Array<[SigningRole, string]> {
  const out: Array<[SigningRole, string]> = [];
  for (const section of job.document.sections)
    for (const b of section.blocks)
      if (b.kind === 'signatures')
        for (const item of b.items) if (item.role !== undefined && item.name !== '') out.push([item.role, item.name]);
  return out;
}

/**
 * Sign the demo's printed PDFs in `printDir` (overwriting them: the same rendering, signed) and
 * write the test PKI's root and CRLs into `pkiDir`. Each signer's certificate is issued in the
 * name printed under their place, and the school's seal in the school's name.
 */
export async function signDemoPrints(
  jobs: readonly PrintJob[],
  o: {
    readonly printDir: string;
    readonly pkiDir: string;
    readonly creationDate: Date;
    readonly school: string;
    /** The demo's test PKI (`demo/ca.ts`): the same root signs the ledger's acts and the PDFs. */
    readonly ca: DemoCa;
  },
): Promise<{ signed: string[]; root: string; crls: string[] }> {
  const pki = o.ca.pki;
  // The PDFs are signed today (their creation date), so their TSA reads the real clock.
  const tsa = createTestTsa({ signer: pki.signer(pki.tsa) });
  const people = new Map<string, X509Signer>();
  const person = async (name: string): Promise<X509Signer> => {
    let s = people.get(name);
    if (!s) {
      const cccd = `0011${String(90000000 + people.size).padStart(8, '0')}`;
      s = pki.signer(await pki.issuePerson({ name, cccd }));
      people.set(name, s);
    }
    return s;
  };
  const seal = { signer: o.ca.seal, name: o.school };
  // Each signed PDF goes to disk as soon as it is made; all replace the unsigned ones together.
  const staged = await stageFiles(o.printDir);
  let signed: string[];
  try {
    for (const job of jobs.filter((j) => signedInDemo(j.name))) {
      const byRole = new Map<SigningRole, { signer: X509Signer; name: string }>([['seal', seal]]);
      for (const [role, name] of signersOf(job)) byRole.set(role, { signer: await person(name), name });
      const signers: PrintSigners = { byRole, tsa, close: () => Promise.resolve() };
      const d = await signJob(job, signers, { creationDate: o.creationDate, pdfa: true });
      await staged.write(`${job.name}.pdf`, d.pdf);
    }
    signed = await staged.commit();
  } catch (e) {
    await staged.abort();
    throw e;
  }
  ensureDir(o.pkiDir, '--dir');
  const root = join(o.pkiDir, 'root.pem');
  const crls = [join(o.pkiDir, 'ca.crl'), join(o.pkiDir, 'root.crl')];
  await writeFile(root, encodePem('CERTIFICATE', pki.root.certificate.der));
  // The PKI's own "now" is the demo's school year; the PDFs were timestamped today.
  const today = new Date();
  await writeFile(crls[0]!, await pki.crl(today));
  await writeFile(crls[1]!, await pki.crl(today, pki.root));
  return { signed, root, crls };
}
