import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import { decodeSignedData, digest, openCscSigner, signCades, toHex, verifyCades, type Certificate } from '@hoso/pki';
import {
  createTestPki,
  createTestTsa,
  serveRemoteSigningService,
  type ApprovalRequest,
  type RemoteSigningService,
  type TestIdentity,
  type TestPki,
} from '@hoso/pki/testing';
import { codes, must, openssl, tempDir, writeBytes, writeCerts } from './support.js';

// Remote signing ("ký số từ xa") through the CSC API v2 subset, against the loopback stand-in:
// the user approves on the phone (a hook the test controls), refuses, or never answers.

const content = new TextEncoder().encode('Biên bản điều chỉnh điểm — chữ ký của hiệu trưởng');
const TOKEN = 'access-token-of-the-school';

let pki: TestPki;
let ecPki: TestPki;
let principal: TestIdentity;
let clerk: TestIdentity;
let ecTeacher: TestIdentity;
let service: RemoteSigningService;
let dir: string;
const asked: ApprovalRequest[] = [];
let answer: (r: ApprovalRequest) => Promise<boolean> = () => Promise.resolve(true);

beforeAll(async () => {
  pki = await createTestPki({ keyType: 'rsa-pss' });
  ecPki = await createTestPki({ keyType: 'ecdsa-p256' });
  principal = await pki.issuePerson({ name: 'Đỗ Minh Châu', cccd: '001180000111', title: 'Hiệu trưởng' });
  clerk = await pki.issuePerson({ name: 'Vũ Thị Lan', cccd: '001190000222', title: 'Văn thư' });
  ecTeacher = await ecPki.issuePerson({ name: 'Ngô Văn Khải', cccd: '001195000333' });
  service = await serveRemoteSigningService({
    accessToken: TOKEN,
    credentials: [
      { credentialID: 'hieu-truong', identity: principal },
      {
        credentialID: 'van-thu-pkcs1',
        identity: clerk,
        keyAlgorithms: ['1.2.840.113549.1.1.1'],
        authMode: 'explicit',
        pin: '4321',
      },
      { credentialID: 'giao-vien-ec', identity: ecTeacher },
    ],
    approve: (r) => {
      asked.push(r);
      return answer(r);
    },
  });
  dir = tempDir();
  writeBytes(dir, 'content.bin', content);
});
afterAll(() => service.close());

const cmsVerify = (der: Uint8Array, name: string, root: Certificate) =>
  openssl([
    'cms',
    '-verify',
    '-binary',
    '-inform',
    'DER',
    '-in',
    writeBytes(dir, name, der),
    '-content',
    join(dir, 'content.bin'),
    '-CAfile',
    writeCerts(dir, `${name}.root.pem`, root),
    '-purpose',
    'any',
    '-out',
    '/dev/null',
  ]);

