/**
 * Gathering revocation evidence at signing time, so that it can be stored with the signature and
 * checked offline years later: for each certificate of a chain below the root, an OCSP response
 * from the responder its certificate names (RFC 6960 §A.1, HTTP POST, with a nonce), or else the
 * CRL at its distribution point (RFC 5280 §4.2.1.13). Uses `fetch`: Node and browsers alike. What
 * is fetched is parsed here but believed only by {@link validatePath}, which checks signatures
 * and times.
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { toHex } from '../bytes.js';
import type { Certificate } from '../certificate.js';
import { pkiError, thrownText, type PkiError } from '../errors.js';
import { parseCrl, type Crl } from './crl.js';
import { ocspRequest, parseOcspResponse, type OcspResponse } from './ocsp.js';

export interface FetchedEvidence {
  /** DER, as fetched: what the ledger stores. */
  readonly crlDers: readonly Uint8Array[];
  readonly ocspDers: readonly Uint8Array[];
  /** The same, parsed, ready for `evidence` options. */
  readonly crls: readonly Crl[];
  readonly ocspResponses: readonly OcspResponse[];
}

export interface FetchEvidenceOptions {
  /** `ocsp` (default): OCSP first, the CRL when there is no responder or it fails; `crl`: CRLs only. */
  readonly prefer?: 'ocsp' | 'crl';
  readonly timeoutMs?: number;
  readonly fetch?: typeof globalThis.fetch;
}

async function get(
  f: typeof globalThis.fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<Either<PkiError, Uint8Array>> {
  try {
    const res = await f(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const body = new Uint8Array(await res.arrayBuffer());
    if (!res.ok)
      return left(
        pkiError('http-error', `${url} answered HTTP ${res.status}`, `${url} trả lời HTTP ${res.status}`, {
          details: { url, status: res.status },
        }),
      );
    return right(body);
  } catch (e) {
    return left(
      pkiError('http-error', `${url} could not be reached: ${thrownText(e)}`, `Không kết nối được ${url}`, {
        details: { url },
      }),
    );
  }
}

/**
 * Evidence for every certificate of `chain` (target first, each followed by its issuer; the last
 * is the root, which needs none). Fails with `revocation-missing` naming the certificate when
 * neither its OCSP responder nor its CRL could be had, with each attempt's error in `details`.
 */
export async function fetchRevocationEvidence(
  chain: readonly Certificate[],
  o: FetchEvidenceOptions = {},
): Promise<Either<PkiError, FetchedEvidence>> {
  const f = o.fetch ?? globalThis.fetch;
  const timeoutMs = o.timeoutMs ?? 15_000;
  const out = {
    crlDers: [] as Uint8Array[],
    ocspDers: [] as Uint8Array[],
    crls: [] as Crl[],
    ocspResponses: [] as OcspResponse[],
  };
  const crlCache = new Map<string, Crl>();
  for (let i = 0; i + 1 < chain.length; i++) {
    const cert = chain[i]!;
    const issuer = chain[i + 1]!;
    const tried: string[] = [];
    let done = false;
    if ((o.prefer ?? 'ocsp') === 'ocsp')
      for (const url of cert.ocspUrls) {
        const nonce = globalThis.crypto.getRandomValues(new Uint8Array(16));
        const body = await get(
          f,
          url,
          {
            method: 'POST',
            headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
            body: await ocspRequest(cert, issuer, nonce),
          },
          timeoutMs,
        );
        if (isLeft(body)) {
          tried.push(body.left.message);
          continue;
        }
        const r = await parseOcspResponse(body.right, ['ocsp', i]);
        if (isLeft(r)) tried.push(r.left.message);
        else if (r.right.status !== 'successful') tried.push(`${url}: OCSP status ${r.right.status}`);
        // A response with a nonce must carry ours (RFC 8954 §2.1): else it may be a replay.
        else if (r.right.basic?.nonce !== undefined && !nonceMatches(r.right.basic.nonce, nonce))
          tried.push(`${url}: the OCSP response carries another nonce`);
        else {
          out.ocspDers.push(body.right);
          out.ocspResponses.push(r.right);
          done = true;
          break;
        }
      }
    if (!done)
      for (const url of cert.crlDistributionPoints) {
        const have = crlCache.get(url);
        if (have) {
          done = true;
          break;
        }
        const body = await get(f, url, { method: 'GET', headers: { accept: 'application/pkix-crl' } }, timeoutMs);
        if (isLeft(body)) {
          tried.push(body.left.message);
          continue;
        }
        const c = await parseCrl(body.right, ['crl', i]);
        if (isLeft(c)) {
          tried.push(c.left.message);
          continue;
        }
        crlCache.set(url, c.right);
        out.crlDers.push(body.right);
        out.crls.push(c.right);
        done = true;
        break;
      }
    if (!done)
      return left(
        pkiError(
          'revocation-missing',
          `no revocation evidence could be fetched for ${cert.subject.text}${tried.length ? `: ${tried.join('; ')}` : ' (it names no OCSP responder or CRL)'}`,
          `Không lấy được dữ liệu thu hồi cho chứng thư số của ${cert.subject.text}`,
          { path: ['chain', i], rule: 'RFC 5280 §4.2.1.13', details: { tried, serialNumber: cert.serialNumber } },
        ),
      );
  }
  return right(out);
}

/** The response's nonce: the OCTET STRING of ours (RFC 8954 §2.1), or — some responders — the bare value. */
function nonceMatches(extnHex: string, nonce: Uint8Array): boolean {
  return extnHex === toHex(new Uint8Array([0x04, nonce.length, ...nonce])) || extnHex === toHex(nonce);
}
