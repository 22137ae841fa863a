import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { isLeft } from 'fp-ts/lib/Either.js';
import { signCades, verifyCades, type Certificate } from '@hoso/pki';
import { openPkcs11Signer } from '@hoso/pki/node';
import {
  createSealOnToken,
  createSoftHsmToken,
  createTestPki,
  generateTokenKey,
  storeTokenCertificate,
  type SoftHsmToken,
  type TestPki,
} from '@hoso/pki/testing';
import { must, openssl, tempDir, writeBytes, writeCerts } from './support.js';

// A real PKCS #11 token: Debian's SoftHSM2, a token made in a temp folder, keys generated on it,
// certificates from the test CA stored beside them, and CAdES signatures made on the token that
// OpenSSL and verifyCades accept.

const content = new TextEncoder().encode('Học bạ — xác nhận của nhà trường');
let pki: TestPki;
let token: SoftHsmToken;
let rsaCert: Certificate;
let dir: string;
let rootPem: string;

beforeAll(async () => {
  pki = await createTestPki({ keyType: 'rsa-pss' });
  token = must(createSoftHsmToken({ label: 'hoso-seal', pin: '246810' }));
  const seal = [
    { type: 'C', value: 'VN' },
    { type: 'ST', value: 'Hà Nội' },
    { type: 'O', value: 'Trường THCS Hòa Bình' },
    { type: 'CN', value: 'Trường THCS Hòa Bình' },
    { type: 'UID', value: 'MST:0101234567' },
  ];
  const rsaSpki = must(await generateTokenKey(token, { label: 'seal-rsa', id: new Uint8Array([1]), type: 'rsa' }));
  rsaCert = await pki.issueForKey({ subject: seal, publicKey: rsaSpki });
  must(await storeTokenCertificate(token, { label: 'seal-rsa', id: new Uint8Array([1]), certificate: rsaCert }));
  const ecSpki = must(await generateTokenKey(token, { label: 'seal-ec', id: new Uint8Array([2]), type: 'ec' }));
  const ecCert = await pki.issueForKey({ subject: seal, publicKey: ecSpki });
  must(await storeTokenCertificate(token, { label: 'seal-ec', id: new Uint8Array([2]), certificate: ecCert }));
  dir = tempDir();
  rootPem = writeCerts(dir, 'root.pem', pki.root.certificate);
  writeBytes(dir, 'content.bin', content);
});

const open = (key: { label?: string; id?: Uint8Array }, pin = '246810', label = 'hoso-seal') =>
  openPkcs11Signer({ library: token.library, token: { label }, pin, key, chain: [pki.intermediate.certificate.der] });