describe('a CSC v2 remote signer', () => {
  it('signs RSASSA-PSS after the user approves that digest; OpenSSL and verifyCades accept it', async () => {
    answer = () => Promise.resolve(true);
    const signer = must(
      await openCscSigner({
        baseUrl: service.url,
        accessToken: TOKEN,
        credentialID: 'hieu-truong',
        description: 'Ký biên bản',
      }),
    );
    expect(signer.credential.authMode).toBe('implicit');
    expect(signer.credential.chain).toHaveLength(1);
    const before = asked.length;
    const sig = must(await signCades({ signer, content, tsa: createTestTsa({ signer: pki.signer(pki.tsa) }) }));
    expect(sig.algorithm.name).toBe('RSASSA-PSS');
    // The user was asked once, for the digest of the signed attributes, with the description.
    expect(asked.length - before).toBe(1);
    const signedAttrs = must(decodeSignedData(sig.der)).signerInfos[0]!.signedAttrsDer!;
    expect(asked.at(-1)).toEqual({
      credentialID: 'hieu-truong',
      numSignatures: 1,
      hashes: [toHex(await digest('SHA-256', signedAttrs))],
      description: 'Ký biên bản',
    });
    expect(cmsVerify(sig.der, 'remote-pss.p7s', pki.root.certificate).out).toContain('Verification successful');
    const v = await verifyCades(sig.der, {
      content,
      trustAnchors: [pki.root.certificate],
      evidence: await pki.evidence(),
    });
    expect(v.problems).toEqual([]);
    expect(v.signer?.subject.identities[0]).toMatchObject({ scheme: 'CCCD', value: '001180000111' });
  });

  it('signs ECDSA P-256 (the service returns DER signatures over the digest)', async () => {
    const signer = must(
      await openCscSigner({ baseUrl: service.url, accessToken: TOKEN, credentialID: 'giao-vien-ec' }),
    );
    const sig = must(await signCades({ signer, content }));
    expect(sig.algorithm).toEqual({ name: 'ECDSA', hash: 'SHA-256' });
    expect(cmsVerify(sig.der, 'remote-ec.p7s', ecPki.root.certificate).code).toBe(0);
    const v = await verifyCades(sig.der, {
      content,
      trustAnchors: [ecPki.root.certificate],
      evidence: await ecPki.evidence(),
    });
    expect(v.problems).toEqual([]);
  });

  it('a service that offers only PKCS #1 v1.5 signs that, with the PIN in explicit mode; reported as legacy', async () => {
    const signer = must(
      await openCscSigner({
        baseUrl: service.url,
        accessToken: TOKEN,
        credentialID: 'van-thu-pkcs1',
        authData: () => Promise.resolve([{ id: 'PIN', value: '4321' }]),
      }),
    );
    expect(signer.credential.authMode).toBe('explicit');
    const sig = must(await signCades({ signer, content }));
    expect(sig.algorithm.name).toBe('RSASSA-PKCS1-v1_5');
    expect(cmsVerify(sig.der, 'remote-pkcs1.p7s', pki.root.certificate).code).toBe(0);
    const v = await verifyCades(sig.der, {
      content,
      trustAnchors: [pki.root.certificate],
      evidence: await pki.evidence(),
    });
    expect(v.ok).toBe(true);
    expect(v.legacyPadding).toBe(true);
    // a wrong PIN is the service's error, named
    const wrong = must(
      await openCscSigner({
        baseUrl: service.url,
        accessToken: TOKEN,
        credentialID: 'van-thu-pkcs1',
        authData: () => Promise.resolve([{ id: 'PIN', value: '0000' }]),
      }),
    );
    const r = await signCades({ signer: wrong, content });
    expect(isLeft(r) && r.left).toMatchObject({
      code: 'remote-error',
      path: ['credentials/authorize'],
      details: { status: 400, error: 'invalid_request', description: 'The PIN is invalid' },
    });
  });

  it('a refusal on the phone is remote-refused, and nothing is signed', async () => {
    answer = () => Promise.resolve(false);
    const signed = service.signed;
    const signer = must(await openCscSigner({ baseUrl: service.url, accessToken: TOKEN, credentialID: 'hieu-truong' }));
    const r = await signCades({ signer, content });
    expect(isLeft(r) && r.left).toMatchObject({ code: 'remote-refused', message_vi: 'Người ký đã từ chối yêu cầu ký' });
    expect(service.signed).toBe(signed);
    answer = () => Promise.resolve(true);
  });

  it('a user who never answers is remote-timeout after approvalTimeoutMs', async () => {
    let release: (ok: boolean) => void = () => undefined;
    answer = () => new Promise<boolean>((resolve) => (release = resolve));
    const signer = must(
      await openCscSigner({
        baseUrl: service.url,
        accessToken: TOKEN,
        credentialID: 'hieu-truong',
        approvalTimeoutMs: 300,
      }),
    );
    const r = await signCades({ signer, content });
    expect(isLeft(r) && r.left).toMatchObject({ code: 'remote-timeout', path: ['credentials/authorize'] });
    release(false);
    answer = () => Promise.resolve(true);
  });

  it('an unknown credential, several credentials, a wrong token and no service are typed errors', async () => {
    const several = await openCscSigner({ baseUrl: service.url, accessToken: TOKEN });
    expect(isLeft(several) && several.left).toMatchObject({
      code: 'certificate-not-found',
      details: { credentials: ['hieu-truong', 'van-thu-pkcs1', 'giao-vien-ec'] },
    });
    const unknown = await openCscSigner({ baseUrl: service.url, accessToken: TOKEN, credentialID: 'nobody' });
    expect(isLeft(unknown) && unknown.left).toMatchObject({ code: 'remote-error', details: { status: 400 } });
    const badToken = await openCscSigner({ baseUrl: service.url, accessToken: 'stolen', credentialID: 'hieu-truong' });
    expect(isLeft(badToken) && badToken.left).toMatchObject({
      code: 'remote-error',
      details: { status: 401, error: 'invalid_token' },
    });
    const gone = await openCscSigner({
      baseUrl: 'http://127.0.0.1:9/csc/v2/',
      credentialID: 'hieu-truong',
      timeoutMs: 2000,
    });
    expect(isLeft(gone) && gone.left.code).toBe('remote-unreachable');
  });

  it('a SAD is good once, for the digests approved only', async () => {
    const { cscAuthorize, cscSignHash } = await import('@hoso/pki');
    const o = { baseUrl: service.url, accessToken: TOKEN };
    const h = await digest('SHA-256', content);
    const alg = { name: 'RSASSA-PSS', hash: 'SHA-256', saltLength: 32 } as const;
    const sad = must(
      await cscAuthorize(o, { credentialID: 'hieu-truong', hashes: [h], hashAlgorithmOID: '2.16.840.1.101.3.4.2.1' }),
    );
    const other = await cscSignHash(o, {
      credentialID: 'hieu-truong',
      sad,
      hashes: [new Uint8Array(32)],
      algorithm: alg,
    });
    expect(isLeft(other) && other.left.details).toMatchObject({
      description: 'The hashes were not authorized by this SAD',
    });
    must(await cscSignHash(o, { credentialID: 'hieu-truong', sad, hashes: [h], algorithm: alg }));
    const again = await cscSignHash(o, { credentialID: 'hieu-truong', sad, hashes: [h], algorithm: alg });
    expect(isLeft(again) && again.left.details).toMatchObject({ description: 'Invalid SAD' });
    expect(codes(isLeft(again) ? [again.left] : [])).toEqual(['remote-error']);
  });
});
