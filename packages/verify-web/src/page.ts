/**
 * The page: the inspector picks (or drops) a bundle and the trust files, the page runs verify's
 * own `verifyBundle` on the `File` — streamed, with the per-event work on Web Workers — and shows
 * the verdict and verify's HTML report, which it also offers as a download. Nothing is uploaded
 * and nothing is fetched: the page's CSP (`default-src 'none'`) forbids it, and every file is
 * read with the File API.
 */
import {
  parseDisclosure,
  renderReport,
  verdictBanner,
  verdictSentence,
  verifyBundle,
  verifyTranscript,
  type VerifyReport,
} from '@hoso/verify';
import { hasWebCryptoEd25519, pageSubtle } from './ed25519.js';
import type { Ed25519Mode } from './mode.js';
import { webWorkers } from './web-workers.js';

/** The worker script, inlined by the build (build.mjs). */
declare const __HOSO_WORKER_SOURCE__: string;

/** What the page exposes when a run ends (tests and the benchmark read it; people read the page). */
export interface PageResult {
  readonly report: VerifyReport;
  readonly ed25519: Ed25519Mode;
  readonly milliseconds: number;
}

declare global {
  interface Window {
    /** The last run's result, once `document.body.dataset.state` is `done`. */
    hosoResult?: PageResult;
    /** Why the last run could not start (`document.body.dataset.state` is `refused`). */
    hosoRefusal?: { readonly message: string; readonly path: ReadonlyArray<string | number> };
  }
}

/** The file fields of the form, each with the files picked or dropped on it. */
const FIELDS = ['bundle', 'root', 'seal', 'witness', 'certificates', 'since', 'disclosure'] as const;
type Field = (typeof FIELDS)[number];
const chosen = new Map<Field, File[]>();

const $ = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`the page lacks #${id}`);
  return e as T;
};

function show(field: Field): void {
  const files = chosen.get(field) ?? [];
  $(`${field}-names`).textContent = files.map((f) => f.name).join(', ');
}

function wire(field: Field): void {
  const input = $<HTMLInputElement>(field);
  input.addEventListener('change', () => {
    chosen.set(field, [...(input.files ?? [])]);
    show(field);
  });
  const zone = $(`${field}-zone`);
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    e.stopPropagation();
    zone.classList.remove('over');
    const files = [...(e.dataTransfer?.files ?? [])];
    chosen.set(field, input.multiple ? files : files.slice(0, 1));
    show(field);
  });
}

/** Each key file's text, trimmed as the CLI trims `--root`, `--seal` and `--witness` files. */
async function texts(field: Field): Promise<string[]> {
  return Promise.all((chosen.get(field) ?? []).map(async (f) => (await f.text()).trim()));
}

/** The field of the form an option's error path points at. */
const FIELD_OF: Readonly<Record<string, string>> = {
  trust: 'root / seal / witness',
  rootKeys: 'root',
  sealKeys: 'seal',
  witnessKeys: 'witness',
  certificates: 'certificates',
  since: 'since',
  expectedOrigin: 'origin',
  disclosure: 'disclosure',
};

let workerUrl: string | undefined;

/** Say why the run could not start, naming the form's field as the CLI names the option. */
function refuse(message: string, path: ReadonlyArray<string | number>): void {
  const field = FIELD_OF[String(path[0] ?? '')] ?? String(path.join('.'));
  $('status').textContent = `Không thể kiểm tra (${field}): ${message}`;
  window.hosoRefusal = { message, path };
  document.body.dataset['state'] = 'refused';
}

