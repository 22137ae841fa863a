/**
 * Reading certificates, trust lists and revocation evidence from files (PEM or DER): what the
 * command line and an inspector's set-up need. A trust list is files or a folder of them; every
 * CERTIFICATE in them is an anchor.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { parseCertificates, type Certificate } from '../certificate.js';
import { pkiError, thrownText, type PkiError } from '../errors.js';
import type { RevocationEvidence } from '../revocation/check.js';
import { parseCrl, type Crl } from '../revocation/crl.js';
import { parseOcspResponse, type OcspResponse } from '../revocation/ocsp.js';

function read(path: string): Either<PkiError, Uint8Array> {
  try {
    return right(new Uint8Array(readFileSync(path)));
  } catch (e) {
    return left(
      pkiError('malformed-der', `cannot read ${path}: ${thrownText(e)}`, `Không đọc được tệp ${path}`, {
        path: [path],
      }),
    );
  }
}

function expand(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    try {
      return statSync(p).isDirectory()
        ? readdirSync(p)
            .filter((f) => /\.(pem|crt|cer|der)$/i.test(f))
            .sort()
            .map((f) => join(p, f))
        : [p];
    } catch {
      return [p];
    }
  });
}

/** Every certificate in the files and folders given (a folder: its .pem, .crt, .cer and .der files). */
export async function readCertificateFiles(paths: readonly string[]): Promise<Either<PkiError, Certificate[]>> {
  const out: Certificate[] = [];
  for (const p of expand(paths)) {
    const b = read(p);
    if (isLeft(b)) return b;
    const certs = await parseCertificates(b.right);
    if (isLeft(certs)) return left({ ...certs.left, path: [p, ...(certs.left.path ?? [])] });
    out.push(...certs.right);
  }
  return right(out);
}

/** CRLs (`.crl`, PEM or DER) and OCSP responses (`.ocsp`/`.der` that are not CRLs) from files. */
export async function readEvidenceFiles(o: {
  readonly crls?: readonly string[];
  readonly ocspResponses?: readonly string[];
}): Promise<Either<PkiError, RevocationEvidence & { crls: Crl[]; ocspResponses: OcspResponse[] }>> {
  const crls: Crl[] = [];
  const ocspResponses: OcspResponse[] = [];
  for (const p of o.crls ?? []) {
    const b = read(p);
    if (isLeft(b)) return b;
    const c = await parseCrl(b.right, [p]);
    if (isLeft(c)) return c;
    crls.push(c.right);
  }
  for (const p of o.ocspResponses ?? []) {
    const b = read(p);
    if (isLeft(b)) return b;
    const r = await parseOcspResponse(b.right, [p]);
    if (isLeft(r)) return r;
    ocspResponses.push(r.right);
  }
  return right({ crls, ocspResponses });
}
