/**
 * An RFC 3161 TSA in process, for tests and the demo: a software key, serial numbers, a stated
 * accuracy, nonces echoed, certReq honoured, signing-certificate-v2 (RFC 5816) in its tokens. It
 * answers DER requests directly ({@link TestTsa.respond}) and, through {@link serveTsa}, over
 * HTTP on 127.0.0.1 as RFC 3161 §3.4 describes.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { isLeft, right, type Either } from 'fp-ts/lib/Either.js';
import { digest } from '../bytes.js';
import { buildSignedData } from '../cms/build.js';
import { derNamedBits, derSequence, derUnsignedInteger, tlv } from '../der.js';
import type { PkiError } from '../errors.js';
import { OID } from '../oids.js';
import type { X509Signer } from '../signers/signer.js';
import { tokenAnswers, type TimestampAuthority } from '../tsp/authority.js';
import {
  encodeTstInfo,
  parseTimestampRequest,
  parseTimestampResponse,
  timestampRequest,
  type MessageImprint,
} from '../tsp/protocol.js';

/** The policy OID of the test TSA's tokens (a UUID arc, RFC 9562 / X.667: it belongs to no one else). */
export const TEST_TSA_POLICY = '2.25.198733419626446307262329012390981290329';

export interface TestTsa extends TimestampAuthority {
  /** Answer a DER TimeStampReq with a DER TimeStampResp. */
  respond(request: Uint8Array): Promise<Uint8Array>;
  /** How many tokens it has issued. */
  readonly issued: number;
}

function rejection(text: string, failBit: number): Uint8Array {
  return derSequence(
    derSequence(
      derUnsignedInteger(new Uint8Array([2])),
      derSequence(tlv(0x0c, new TextEncoder().encode(text))),
      derNamedBits([failBit]),
    ),
  );
}

/** A TSA over a signer whose certificate is for timestamping (critical EKU timeStamping). */
export function createTestTsa(o: {
  readonly signer: X509Signer;
  readonly policy?: string;
  readonly accuracyMs?: number;
  readonly clock?: () => Date;
}): TestTsa {
  let serial = 1;
  const policy = o.policy ?? TEST_TSA_POLICY;
  const tsa = {
    issued: 0,
    async respond(request: Uint8Array): Promise<Uint8Array> {
      const req = parseTimestampRequest(request);
      // failInfo bits (RFC 3161 §2.4.2): badAlg 0, badDataFormat 5.
      if (isLeft(req)) return rejection(req.left.message, req.left.code === 'malformed-timestamp' ? 5 : 0);
      if (req.right.policy !== undefined && req.right.policy !== policy) return rejection('unaccepted policy', 15);
      const genTime = (o.clock ?? (() => new Date()))();
      const n = serial++;
      const tst = encodeTstInfo({
        policy,
        imprint: req.right.imprint,
        serialNumber: new Uint8Array([(n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255]),
        genTime,
        accuracyMs: o.accuracyMs ?? 500,
        ...(req.right.nonce ? { nonce: req.right.nonce } : {}),
      });
      const built = await buildSignedData({
        signer: o.signer,
        hash: 'SHA-256',
        eContentType: OID.tstInfo,
        eContent: tst,
        contentDigest: await digest('SHA-256', tst),
        signingTime: genTime,
        includeCertificates: req.right.certReq,
      });
      if (isLeft(built)) return rejection(built.left.message, 25);
      tsa.issued++;
      return derSequence(derSequence(derUnsignedInteger(new Uint8Array([0]))), built.right.der);
    },
    async timestamp(imprint: MessageImprint): Promise<Either<PkiError, Uint8Array>> {
      const req = timestampRequest(imprint);
      const token = parseTimestampResponse(await tsa.respond(req.der));
      if (isLeft(token)) return token;
      const checked = tokenAnswers(token.right, req);
      return isLeft(checked) ? checked : right(checked.right);
    },
  };
  return tsa;
}

export interface Served {
  /** The base URL, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Read a request body, refusing more than `max` bytes. */
export function readBody(req: IncomingMessage, max = 1 << 20): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > max) {
        reject(new Error('request too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** Listen on 127.0.0.1 (an ephemeral port unless told). */
export function listen(server: Server, port = 0): Promise<Served> {
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const a = server.address();
      const p = typeof a === 'object' && a ? a.port : port;
      resolve({
        url: `http://127.0.0.1:${p}/`,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

/** Serve a TSA over HTTP (POST application/timestamp-query → application/timestamp-reply). */
export function serveTsa(tsa: TestTsa, o: { readonly port?: number } = {}): Promise<Served> {
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
      res.writeHead(req.method === 'POST' ? 415 : 405).end();
      return;
    }
    readBody(req).then(
      async (body) => {
        const reply = await tsa.respond(body);
        res
          .writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': reply.length })
          .end(reply);
      },
      () => res.writeHead(413).end(),
    );
  });
  return listen(server, o.port);
}
