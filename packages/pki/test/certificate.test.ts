import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import {
  checkKeyPolicy,
  certificateSignatureScheme,
  decodeName,
  encodeName,
  nameValues,
  parseCertificate,
  parseCertificates,
  personalIdNumber,
  taxCode,
  type Certificate,
} from '@hoso/pki';
import { createTestPki, type TestPki } from '@hoso/pki/testing';
import { must, openssl, tempDir } from './support.js';

// Certificates read as Vietnamese CAs write them, checked against OpenSSL's own reading, and the
// algorithm policy of Thông tư 15/2025/TT-BKHCN on keys and signatures that OpenSSL makes.

let dir: string;
let pki: TestPki;

/** A self-signed certificate made by OpenSSL (`req -x509`), parsed; extra args go to `openssl req`. */
async function made(name: string, subj: string, args: string[]): Promise<{ cert: Certificate; pem: string }> {
  const pem = join(dir, `${name}.pem`);
  const r = openssl([
    'req',
    '-x509',
    '-nodes',
    '-days',
    '30',
    '-utf8',
    '-subj',
    subj,
    '-keyout',
    join(dir, `${name}.key`),
    '-out',
    pem,
    ...args,
  ]);
  expect(r.code, r.out).toBe(0);
  return { cert: must(await parseCertificate(readFileSync(pem, 'utf8'))), pem };
}

beforeAll(async () => {
  dir = tempDir();
  pki = await createTestPki({ keyType: 'ecdsa-p256' });
});

describe('parsing a certificate', () => {
  it('reads every field as OpenSSL does, from PEM and from DER alike', async () => {
    const { cert, pem } = await made(
      'staff',
      '/C=VN/ST=Hà Nội/L=Quận Cầu Giấy/O=Trường THCS Thử/OU=Tổ Toán/CN=Nguyễn Văn An/UID=MST:0101234567/UID=CCCD:001089020747/emailAddress=an@example.vn',
      [
        '-newkey',
        'rsa:2048',
        '-addext',
        'keyUsage=critical,digitalSignature,nonRepudiation',
        '-addext',
        'extendedKeyUsage=clientAuth,emailProtection',
      ],
    );
    const subject = openssl([
      'x509',
      '-in',
      pem,
      '-noout',
      '-subject',
      '-nameopt',
      'RFC2253',
      '-nameopt',
      '-esc_msb',
    ]).out.trim();
    expect(`subject=${cert.subject.text.replace(/(^|,)E=/, '$1emailAddress=')}`).toBe(subject);
    const fp = /Fingerprint=([0-9A-F:]+)/.exec(
      openssl(['x509', '-in', pem, '-noout', '-fingerprint', '-sha256']).out,
    )![1]!;
    expect(cert.fingerprint).toBe(fp.replace(/:/g, '').toLowerCase());
    const serial = /serial=([0-9A-F]+)/.exec(openssl(['x509', '-in', pem, '-noout', '-serial']).out)![1]!;
    // OpenSSL drops a leading zero digit; hoso keeps whole bytes (`03ee…`)
    expect(cert.serialNumber.replace(/^0/, '')).toBe(serial.toLowerCase().replace(/^0+/, ''));
    expect(cert.serialNumber.length % 2).toBe(0);
    expect(cert.subject).toMatchObject({
      commonName: 'Nguyễn Văn An',
      organization: 'Trường THCS Thử',
      organizationalUnit: 'Tổ Toán',
      locality: 'Quận Cầu Giấy',
      state: 'Hà Nội',
      country: 'VN',
      email: 'an@example.vn',
    });
    expect(nameValues(cert.subject, 'UID')).toEqual(['MST:0101234567', 'CCCD:001089020747']);
    expect(personalIdNumber(cert.subject)).toEqual({
      scheme: 'CCCD',
      value: '001089020747',
      attribute: 'UID',
      raw: 'CCCD:001089020747',
    });
    expect(taxCode(cert.subject)?.value).toBe('0101234567');
    expect(cert.selfIssued).toBe(true);
    expect([...cert.keyUsage!].sort()).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(cert.extendedKeyUsage).toEqual(['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.4']);
    expect(cert.publicKey).toMatchObject({ type: 'RSA', bits: 2048 });
    expect(cert.version).toBe(3);
    expect(cert.notAfter.getTime() - cert.notBefore.getTime()).toBe(30 * 86_400_000);
    const der = openssl(['x509', '-in', pem, '-outform', 'DER', '-out', join(dir, 'staff.der')]);
    expect(der.code).toBe(0);
    const fromDer = must(await parseCertificate(new Uint8Array(readFileSync(join(dir, 'staff.der')))));
    expect(fromDer.fingerprint).toBe(cert.fingerprint);
    expect(fromDer.subject.text).toBe(cert.subject.text);
  });

  it('reads a bundle of PEM certificates in order', async () => {
    const text = [pki.root, pki.intermediate]
      .map((c) => `# ${c.certificate.subject.commonName}\n${toPem(c.certificate.der)}`)
      .join('\n');
    const certs = must(await parseCertificates(text));
    expect(certs.map((c) => c.subject.commonName)).toEqual(['CA thử nghiệm hoso (gốc)', 'CA thử nghiệm hoso cấp 2']);
    expect(certs[1]!.basicConstraints).toEqual({ ca: true, pathLength: 0 });
  });

  it('malformed input gets a typed error naming the field', async () => {
    const der = pki.root.certificate.der;
    const cut = await parseCertificate(der.subarray(0, der.length - 10), ['trust', 0]);
    expect(isLeft(cut) && cut.left).toMatchObject({
      code: 'malformed-certificate',
      path: ['trust', 0],
      rule: 'RFC 5280 §4.1',
    });
    const trailing = await parseCertificate(new Uint8Array([...der, 0]));
    expect(isLeft(trailing) && trailing.left.code).toBe('malformed-certificate');
    const pem = await parseCertificate('-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n');
    expect(isLeft(pem) && pem.left).toMatchObject({ code: 'malformed-pem', rule: 'RFC 7468 §2' });
    const mismatched = await parseCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n');
    expect(isLeft(mismatched) && mismatched.left.code).toBe('malformed-pem');
    const none = await parseCertificate('no PEM here');
    expect(isLeft(none) && none.left).toMatchObject({ code: 'malformed-pem', rule: 'RFC 7468 §5.1' });
    expect(isLeft(none) && none.left.message_vi).toContain('Không có khối CERTIFICATE');
  });
});

