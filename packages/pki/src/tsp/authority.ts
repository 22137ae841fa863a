/**
 * Where timestamps come from: one interface for a TSA reached over HTTP (RFC 3161 §3.4, with
 * `fetch`, so it works in Node and in a browser) and for the in-process TSA of the tests and the
 * demo (`@hoso/pki/testing`).
 */
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { pkiError, thrownText, type PkiError } from '../errors.js';
import {
  answersRequest,
  parseTimestampResponse,
  parseTstInfo,
  timestampRequest,
  type MessageImprint,
} from './protocol.js';
import { decodeSignedData } from '../cms/signed-data.js';

export interface TimestampAuthority {
  /**
   * A timestamp token (ContentInfo DER) for the imprint; checked against the request (imprint,
   * nonce) but not yet against a trust list.
   */
  timestamp(imprint: MessageImprint): Promise<Either<PkiError, Uint8Array>>;
}

/** Check a token from a reply answers the request sent (imprint and nonce). */
export function tokenAnswers(
  token: Uint8Array,
  req: ReturnType<typeof timestampRequest>,
): Either<PkiError, Uint8Array> {
  const sd = decodeSignedData(token, ['timeStampToken']);
  if (isLeft(sd)) return left({ ...sd.left, code: 'malformed-timestamp' });
  if (!sd.right.eContent)
    return left(
      pkiError('malformed-timestamp', 'the token carries no TSTInfo', 'Dấu thời gian không có TSTInfo', {
        rule: 'RFC 3161 §2.4.2',
      }),
    );
  const info = parseTstInfo(sd.right.eContent, ['timeStampToken', 'tstInfo']);
  if (isLeft(info)) return info;
  const bad = answersRequest(info.right, req);
  if (bad) return left(bad);
  if (req.certReq && sd.right.certificates.length === 0)
    return left(
      pkiError(
        'timestamp-mismatch',
        'the TSA was asked for its certificate and did not include it',
        'Đã yêu cầu TSA gửi chứng thư số nhưng TSA không gửi',
        { path: ['certificates'], rule: 'RFC 3161 §2.4.1' },
      ),
    );
  return right(token);
}

/**
 * A TSA reached by HTTP POST of `application/timestamp-query` (RFC 3161 §3.4). Fails with
 * `http-error` (unreachable, timed out, a non-2xx status), `timestamp-refused` (the TSA said no)
 * or `timestamp-mismatch` (the token answers another request).
 */
export function httpTimestampAuthority(o: {
  readonly url: string;
  readonly timeoutMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly policy?: string;
  readonly fetch?: typeof globalThis.fetch;
}): TimestampAuthority {
  const doFetch = o.fetch ?? globalThis.fetch;
  return {
    async timestamp(imprint) {
      const req = timestampRequest(imprint, o.policy ? { policy: o.policy } : {});
      let body: Uint8Array;
      try {
        const res = await doFetch(o.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/timestamp-query',
            accept: 'application/timestamp-reply',
            ...o.headers,
          },
          body: req.der,
          signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
        });
        body = new Uint8Array(await res.arrayBuffer());
        if (!res.ok)
          return left(
            pkiError('http-error', `the TSA answered HTTP ${res.status}`, `TSA trả lời HTTP ${res.status}`, {
              details: { url: o.url, status: res.status },
            }),
          );
      } catch (e) {
        return left(
          pkiError(
            'http-error',
            `the TSA at ${o.url} could not be reached: ${thrownText(e)}`,
            `Không kết nối được TSA tại ${o.url}: ${thrownText(e)}`,
            { details: { url: o.url } },
          ),
        );
      }
      const token = parseTimestampResponse(body);
      if (isLeft(token)) return token;
      return tokenAnswers(token.right, req);
    },
  };
}