describe('PKCS #11 token signer (SoftHSM2)', () => {
  it('pkcs11-tool sees the keys and certificates, and the private keys cannot be read out', () => {
    const list = execFileSync(
      'pkcs11-tool',
      ['--module', token.library, '--token-label', 'hoso-seal', '--login', '--pin', '246810', '--list-objects'],
      {
        encoding: 'utf8',
        env: process.env,
      },
    );
    expect(list).toMatch(/Private Key Object; RSA/);
    expect(list).toMatch(/Private Key Object; EC/);
    expect(list.match(/Certificate Object/g)?.length).toBe(2);
    expect(list).toMatch(/Access:\s+sensitive, always sensitive, never extractable/);
  });

  for (const [name, key, scheme] of [
    ['RSA-PSS 2048 (CKM_SHA256_RSA_PKCS_PSS)', { label: 'seal-rsa' }, 'RSASSA-PSS'],
    ['ECDSA P-256 (CKM_ECDSA)', { id: new Uint8Array([2]) }, 'ECDSA'],
  ] as const) {
    it(`signs CAdES with ${name}; OpenSSL and verifyCades accept it`, async () => {
      const signer = must(await open(key));
      try {
        expect(signer.mechanisms).toContain(scheme === 'ECDSA' ? 'CKM_ECDSA' : 'CKM_SHA256_RSA_PKCS_PSS');
        const sig = must(await signCades({ signer, content }));
        expect(sig.algorithm.name).toBe(scheme);
        const p7s = writeBytes(dir, `${scheme}.p7s`, sig.der);
        const r = openssl([
          'cms',
          '-verify',
          '-binary',
          '-inform',
          'DER',
          '-in',
          p7s,
          '-content',
          `${dir}/content.bin`,
          '-CAfile',
          rootPem,
          '-purpose',
          'any',
          '-out',
          '/dev/null',
        ]);
        expect(r.out).toContain('Verification successful');
        const v = await verifyCades(sig.der, {
          content,
          trustAnchors: [pki.root.certificate],
          evidence: await pki.evidence(),
        });
        expect(v.problems).toEqual([]);
        expect(v.signer?.subject.identities).toEqual([
          { scheme: 'MST', value: '0101234567', attribute: 'UID', raw: 'MST:0101234567' },
        ]);
      } finally {
        await signer.close();
      }
    });
  }

  it('signs PKCS #1 v1.5 when asked (the padding existing tokens use), reported as legacy', async () => {
    const signer = must(await open({ label: 'seal-rsa' }));
    try {
      const sig = must(await signCades({ signer, content, algorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } }));
      const p7s = writeBytes(dir, 'pkcs1.p7s', sig.der);
      expect(
        openssl([
          'cms',
          '-verify',
          '-binary',
          '-inform',
          'DER',
          '-in',
          p7s,
          '-content',
          `${dir}/content.bin`,
          '-CAfile',
          rootPem,
          '-purpose',
          'any',
          '-out',
          '/dev/null',
        ]).code,
      ).toBe(0);
      const v = await verifyCades(sig.der, {
        content,
        trustAnchors: [pki.root.certificate],
        evidence: await pki.evidence(),
      });
      expect(v.ok).toBe(true);
      expect(v.legacyPadding).toBe(true);
    } finally {
      await signer.close();
    }
  });

  it('a wrong PIN, a missing token, a missing key and an unsupported mechanism are typed errors', async () => {
    const wrong = await open({ label: 'seal-rsa' }, '000000');
    expect(isLeft(wrong) && wrong.left).toMatchObject({ code: 'pin-incorrect', path: ['pin'] });
    const noToken = await open({ label: 'seal-rsa' }, '246810', 'no-such-token');
    expect(isLeft(noToken) && noToken.left).toMatchObject({
      code: 'token-not-found',
      details: { present: ['hoso-seal'] },
    });
    const noKey = await open({ label: 'nobody' });
    expect(isLeft(noKey) && noKey.left.code).toBe('key-not-found');
    const signer = must(await open({ label: 'seal-rsa' }));
    try {
      const r = await signer.sign(content, { name: 'ECDSA', hash: 'SHA-256' });
      expect(isLeft(r) && r.left.code).toBe('mechanism-unsupported');
      // and a request the certificate's key cannot meet is refused before the token is asked
      const c = await signCades({ signer, content, algorithm: { name: 'ECDSA', hash: 'SHA-256' } });
      expect(isLeft(c) && c.left.code).toBe('mechanism-unsupported');
    } finally {
      await signer.close();
    }
    const closed = await signer.sign(content, { name: 'RSASSA-PSS', hash: 'SHA-256', saltLength: 32 });
    expect(isLeft(closed) && closed.left.code).toBe('token-error');
  });

  it('a certificate that is not the key’s is caught at signing (signer-key-mismatch)', async () => {
    const signer = must(
      await openPkcs11Signer({
        library: token.library,
        token: { label: 'hoso-seal' },
        pin: '246810',
        key: { label: 'seal-rsa' },
        certificate: (await pki.issuePerson({ name: 'Người khác', cccd: '001000000002' })).certificate.der,
      }),
    );
    try {
      const r = await signCades({ signer, content });
      expect(isLeft(r) && r.left.code).toBe('signer-key-mismatch');
    } finally {
      await signer.close();
    }
  });

  it('the certificate stored on the token is the one used', async () => {
    const signer = must(
      await openPkcs11Signer({
        library: token.library,
        token: { label: 'hoso-seal' },
        pin: '246810',
        key: { id: new Uint8Array([1]) },
      }),
    );
    try {
      expect(await signer.certificate()).toEqual(rsaCert.der);
    } finally {
      await signer.close();
    }
  });

  it('without the native binding, @hoso/pki/node still loads and a token signer is a typed error', () => {
    // Node with a resolve hook that makes `pkcs11js` unavailable, as in a project that did not
    // allow its install script; the compiled entry point is imported.
    const hook = `export async function resolve(s, c, next) { if (s === 'pkcs11js') throw new Error('not built'); return next(s, c); }`;
    const entry = new URL('../dist/node/index.js', import.meta.url).href;
    const program = [
      `import { register } from 'node:module';`,
      `register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));`,
      `const node = await import(${JSON.stringify(entry)});`,
      `const r = await node.openPkcs11Signer({ library: ${JSON.stringify(token.library)}, token: { label: 'hoso-seal' }, pin: '246810', key: { label: 'seal-rsa' } });`,
      `console.log(JSON.stringify({ exports: Object.keys(node).sort(), left: r.left }));`,
    ].join('\n');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8' });
    const r = JSON.parse(out) as { exports: string[]; left: { code: string; details: unknown } };
    expect(r.exports).toContain('keyObjectSigner');
    expect(r.left).toMatchObject({ code: 'token-error', path: ['library'], details: { package: 'pkcs11js' } });
  });

  it('the school seal on the token in one call (the demo’s --token), accepted by OpenSSL', async () => {
    const made = must(
      await createSealOnToken(pki, {
        name: 'Trường THPT Thử',
        taxCode: '0109876543',
        token,
        type: 'ec',
        keyId: new Uint8Array([9]),
        keyLabel: 'seal-demo',
      }),
    );
    try {
      expect(made.certificate.subject.identities).toEqual([
        { scheme: 'MST', value: '0109876543', attribute: 'UID', raw: 'MST:0109876543' },
      ]);
      const sig = must(await signCades({ signer: made.signer, content }));
      const r = openssl([
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        writeBytes(dir, 'seal-demo.p7s', sig.der),
        '-content',
        `${dir}/content.bin`,
        '-CAfile',
        rootPem,
        '-purpose',
        'any',
        '-out',
        '/dev/null',
      ]);
      expect(r.out).toContain('Verification successful');
    } finally {
      await made.signer.close();
    }
  });
});
