/**
 * The embed-web example's HTTP service (node:http, no framework): one SQLite ledger file, the demo
 * school, and four JSON endpoints for a subject teacher's page. The server prepares unsigned
 * events from its ledger state; the teacher's browser signs them; `ledger.submit` checks the
 * signature, the key, the role, the window and every rule before anything is written.
 *
 *   GET  /api/session                   who the teacher is, their classes and subjects, the demo seed
 *   GET  /api/prepare?year&class&subject&student&term&column[&index]&value
 *                                       → { unsigned } — the envelope to sign (id, stream, rev,
 *                                         prev, at filled in), or { error } (the ledger's refusal)
 *   POST /api/submit   body: the signed envelope's canonical bytes → { appended } or { error }
 *   GET  /api/markbook?year&class&subject  current value and history of every cell
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isLeft } from 'fp-ts/lib/Either.js';
import { decodeEnvelope, newEventId } from '@hoso/core';
import {
  activeKeysOf,
  decide,
  decodeCommand,
  eventIdFor,
  grantsOf,
  markbookStream,
  openLedger,
  regularCount,
} from '@hoso/ledger';
import { openSqliteStore } from '@hoso/store-sqlite';
import { DEMO_PEOPLE, setUpDemoSchool } from './school.mjs';

/**
 * @typedef {import('node:http').IncomingMessage} Request
 * @typedef {import('node:http').ServerResponse} Response
 * @typedef {import('@hoso/ledger').LedgerState} LedgerState
 * @typedef {{ code: string, message: string, path?: readonly (string | number)[], rule?: string,
 *   details?: unknown }} Refusal
 * @typedef {{ position: number, id: string, at: string, by: string, person: string | null, kind: string,
 *   value: string, old?: string, reason?: string }} HistoryEntry
 */

const require = createRequire(import.meta.url);
const PUBLIC = fileURLToPath(new URL('./public/', import.meta.url));

/** Static files the page needs; tweetnacl is served straight from node_modules (no bundler). */
const STATIC = new Map([
  ['/', { file: `${PUBLIC}index.html`, type: 'text/html; charset=utf-8' }],
  ['/app.js', { file: `${PUBLIC}app.js`, type: 'text/javascript; charset=utf-8' }],
  ['/canonical.js', { file: `${PUBLIC}canonical.js`, type: 'text/javascript; charset=utf-8' }],
  ['/style.css', { file: `${PUBLIC}style.css`, type: 'text/css; charset=utf-8' }],
  [
    '/vendor/nacl-fast.min.js',
    { file: require.resolve('tweetnacl/nacl-fast.min.js'), type: 'text/javascript; charset=utf-8' },
  ],
]);

/** Largest request body accepted: an envelope is at most 64 KiB canonical (docs/design.md §3). */
const MAX_BODY = 70 * 1024;

const SECURITY_HEADERS = {
  // The page holds a private key: no third-party script, no inline script, no framing.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * @param {Response} res
 * @param {number} status
 * @param {string} type
 * @param {string | Uint8Array} body
 */
function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS });
  res.end(body);
}

/**
 * @param {Response} res
 * @param {number} status
 * @param {unknown} value
 */
