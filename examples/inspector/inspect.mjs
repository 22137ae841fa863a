/**
 * The inspector's tool (*công cụ kiểm tra*): `node inspect.mjs <bundle> --trust trust.json
 * [--report out.html] [--workers n]`. Verifies the bundle with `verifyBundle` against the trust
 * file, prints the verdict and every finding in plain words (English and Vietnamese), writes the
 * self-contained HTML report, and exits like `hoso verify`: 0 verified, 1 findings, 2 unusable
 * input (bad arguments, unreadable trust file, a file that is not a bundle), 3 nothing wrong found
 * but unanchored (no root key or no seal key in the trust file).
 *
 * trust.json — received from the school and the witness by a channel other than the bundle:
 *   { "rootKeys":    ["<base64url root key of the principal>"],
 *     "sealKeys":    ["<C2SP vkey of the school's seal>"],
 *     "witnessKeys": ["<C2SP vkey (type 0x04) of a witness>"],
 *     "checkpoint":  "<a checkpoint note the inspector already holds>" }   every field optional
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { renderReport, verdictBanner, verdictSentence, verifyBundle } from '@hoso/verify';

/** Exit codes, as `hoso verify` (docs/design.md §9). */
export const EXIT = Object.freeze({ ok: 0, findings: 1, unusable: 2, unanchored: 3 });

const TRUST_FIELDS = ['rootKeys', 'sealKeys', 'witnessKeys', 'checkpoint'];

/**
 * @typedef {{ code: string, message: string, where: string }} Problem
 * @typedef {{ bundle: string, trust: string, report?: string, workers?: number }} Args
 * @typedef {import('@hoso/verify').TrustAnchors} TrustAnchors
 * @typedef {import('@hoso/verify').VerifyReport} VerifyReport
 */

/**
 * A problem with the arguments or the trust file: code, plain words, the field at fault.
 * @returns {Problem}
 */
const problem = (/** @type {string} */ code, /** @type {string} */ message, /** @type {string} */ where) => ({
  code,
  message,
  where,
});

/** What an error thrown by the file system says: its code (ENOENT, EACCES…) or its message. */
const reason = (/** @type {unknown} */ e) =>
  e instanceof Error ? (/** @type {NodeJS.ErrnoException} */ (e).code ?? e.message) : String(e);

/**
 * Parse the command line; returns `{ bundle, trust, report?, workers? }` or a problem.
 * @param {readonly string[]} argv
 * @returns {Args | Problem}
 */
export function parseArgs(argv) {
  /** @type {Partial<Args>} */
  const out = {};
  const rest = [...argv];
  while (rest.length > 0) {
    const a = rest.shift() ?? '';
    if (a === '--trust' || a === '--report' || a === '--workers') {
      const v = rest.shift();
      if (v === undefined || v.startsWith('--')) return problem('missing-value', `${a} needs a value`, a);
      if (a === '--workers') {
        if (!/^[0-9]{1,3}$/.test(v))
          return problem('invalid-option', `--workers must be a whole number, got "${v}"`, a);
        out.workers = Number(v);
      } else if (a === '--trust') out.trust = v;
      else out.report = v;
    } else if (a.startsWith('--')) return problem('unknown-option', `unknown option ${a}`, a);
    else if (out.bundle === undefined) out.bundle = a;
    else return problem('extra-argument', `unexpected argument "${a}"`, a);
  }
  if (out.bundle === undefined)
    return problem(
      'missing-argument',
      'usage: inspect.mjs <bundle> --trust trust.json [--report out.html]',
      '<bundle>',
    );
  if (out.trust === undefined)
    return problem('missing-option', 'the trust file is required: --trust trust.json', '--trust');
  return { ...out, bundle: out.bundle, trust: out.trust };
}

/**
 * Read and check the trust file: a JSON object with only the fields above, keys as arrays of
 * strings and `checkpoint` a string. Returns `{ trust, since? }` or a problem naming the field
 * (the keys' own format is checked by `verifyBundle`, which names the bad one too).
 * @param {string} path
 * @returns {{ trust: TrustAnchors, since?: string } | Problem}
 */
export function readTrust(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return problem('unreadable-file', `cannot read ${path}: ${reason(e)}`, '--trust');
  }
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return problem('invalid-trust', `${path} is not JSON: ${reason(e)}`, 'trust');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return problem('invalid-trust', `${path} must hold a JSON object`, 'trust');
  const json = /** @type {Record<string, unknown>} */ (parsed);
  for (const k of Object.keys(json)) {
    if (!TRUST_FIELDS.includes(k))
      return problem('invalid-trust', `unknown field "${k}" (expected ${TRUST_FIELDS.join(', ')})`, `trust.${k}`);
  }
  /** @type {Record<string, string[]>} */
  const trust = {};
  for (const k of ['rootKeys', 'sealKeys', 'witnessKeys']) {
    const v = json[k] ?? [];
    /** @type {unknown[]} */
    const list = Array.isArray(v) ? v : [];
    if (!Array.isArray(v) || list.some((s) => typeof s !== 'string'))
      return problem('invalid-trust', `${k} must be an array of strings`, `trust.${k}`);
    trust[k] = list.map(String);
  }
  const checkpoint = json['checkpoint'];
  if (checkpoint !== undefined && typeof checkpoint !== 'string')
    return problem('invalid-trust', 'checkpoint must be the text of a signed checkpoint note', 'trust.checkpoint');
  return { trust, ...(checkpoint === undefined ? {} : { since: checkpoint }) };
}

