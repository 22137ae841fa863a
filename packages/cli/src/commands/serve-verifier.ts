/**
 * `hoso serve-verifier`: the browser verifier (hoso-verify.html, built by `npm run build:verifier`)
 * served on 127.0.0.1 for a local look. One route, the page; nothing else is served, and nothing
 * listens beyond this machine. An inspector does not need it: the file opens by itself.
 */
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { usage } from '../exit.js';
import type { Output } from '../io.js';
import { intOption } from './options.js';

/** The built page: `--file`, else the one `@hoso/verify-web` ships. */
function pageBytes(file: string | undefined): Buffer {
  let path = file;
  if (path === undefined) {
    try {
      // The page is a file of the package, not a module: found beside its manifest.
      path = join(
        dirname(createRequire(import.meta.url).resolve('@hoso/verify-web/package.json')),
        'dist/hoso-verify.html',
      );
    } catch {
      throw usage(
        'verifier-not-built',
        'hoso-verify.html is not built: run `npm run build:verifier`, or pass --file <hoso-verify.html>',
        '--file',
      );
    }
  }
  try {
    return readFileSync(path);
  } catch {
    throw usage(
      'unreadable-file',
      `cannot read ${path}${file === undefined ? ' (run `npm run build:verifier`)' : ''}`,
      '--file',
    );
  }
}

/**
 * Serve `page` at `/` (and `/hoso-verify.html`) on 127.0.0.1:`port` (0: any free port); every
 * other path is 404, every other method 405. Resolves with the listening server.
 */
function serveVerifierPage(page: Buffer, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path !== '/' && path !== '/hoso-verify.html') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': page.length,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    res.end(req.method === 'HEAD' ? undefined : page);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Register `hoso serve-verifier`. */
export function registerServeVerifier(program: Command, io: Output): void {
  program
    .command('serve-verifier')
    .description('serve the browser verifier (hoso-verify.html) on 127.0.0.1 for a local look; Ctrl-C stops it')
    .option('--port <n>', 'port on 127.0.0.1 (default 8080; 0 picks a free one)', intOption('--port', 0, 65535), 8080)
    .option('--file <html>', 'the page to serve (default: the built @hoso/verify-web page)')
    .action(async (o: { port: number; file?: string }) => {
      const page = pageBytes(o.file);
      let server: Server;
      try {
        server = await serveVerifierPage(page, o.port);
      } catch (e) {
        throw usage('port-unavailable', `cannot listen on 127.0.0.1:${o.port}: ${(e as Error).message}`, '--port');
      }
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : o.port;
      io.out(`hoso verifier: http://127.0.0.1:${port}/  (Ctrl-C stops it)\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          server.close(() => resolve());
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
