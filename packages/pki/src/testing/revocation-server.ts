/**
 * The test PKI's CRLs and OCSP responder over HTTP on 127.0.0.1, as a CA publishes them: `GET
 * /cap2.crl` (the intermediate's CRL), `GET /root.crl` (the root's), `POST /ocsp` (RFC 6960
 * §A.1, nonces echoed). Start it first, then make the PKI with `crlBase: server.base` so that
 * its certificates point here, then {@link RevocationServer.serve} that PKI.
 */
import { createServer } from 'node:http';
import { AsnParser } from '@peculiar/asn1-schema';
import { OCSPRequest } from '@peculiar/asn1-ocsp';
import { serialHex } from '../certificate.js';
import { readOnly, tlvContent } from '../der.js';
import { OID } from '../oids.js';
import type { TestPki } from './pki.js';
import { listen, readBody } from './tsa.js';

export interface RevocationServer {
  /** The base URL to give `createTestPki({ crlBase })`, without a trailing slash. */
  readonly base: string;
  /** Answer for this PKI from now on. */
  serve(pki: TestPki): void;
  /** Requests answered, e.g. `GET /cap2.crl`, `POST /ocsp`. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

export async function startRevocationServer(o: { readonly port?: number } = {}): Promise<RevocationServer> {
  let pki: TestPki | undefined;
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const what = `${req.method} ${req.url}`;
    requests.push(what);
    const send = (type: string, b: Uint8Array) => res.writeHead(200, { 'content-type': type }).end(b);
    if (!pki) return void res.writeHead(503).end();
    const p = pki;
    if (what === 'GET /cap2.crl') return void p.crl(new Date()).then((b) => send('application/pkix-crl', b));
    if (what === 'GET /root.crl') return void p.crl(new Date(), p.root).then((b) => send('application/pkix-crl', b));
    if (what === 'POST /ocsp')
      return void readBody(req)
        .then(async (body) => {
          const r = AsnParser.parse(body, OCSPRequest);
          const one = r.tbsRequest.requestList[0];
          const cert = one ? p.issued(serialHex(new Uint8Array(one.reqCert.serialNumber))) : undefined;
          // The nonce extension's value is an OCTET STRING holding the nonce (RFC 8954 §2.1).
          const ext = r.tbsRequest.requestExtensions?.find((e) => e.extnID === OID.ocspNonce);
          const v = ext ? new Uint8Array(ext.extnValue.buffer) : undefined;
          const t = v ? readOnly(v) : undefined;
          if (!cert)
            return void res
              .writeHead(200, { 'content-type': 'application/ocsp-response' })
              .end(Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x01]));
          send('application/ocsp-response', await p.ocsp(cert, new Date(), t && v ? { nonce: tlvContent(v, t) } : {}));
        })
        .catch(() => res.writeHead(400).end());
    res.writeHead(404).end();
  });
  const served = await listen(server, o.port);
  return {
    base: served.url.replace(/\/$/, ''),
    serve(p) {
      pki = p;
    },
    requests,
    close: () => served.close(),
  };
}