/** @type {Record<string, string>} */
const PASS_WORDS = { passed: 'passed / đạt', failed: 'FAILED / không đạt', skipped: 'skipped / không kiểm tra' };

/**
 * The verdict and findings in plain words, one string.
 * @param {VerifyReport} report
 */
export function describeReport(report) {
  const lines = [];
  // The report's verdict, never `ok` alone: a clean run without a root and a seal key is not a verification.
  const said = verdictSentence(report);
  const verdict = `${verdictBanner(report.verdict)}${
    report.verdict === 'verified' && report.findings.length > 0 ? ' (read the warnings below / có cảnh báo)' : ''
  } — ${said.en} / ${said.vi}`;
  lines.push(`Verdict: ${verdict}`);
  lines.push(`  ${report.size} events of ${report.origin ?? '(unknown origin)'}, Merkle root ${report.root}`);
  lines.push(`  integrity (toàn vẹn): ${PASS_WORDS[report.passes.integrity]}`);
  lines.push(`  authenticity (xác thực): ${PASS_WORDS[report.passes.authenticity]}`);
  lines.push(`  compliance with the regulation (tuân thủ quy chế): ${PASS_WORDS[report.passes.compliance]}`);
  for (const c of report.checkpoints) {
    const who = [
      c.signedBy.length > 0 ? `sealed by ${c.signedBy.join(', ')}` : 'not sealed by a trusted key',
      ...(c.cosignedBy.length > 0 ? [`cosigned by ${c.cosignedBy.join(', ')}`] : []),
    ].join('; ');
    lines.push(
      `  ${c.source === 'since' ? 'held checkpoint' : 'checkpoint'} of size ${c.size ?? '?'}: ${c.ok ? 'ok' : 'NOT ok'} (${who})`,
    );
  }
  const errors = report.findings.filter((f) => f.severity === 'error');
  const warnings = report.findings.filter((f) => f.severity !== 'error');
  lines.push(
    report.findings.length === 0
      ? 'Findings: none'
      : `Findings: ${errors.length} error(s), ${warnings.length} warning(s)`,
  );
  for (const f of [...errors, ...warnings]) {
    const where = [f.position === null ? null : `event #${f.position}`, f.stream, f.event]
      .filter((x) => x !== null && x !== undefined)
      .join(', ');
    lines.push(`  ${f.severity === 'error' ? 'ERROR' : 'warning'} ${f.code}${where ? ` (${where})` : ''} [${f.rule}]`);
    lines.push(`    ${f.message}`);
    lines.push(`    ${f.message_vi}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Run the inspector on `argv` (without `node inspect.mjs`); `io.out`/`io.err` receive text.
 * Resolves to the exit code.
 * @param {readonly string[]} argv
 * @param {{ out(text: string): void, err(text: string): void }} [io]
 * @returns {Promise<0 | 1 | 2 | 3>}
 */
export async function inspect(
  argv,
  io = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) },
) {
  const args = parseArgs(argv);
  const fail = (/** @type {Problem} */ p) => {
    io.err(`inspect: ${p.where}: ${p.message} [${p.code}]\n`);
    return EXIT.unusable;
  };
  if ('code' in args) return fail(args);
  if (!existsSync(args.bundle))
    return fail(problem('unreadable-file', `cannot read ${args.bundle}: no such file`, '<bundle>'));
  const t = readTrust(args.trust);
  if ('code' in t) return fail(t);
  const r = await verifyBundle(args.bundle, {
    trust: t.trust,
    ...(t.since === undefined ? {} : { since: t.since }),
    ...(args.workers === undefined ? {} : { workers: args.workers }),
  });
  if (r._tag === 'Left') {
    const field = (r.left.path ?? []).join('.');
    return fail(
      problem(
        r.left.code,
        `${r.left.message}${r.left.rule ? ` (${r.left.rule})` : ''}`,
        field === 'since' ? 'trust.checkpoint' : `trust${field ? `.${field.replace(/^trust\./, '')}` : ''}`,
      ),
    );
  }
  const report = r.right;
  io.out(`hoso inspector — ${args.bundle}\n`);
  io.out(describeReport(report));
  if (args.report !== undefined) {
    try {
      writeFileSync(args.report, renderReport(report, { source: args.bundle }));
    } catch (e) {
      return fail(problem('unwritable-file', `cannot write ${args.report}: ${reason(e)}`, '--report'));
    }
    io.out(`Report written to ${args.report}\n`);
  }
  return { verified: EXIT.ok, failed: EXIT.findings, unusable: EXIT.unusable, unanchored: EXIT.unanchored }[
    report.verdict
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await inspect(process.argv.slice(2));
}