describe('identity numbers in the subject', () => {
  const read = (attrs: { type: string; value: string }[]) => must(decodeName(encodeName(attrs), [])).identities;

  it('UID with a prefix (VNPT-CA, Viettel-CA, FPT-CA): CCCD, CMND, HC, MST, one UID each', () => {
    expect(
      read([
        { type: 'UID', value: 'MST:0100686209-199' },
        { type: 'UID', value: 'CCCD:025199009534' },
        { type: 'CN', value: 'x' },
      ]),
    ).toEqual([
      { scheme: 'MST', value: '0100686209-199', attribute: 'UID', raw: 'MST:0100686209-199' },
      { scheme: 'CCCD', value: '025199009534', attribute: 'UID', raw: 'CCCD:025199009534' },
    ]);
    expect(read([{ type: 'UID', value: 'CMND:0123456789' }])[0]).toMatchObject({ scheme: 'CMND', value: '0123456789' });
    expect(read([{ type: 'UID', value: 'HC: B1234567' }])[0]).toMatchObject({ scheme: 'HC', value: 'B1234567' });
  });

  it('a bare number in UID, the same prefixes in serialNumber, ETSI semantics identifiers, organizationIdentifier', () => {
    expect(read([{ type: 'UID', value: '001089020747' }])[0]).toMatchObject({ scheme: 'CCCD', value: '001089020747' });
    expect(read([{ type: 'UID', value: '123456789' }])[0]).toMatchObject({ scheme: 'CMND' });
    expect(read([{ type: 'UID', value: '0101234567-001' }])[0]).toMatchObject({ scheme: 'MST' });
    expect(read([{ type: 'serialNumber', value: 'CMND:012345678' }])[0]).toMatchObject({
      scheme: 'CMND',
      attribute: 'serialNumber',
    });
    expect(read([{ type: 'serialNumber', value: 'IDCVN-079200012345' }])[0]).toMatchObject({
      scheme: 'CCCD',
      value: '079200012345',
    });
    expect(read([{ type: 'serialNumber', value: 'PASVN-B1234567' }])[0]).toMatchObject({ scheme: 'HC' });
    expect(read([{ type: 'organizationIdentifier', value: 'MST:0108899888' }])[0]).toMatchObject({
      scheme: 'MST',
      attribute: 'organizationIdentifier',
    });
    expect(read([{ type: 'organizationIdentifier', value: 'VATVN-0108899888' }])[0]).toMatchObject({
      scheme: 'MST',
      value: '0108899888',
    });
  });

  it('a public-duty certificate with no number: the unit in O and OU', () => {
    const n = must(
      decodeName(
        encodeName([
          { type: 'C', value: 'VN' },
          { type: 'L', value: 'Quảng Ngãi' },
          { type: 'O', value: 'ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI' },
          { type: 'OU', value: 'ỦY BAN NHÂN DÂN XÃ ĐĂK HÀ' },
          { type: 'OU', value: 'TRƯỜNG TRUNG HỌC CƠ SỞ CHU VĂN AN' },
          { type: 'CN', value: 'Hà Văn Tý' },
        ]),
        [],
      ),
    );
    expect(n.identities).toEqual([]);
    expect(personalIdNumber(n)).toBeUndefined();
    expect(nameValues(n, 'OU')).toEqual(['ỦY BAN NHÂN DÂN XÃ ĐĂK HÀ', 'TRƯỜNG TRUNG HỌC CƠ SỞ CHU VĂN AN']);
    expect(n.text).toBe(
      'CN=Hà Văn Tý,OU=TRƯỜNG TRUNG HỌC CƠ SỞ CHU VĂN AN,OU=ỦY BAN NHÂN DÂN XÃ ĐĂK HÀ,O=ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI,L=Quảng Ngãi,C=VN',
    );
  });
});

