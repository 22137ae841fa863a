import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { signCades, toBase64 } from '@hoso/pki';
import type * as Pki from '@hoso/pki';
import { createTestPki, createTestTsa, listen, type Served, type TestIdentity, type TestPki } from '@hoso/pki/testing';
import { must, openssl, tempDir, writeBytes, writeCerts } from './support.js';

// The main entry in a browser page: bundled for the browser (a Node module anywhere in its import
// graph fails the build), loaded in headless Chromium on 127.0.0.1, where it verifies a B-T
// signature made in Node — chain, CRLs, timestamp — and signs with a WebCrypto key a signature
// that OpenSSL accepts.

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const content = new TextEncoder().encode('Học bạ số — xác nhận của giáo viên chủ nhiệm');

let dir: string;
let served: Served;
let browser: Browser;
let page: Page;
let pki: TestPki;
let teacher: TestIdentity;

beforeAll(async () => {
  dir = tempDir();
  await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      lib: { entry, formats: ['iife'], name: 'hosoPki', fileName: () => 'pki.js' },
      outDir: dir,
      emptyOutDir: false,
      minify: false,
    },
  });
  const bundle = readFileSync(join(dir, 'pki.js'), 'utf8');
  const server = createServer((req, res) => {
    if (req.url === '/pki.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(bundle);
    else
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<!doctype html><script src="/pki.js"></script>');
  });
  served = await listen(server);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  page = await browser.newPage();
  await page.goto(served.url);
  pki = await createTestPki({ keyType: 'rsa-pss' });
  teacher = await pki.issuePerson({ name: 'Cao Thị Thu', cccd: '001186000246' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

const b64 = (b: Uint8Array) => toBase64(b);

describe('@hoso/pki in a browser page', () => {
  it('the bundle has no Node module in it', () => {
    const bundle = readFileSync(join(dir, 'pki.js'), 'utf8');
    expect(bundle).not.toMatch(/\brequire\(["']|from ["']node:|pkcs11js/);
  });

  it('verifies a B-T signature made in Node, and sees tampering', async () => {
    const tsa = createTestTsa({ signer: pki.signer(pki.tsa) });
    const sig = must(await signCades({ signer: pki.signer(teacher), content, tsa }));
    const input = {
      p7s: b64(sig.der),
      content: b64(content),
      root: b64(pki.root.certificate.der),
      crls: [b64(await pki.crl()), b64(await pki.crl(pki.now, pki.root))],
    };
    const out = await page.evaluate(async (i) => {
      const P = (globalThis as unknown as { hosoPki: typeof Pki }).hosoPki;
      const bytes = (s: string) => P.fromBase64(s)!;
      const root = await P.parseCertificate(bytes(i.root));
      if (root._tag === 'Left') return { error: root.left.code };
      const crls = [];
      for (const c of i.crls) {
        const r = await P.parseCrl(bytes(c));
        if (r._tag === 'Left') return { error: r.left.code };
        crls.push(r.right);
      }
      const o = { trustAnchors: [root.right], evidence: { crls } };
      const good = await P.verifyCades(bytes(i.p7s), { ...o, content: bytes(i.content) });
      const changed = bytes(i.content);
      changed[0]! ^= 1;
      const bad = await P.verifyCades(bytes(i.p7s), { ...o, content: changed });
      return {
        ok: good.ok,
        problems: good.problems.map((p) => p.code),
        level: good.level,
        signer: good.signer?.subject.commonName,
        cccd: good.signer ? P.personalIdNumber(good.signer.subject)?.value : undefined,
        revocation: good.revocation.map((r) => r.status),
        tampered: bad.problems.map((p) => `${p.code}: ${p.message_vi}`),
        secure: (globalThis as unknown as { isSecureContext: boolean }).isSecureContext,
      };
    }, input);
    expect(out).toEqual({
      ok: true,
      problems: [],
      level: 'B-T',
      signer: 'Cao Thị Thu',
      cccd: '001186000246',
      revocation: ['good', 'good'],
      tampered: [
        'content-digest-mismatch: Nội dung không phải là nội dung đã ký: giá trị băm khác thuộc tính message-digest',
      ],
      secure: true,
    });
  });

  it('signs with a WebCrypto key in the page; OpenSSL accepts the signature', async () => {
    const der = await page.evaluate(
      async (i) => {
        const P = (globalThis as unknown as { hosoPki: typeof Pki }).hosoPki;
        const bytes = (s: string) => P.fromBase64(s)!;
        const privateKey = await crypto.subtle.importKey(
          'pkcs8',
          bytes(i.pkcs8),
          { name: 'RSA-PSS', hash: 'SHA-256' },
          false,
          ['sign'],
        );
        const signer = P.cryptoKeySigner({ privateKey, certificate: bytes(i.cert), chain: [bytes(i.inter)] });
        const sig = await P.signCades({ signer, content: bytes(i.content) });
        return sig._tag === 'Right' ? P.toBase64(sig.right.der) : `${sig.left.code}: ${sig.left.message}`;
      },
      {
        pkcs8: b64(teacher.key.pkcs8),
        cert: b64(teacher.certificate.der),
        inter: b64(pki.intermediate.certificate.der),
        content: b64(content),
      },
    );
    const p7s = writeBytes(dir, 'browser.p7s', new Uint8Array(Buffer.from(der, 'base64')));
    const r = openssl([
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      p7s,
      '-content',
      writeBytes(dir, 'content.bin', content),
      '-CAfile',
      writeCerts(dir, 'root.pem', pki.root.certificate),
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ]);
    expect(r.out).toContain('Verification successful');
  });
});