async function run(): Promise<void> {
  const status = $('status');
  const result = $('result');
  document.body.dataset['state'] = 'running';
  result.hidden = true;
  const bundle = chosen.get('bundle')?.[0];
  // The disclosure is read as it is, as the CLI reads --disclosure; its signature covers every byte.
  const disclosure = await chosen.get('disclosure')?.[0]?.text();
  const parsed = disclosure === undefined ? undefined : parseDisclosure(disclosure);
  if (parsed !== undefined && parsed._tag === 'Left') {
    refuse(`${parsed.left.message}`, ['disclosure', ...parsed.left.path]);
    return;
  }
  // A transcript is a partial bundle verified on its own, as `hoso verify --disclosure` does.
  const transcript = parsed !== undefined && parsed.right.scope === 'transcript';
  if (transcript && bundle !== undefined) {
    refuse('a transcript is verified on its own: remove the bundle / bản trích học bạ được kiểm tra riêng', [
      'disclosure',
    ]);
    return;
  }
  if (bundle === undefined && !transcript) {
    status.textContent = 'Chưa chọn tệp hồ sơ (.hoso). / Pick a .hoso bundle first.';
    document.body.dataset['state'] = 'idle';
    return;
  }
  const source = bundle ?? chosen.get('disclosure')![0]!;
  const forced = new URLSearchParams(location.hash.slice(1)).get('ed25519');
  const mode: Ed25519Mode = forced !== 'js' && (await hasWebCryptoEd25519(pageSubtle())) ? 'webcrypto' : 'js';
  workerUrl ??= URL.createObjectURL(new Blob([__HOSO_WORKER_SOURCE__], { type: 'text/javascript' }));
  // A checkpoint note is read as it is (not trimmed, as the CLI reads --since): its last line ends with a newline.
  const since = await chosen.get('since')?.[0]?.text();
  const origin = $<HTMLInputElement>('origin').value.trim();
  const certificates = await Promise.all(
    (chosen.get('certificates') ?? []).map(async (f) => new Uint8Array(await f.arrayBuffer())),
  );
  status.textContent = `Đang kiểm tra ${source.name}… / Verifying ${source.name}…`;
  const started = performance.now();
  const trust = {
    rootKeys: await texts('root'),
    sealKeys: await texts('seal'),
    witnessKeys: await texts('witness'),
    // Each file's bytes, PEM or DER, as the CLI passes a certificate file given to --trust.
    ...(certificates.length === 0 ? {} : { certificates }),
  };
  const r =
    bundle === undefined
      ? await verifyTranscript(disclosure!, { trust })
      : await verifyBundle(bundle, {
          trust,
          ...(since === undefined ? {} : { since }),
          ...(origin === '' ? {} : { expectedOrigin: origin }),
          ...(disclosure === undefined ? {} : { disclosure }),
          workers: Math.max(1, (navigator.hardwareConcurrency || 2) - 1),
          workerFactory: webWorkers(workerUrl, mode),
          // Ids stay in memory (24 bytes an event, grown as needed): a page has no disk to spill to.
          idBuffer: 1 << 24,
        });
  if (r._tag === 'Left') {
    refuse(r.left.message, r.left.path);
    return;
  }
  const report = r.right;
  const milliseconds = performance.now() - started;
  const html = renderReport(report, { source: source.name, bytes: source.size });
  const sentence = verdictSentence(report);
  $('verdict').textContent = verdictBanner(report.verdict);
  $('verdict').className = `verdict ${report.verdict}`;
  $('sentence-vi').textContent = sentence.vi;
  $('sentence-en').textContent = sentence.en;
  $('stats').textContent =
    `${report.size} sự kiện / events, ${report.stats.signatures} chữ ký / signatures, ` +
    `${(milliseconds / 1000).toFixed(1)} s, Ed25519: ${mode === 'webcrypto' ? 'WebCrypto' : 'JavaScript'}`;
  const download = $<HTMLAnchorElement>('download');
  if (download.href.startsWith('blob:')) URL.revokeObjectURL(download.href);
  download.href = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
  download.download = `${source.name.replace(/\.(hoso|json)$/, '')}-report.html`;
  $<HTMLIFrameElement>('report').srcdoc = html;
  status.textContent = '';
  result.hidden = false;
  window.hosoResult = { report, ed25519: mode, milliseconds };
  document.body.dataset['state'] = 'done';
}

function start(): void {
  for (const f of FIELDS) wire(f);
  // A bundle dropped anywhere else on the page is the bundle.
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    const f = e.dataTransfer?.files[0];
    if (f === undefined) return;
    chosen.set('bundle', [f]);
    show('bundle');
  });
  $('run').addEventListener('click', () => {
    run().catch((e: unknown) => {
      $('status').textContent = `Lỗi / Error: ${e instanceof Error ? e.message : String(e)}`;
      document.body.dataset['state'] = 'failed';
    });
  });
  document.body.dataset['state'] = 'idle';
}

start();