describe('the algorithm policy (Thông tư 15/2025/TT-BKHCN)', () => {
  it('refuses RSA keys under 2048 bits', async () => {
    const { cert } = await made('rsa1024', '/CN=weak', ['-newkey', 'rsa:1024']);
    expect(checkKeyPolicy(cert.publicKey, ['key'])).toMatchObject({
      code: 'key-too-small',
      path: ['key'],
      details: { bits: 1024 },
    });
  });

  it('refuses SHA-1 signatures, Ed25519 keys and curves other than P-256/384/521', async () => {
    const sha1 = await made('sha1', '/CN=sha1', ['-newkey', 'rsa:2048', '-sha1']);
    const s = certificateSignatureScheme(sha1.cert);
    expect(isLeft(s) && s.left).toMatchObject({ code: 'algorithm-refused', path: ['signatureAlgorithm'] });
    const ed = await made('ed25519', '/CN=ed', ['-newkey', 'ed25519']);
    expect(checkKeyPolicy(ed.cert.publicKey, [])?.code).toBe('algorithm-refused');
    const k1 = await made('k1', '/CN=k1', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1']);
    expect(checkKeyPolicy(k1.cert.publicKey, [])).toMatchObject({
      code: 'algorithm-refused',
      details: { curve: '1.3.132.0.10' },
    });
  });

  it('accepts RSA-PSS keys and signatures, ECDSA P-256 and P-384, and reads their sizes', async () => {
    const pss = await made('pss', '/CN=pss', [
      '-newkey',
      'rsa-pss',
      '-pkeyopt',
      'rsa_keygen_bits:2048',
      '-sigopt',
      'rsa_pss_saltlen:32',
      '-sha256',
    ]);
    expect(pss.cert.publicKey).toMatchObject({ type: 'RSA', bits: 2048, pssOnly: true });
    expect(certificateSignatureScheme(pss.cert)).toMatchObject({
      right: { name: 'RSASSA-PSS', hash: 'SHA-256', saltLength: 32 },
    });
    const p384 = await made('p384', '/CN=p384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-sha384']);
    expect(p384.cert.publicKey).toMatchObject({ type: 'EC', curve: 'P-384', bits: 384 });
    expect(checkKeyPolicy(p384.cert.publicKey, [])).toBeUndefined();
    expect(certificateSignatureScheme(p384.cert)).toMatchObject({ right: { name: 'ECDSA', hash: 'SHA-384' } });
  });
});

function toPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
}