function sendJson(res, status, value) {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

/**
 * A refusal in the shape the page shows: the ledger's HosoError fields, nothing else.
 * @param {Refusal} e
 */
function errorBody(e) {
  return {
    error: {
      code: e.code,
      message: e.message,
      ...(e.path === undefined ? {} : { path: e.path }),
      ...(e.rule === undefined ? {} : { rule: e.rule }),
      ...(e.details === undefined ? {} : { details: e.details }),
    },
  };
}

/**
 * @param {Response} res
 * @param {string} code
 * @param {string} message
 * @param {readonly string[]} path
 */
function badRequest(res, code, message, path) {
  sendJson(res, 400, errorBody({ code, message, path }));
}

/**
 * The request body, or null when it is larger than MAX_BODY.
 * @param {Request} req
 */
async function readBody(req) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const c of /** @type {AsyncIterable<Buffer>} */ (req)) {
    size += c.length;
    if (size > MAX_BODY) return null;
    chunks.push(c);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * The teacher's current (unrevoked) key, from the folded ledger state.
 * @param {LedgerState} state
 * @param {string} person
 */
function activeKey(state, person) {
  return activeKeysOf(state, person).at(-1);
}

/**
 * @param {LedgerState} state
 * @param {string} key
 */
function personOfKey(state, key) {
  const id = state.keys.get(key)?.person;
  return id === undefined ? null : { id, name: state.persons.get(id)?.name ?? id };
}

/**
 * The columns of a scored subject for a term: tx1…txN (TT22 Điều 6.2), gk, ck.
 * @param {LedgerState} state
 * @param {string} year
 * @param {string} cls
 * @param {string} subject
 */
function scoreColumns(state, year, cls, subject) {
  const grade = state.classes.get(`${year}/${cls}`);
  const offering = grade === undefined ? undefined : state.offerings.get(`${year}/${grade}/${subject}`);
  if (offering === undefined || offering.assessment !== 'scored') return null;
  const n = regularCount('scored', offering.periodsPerYear);
  return [...Array.from({ length: n }, (_, i) => `tx${i + 1}`), 'gk', 'ck'];
}

/**
 * @param {LedgerState} state
 * @param {string} year
 * @param {string} cls
 */
function studentsOf(state, year, cls) {
  /** @type {{ id: string, name: string }[]} */
  const out = [];
  for (const [k, c] of state.enrolment.entries()) {
    if (c !== cls || !k.startsWith(`${year}/`)) continue;
    const id = k.slice(year.length + 1);
    out.push({ id, name: state.students.get(id)?.name ?? id });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Every cell of a markbook stream with its history, read from the store (the stored, signed
 * events, not the rule state): entries and corrections in ledger order, each with who signed it.
 * @param {import('@hoso/store').EventStore} store
 * @param {string} ledgerId
 * @param {LedgerState} state
 * @param {string} year
 * @param {string} cls
 * @param {string} subject
 */
async function markbook(store, ledgerId, state, year, cls, subject) {
  /** @type {Record<string, { value: string, history: HistoryEntry[] }>} */
  const cells = {};
  /** @type {Map<string, string>} */
  const cellOfEvent = new Map();
  for await (const e of store.readStream(ledgerId, markbookStream(year, cls, subject))) {
    const env = decodeEnvelope(e.bytes);
    if (isLeft(env)) continue;
    const { type, at, by, id } = env.right;
    // The fields of ScoreEntered and CorrectionMade read here (docs/events.md).
    const data =
      /** @type {{ student: string, term: string, column: string, index?: number, value: string, target: string,
       *   old: string, new: string, reason: string }} */ (env.right.data);
    const who = personOfKey(state, by.key);
    const base = { position: e.position, id, at, by: by.key, person: who?.name ?? null };
    if (type === 'ScoreEntered') {
      const key = `${data.student}/${data.term}/${data.column}${data.index ?? ''}`;
      cellOfEvent.set(id, key);
      const cell = (cells[key] ??= { value: data.value, history: [] });
      cell.value = data.value;
      cell.history.push({ ...base, kind: 'entry', value: data.value });
    } else if (type === 'CorrectionMade') {
      const key = cellOfEvent.get(data.target);
      const cell = key === undefined ? undefined : cells[key];
      if (key === undefined || cell === undefined) continue;
      cellOfEvent.set(id, key);
      cell.value = data.new;
      cell.history.push({ ...base, kind: 'correction', old: data.old, value: data.new, reason: data.reason });
    }
  }
  return cells;
}

/**
 * Start the service. Options: `db` (SQLite file; created and set up with the demo school when new
 * or empty), `ledger` (id, default `thpt-hoa-binh-demo`), `port` (0 = random), `host` (default
 * 127.0.0.1), `clock` (default the wall clock: the ledger's append clock and the `at` it prepares).
 * Resolves to `{ url, port, ledger, store, close() }`.
 * @param {{ db: string, ledger?: string, port?: number, host?: string, clock?: () => Date }} options
 */
export async function startServer(options) {
  const ledgerId = options.ledger ?? 'thpt-hoa-binh-demo';
  const clock = options.clock ?? (() => new Date());
  const host = options.host ?? '127.0.0.1';
  const store = openSqliteStore({ path: options.db, ledger: ledgerId });
  const ledger = await openLedger({ store, ledger: ledgerId, clock });
  if ((await store.size(ledgerId)) === 0) await setUpDemoSchool(ledger, clock());
  const teacher = DEMO_PEOPLE.teacher;

  function session() {
    const state = ledger.state();
    const grants = grantsOf(state, teacher.id).filter((g) => g.role === 'subject');
    /** @type {object[]} */
    const classes = [];
    for (const g of grants) {
      if (g.year === undefined || g.class === undefined || g.subject === undefined) continue;
      const columns = scoreColumns(state, g.year, g.class, g.subject);
      if (columns === null) continue;
      classes.push({
        year: g.year,
        class: g.class,
        subject: g.subject,
        subjectName: state.subjects.get(g.subject) ?? g.subject,
        columns,
        students: studentsOf(state, g.year, g.class),
      });
    }
    return {
      ledger: ledgerId,
      teacher: {
        person: teacher.id,
        name: state.persons.get(teacher.id)?.name ?? teacher.id,
        key: activeKey(state, teacher.id) ?? null,
        role: 'subject',
      },
      // Demo only: the page pre-fills the teacher's seed. Real software never sends a private key.
      demoSeedHex: Buffer.from(teacher.seed).toString('hex'),
      classes,
    };
  }

  /** @param {URLSearchParams} q */
  async function prepare(q) {
    /** @type {Record<string, string | number>} */
    const d = {};
    for (const f of ['year', 'class', 'subject', 'student', 'term', 'column', 'value']) {
      const v = q.get(f);
      if (v !== null) d[f] = v;
    }
    const index = q.get('index');
    if (index !== null && index !== '') {
      if (!/^[0-9]{1,2}$/.test(index))
        return {
          status: 400,
          body: errorBody({ code: 'invalid-data', message: 'index: a whole number 1–4', path: ['data', 'index'] }),
        };
      d.index = Number(index);
    }
    const commandId = newEventId();
    const command = decodeCommand({ type: 'EnterScore', id: commandId, data: d });
    if (isLeft(command)) return { status: 422, body: errorBody(command.left) };
    await ledger.refresh();
    const state = ledger.state();
    const key = activeKey(state, teacher.id);
    if (key === undefined)
      return {
        status: 409,
        body: errorBody({ code: 'unknown-key', message: `${teacher.id} has no active key`, path: ['by', 'key'] }),
      };
    // The same pure decision `execute` makes, minus the signing: it fills in stream, rev, prev and
    // at, and refuses early what the ledger would refuse anyway (window, role, value, cell taken).
    const decided = decide(state, command.right, {
      ledger: ledgerId,
      now: clock(),
      actors: [{ key, role: 'subject' }],
      eventId: (i) => eventIdFor(commandId, i),
    });
    if (isLeft(decided)) return { status: 422, body: errorBody(decided.left) };
    return { status: 200, body: { unsigned: decided.right[0] } };
  }

  /**
   * @param {Request} req
   * @param {Response} res
   */
  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const s = req.method === 'GET' ? STATIC.get(path) : undefined;
    if (s !== undefined) {
      return send(res, 200, s.type, await readFile(s.file));
    }
    if (req.method === 'GET' && path === '/api/session') {
      await ledger.refresh();
      return sendJson(res, 200, session());
    }
    if (req.method === 'GET' && path === '/api/prepare') {
      const r = await prepare(url.searchParams);
      return sendJson(res, r.status, r.body);
    }
    if (req.method === 'POST' && path === '/api/submit') {
      const body = await readBody(req);
      if (body === null)
        return sendJson(
          res,
          413,
          errorBody({
            code: 'invalid-envelope',
            message: `an event is at most 64 KiB`,
            path: ['events', 0],
            rule: 'docs/design.md §3',
          }),
        );
      // The body is the envelope's canonical bytes, exactly as signed: passed on unchanged.
      const r = await ledger.submit([body]);
      if (isLeft(r)) return sendJson(res, 422, errorBody(r.left));
      return sendJson(res, 200, { appended: r.right });
    }
    if (req.method === 'GET' && path === '/api/markbook') {
      const year = url.searchParams.get('year') ?? '';
      const cls = url.searchParams.get('class') ?? '';
      const subject = url.searchParams.get('subject') ?? '';
      await ledger.refresh();
      const state = ledger.state();
      const columns = scoreColumns(state, year, cls, subject);
      if (columns === null)
        return badRequest(res, 'subject-not-offered', `no scored subject "${subject}" in class "${cls}" of ${year}`, [
          'subject',
        ]);
      const students = studentsOf(state, year, cls);
      return sendJson(res, 200, {
        year,
        class: cls,
        subject,
        columns,
        students,
        cells: await markbook(store, ledgerId, state, year, cls, subject),
      });
    }
    return sendJson(res, 404, errorBody({ code: 'not-found', message: `${req.method} ${path}: no such endpoint` }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent)
        sendJson(res, 500, errorBody({ code: 'server-error', message: e instanceof Error ? e.message : String(e) }));
      else res.destroy();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://${host}:${port}/`,
    port,
    ledger,
    store,
    async close() {
      await new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      });
      await store.close();
    },
  };
}
