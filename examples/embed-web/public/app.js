/**
 * The teacher's page. The private key stays in this page: the server prepares an unsigned event
 * from its ledger state, the page checks it is the mark the teacher typed, signs
 * "hoso/event/v1\n" ‖ canonical(unsigned) with tweetnacl and posts the signed envelope's canonical
 * bytes. The ledger on the server verifies everything again before writing.
 */
import { canonicalize } from './canonical.js';

const nacl = globalThis.nacl;
const EVENT_SIGNING_PREFIX = 'hoso/event/v1\n';
const $ = (id) => document.getElementById(id);

/** What a teacher is told for the refusals they can cause; the ledger's own message follows. */
const USER_MESSAGES = {
  'bad-signature':
    'Chữ ký không hợp lệ: khóa đã nạp không phải khóa đã đăng ký của thầy/cô, hoặc dữ liệu đã bị thay đổi sau khi ký.',
  'unknown-key': 'Khóa này chưa được nhà trường đăng ký.',
  'key-revoked': 'Khóa này đã bị thu hồi; liên hệ quản trị để đăng ký khóa mới.',
  'invalid-data': 'Dữ liệu nhập không hợp lệ.',
  'cell-already-entered': 'Ô này đã có điểm. Muốn sửa phải làm thủ tục điều chỉnh có biên bản (QC Điều 12.3).',
  'cell-signed-off': 'Môn học đã được ký xác nhận; chỉ sửa được bằng thủ tục điều chỉnh.',
  'outside-window': 'Ngoài thời gian nhập điểm nhà trường đã mở.',
  'role-not-held': 'Thầy/cô không được phân công dạy lớp – môn này.',
  'not-permitted': 'Vai trò này không được thực hiện thao tác này.',
  'student-not-in-class': 'Học sinh không thuộc lớp này.',
  'regular-index-out-of-range': 'Môn này không có cột đánh giá thường xuyên đó.',
  'stream-conflict': 'Sổ điểm vừa được cập nhật từ nơi khác; hãy gửi lại.',
  'wrong-ledger': 'Sự kiện thuộc về sổ của trường khác.',
};

const page = { session: null, keyPair: null };

function toBase64Url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromHex(hex) {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return null;
  return Uint8Array.from(hex.match(/../g), (h) => parseInt(h, 16));
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function show(el, cls, text) {
  el.className = cls;
  el.textContent = text;
}

/** One line for a refusal: plain words first, then the ledger's code, message, field and rule. */
function describeRefusal(e) {
  const plain = USER_MESSAGES[e.code] ?? 'Bị từ chối.';
  const where = e.path?.length ? ` — field ${e.path.join('.')}` : '';
  const rule = e.rule ? ` (${e.rule})` : '';
  return `Bị từ chối / Refused: ${plain} [${e.code}] ${e.message}${where}${rule}. Không có gì được ghi / nothing was written.`;
}

function current() {
  const c = page.session.classes[Number($('klass').value)];
  return c;
}

function fillSelect(sel, options) {
  sel.replaceChildren(...options.map(([value, label]) => new Option(label, value)));
}

function loadKey() {
  const seed = fromHex($('seed').value.trim());
  if (seed === null) {
    page.keyPair = null;
    return show($('key-status'), 'refused', 'Seed phải gồm đúng 64 chữ số hex (32 byte).');
  }
  page.keyPair = nacl.sign.keyPair.fromSeed(seed);
  const key = toBase64Url(page.keyPair.publicKey);
  if (key === page.session.teacher.key)
    show($('key-status'), 'ok', `Đã nạp khóa ${key} — khớp khóa đã đăng ký của ${page.session.teacher.name}.`);
  // The server decides; the page only warns, so a wrong key is refused by the ledger itself.
  else
    show(
      $('key-status'),
      'warn',
      `Đã nạp khóa ${key} — KHÔNG khớp khóa đã đăng ký (${page.session.teacher.key}); sổ sẽ từ chối chữ ký.`,
    );
}

/**
 * The page re-reads what the server prepared before signing it: it must be exactly the mark the
 * teacher typed, for this school, authored by the teacher's registered key. Returns the first
 * field that differs, or null.
 */
function preparedMismatch(unsigned, want) {
  if (unsigned.type !== 'ScoreEntered') return 'type';
  if (unsigned.ledger !== page.session.ledger) return 'ledger';
  if (unsigned.by?.key !== page.session.teacher.key || unsigned.by?.role !== 'subject') return 'by';
  const d = unsigned.data ?? {};
  for (const k of new Set([...Object.keys(d), ...Object.keys(want)])) if (d[k] !== want[k]) return `data.${k}`;
  return null;
}

/**
 * One round: prepare, check, sign, submit. Resolves to the server's answer, or null when the page
 * itself refused (shown already).
 */
async function prepareSignSubmit(q, want, out) {
  show(out, '', 'Đang chuẩn bị…');
  $('signed').textContent = '';
  const prepared = await (await fetch(`/api/prepare?${q}`)).json();
  if (prepared.error) return prepared;
  const unsigned = prepared.unsigned;
  const wrong = preparedMismatch(unsigned, want);
  if (wrong !== null) {
    show(
      out,
      'refused',
      `Không ký / not signed: the server prepared another event than the one typed (${wrong} differs).`,
    );
    return null;
  }
  const message = concat(
    new TextEncoder().encode(EVENT_SIGNING_PREFIX),
    new TextEncoder().encode(canonicalize(unsigned)),
  );
  const sig = nacl.sign.detached(message, page.keyPair.secretKey);
  const signed = { ...unsigned, sigs: [{ key: unsigned.by.key, role: unsigned.by.role, sig: toBase64Url(sig) }] };
  const body = canonicalize(signed);
  $('signed').textContent = body;
  const r = await fetch('/api/submit', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return r.json();
}

async function submit(ev) {
  ev.preventDefault();
  const out = $('result');
  if (page.keyPair === null) return show(out, 'refused', 'Hãy nạp khóa trước / load your key first.');
  const c = current();
  const col = $('column').value;
  const m = /^tx([0-9])$/.exec(col);
  const want = {
    year: c.year,
    class: c.class,
    subject: c.subject,
    student: $('student').value,
    term: $('term').value,
    column: m ? 'tx' : col,
    value: $('value').value.trim(),
  };
  if (m) want.index = Number(m[1]);
  const q = new URLSearchParams({ ...want, index: m ? m[1] : '' });
  // The signature fixes the stream revision: when another event lands in this markbook between
  // prepare and submit, the ledger answers stream-conflict and the same typed mark is prepared
  // and signed again (a few times at most).
  for (let attempt = 1; ; attempt++) {
    const answer = await prepareSignSubmit(q, want, out);
    if (answer === null) break;
    if (answer.error?.code === 'stream-conflict' && attempt < 3) continue;
    if (answer.error) show(out, 'refused', describeRefusal(answer.error));
    else
      show(
        out,
        'ok',
        `Đã ghi / recorded: ${want.student} ${want.term} ${col} = ${want.value} at position ${answer.appended.events[0].position}${answer.appended.duplicate ? ' (already recorded)' : ''}${attempt > 1 ? ` (signed ${attempt} times: the markbook moved meanwhile)` : ''}.`,
      );
    break;
  }
  await renderMarkbook();
}

function time(at) {
  return at.slice(0, 16).replace('T', ' ');
}

async function renderMarkbook() {
  const c = current();
  const term = $('term').value;
  const q = new URLSearchParams({ year: c.year, class: c.class, subject: c.subject });
  const mb = await (await fetch(`/api/markbook?${q}`)).json();
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const h of ['Học sinh', ...mb.columns]) head.appendChild(document.createElement('th')).textContent = h;
  const body = table.createTBody();
  for (const s of mb.students) {
    const row = body.insertRow();
    row.insertCell().textContent = `${s.name} (${s.id})`;
    for (const col of mb.columns) {
      const td = row.insertCell();
      const key = `${s.id}/${term}/${col}`;
      td.dataset.cell = key;
      const cell = mb.cells[key];
      if (cell === undefined) continue;
      const v = td.appendChild(document.createElement('span'));
      v.className = 'value';
      v.textContent = cell.value;
      const ol = td.appendChild(document.createElement('ol'));
      for (const h of cell.history) {
        const li = ol.appendChild(document.createElement('li'));
        if (h.kind === 'correction') {
          const old = li.appendChild(document.createElement('span'));
          old.className = 'old';
          old.textContent = h.old;
          li.append(` → ${h.value} (${h.reason}) `);
        } else li.append(`${h.value} `);
        li.append(`— ${h.person ?? h.by}, ${time(h.at)}, #${h.position}`);
      }
    }
  }
  $('markbook').replaceChildren(
    Object.assign(document.createElement('p'), {
      textContent: `${c.subjectName} — lớp ${c.class}, năm học ${c.year}, ${term}`,
    }),
    table,
  );
}

async function start() {
  page.session = await (await fetch('/api/session')).json();
  const s = page.session;
  $('who').textContent = `Giáo viên: ${s.teacher.name} (${s.teacher.person}) — sổ ${s.ledger}`;
  $('seed').value = s.demoSeedHex;
  fillSelect(
    $('klass'),
    s.classes.map((c, i) => [String(i), `${c.class} – ${c.subjectName} (${c.year})`]),
  );
  const refill = () => {
    const c = current();
    fillSelect(
      $('student'),
      c.students.map((st) => [st.id, `${st.name} (${st.id})`]),
    );
    fillSelect(
      $('column'),
      c.columns.map((col) => [col, col]),
    );
    return renderMarkbook();
  };
  $('klass').addEventListener('change', refill);
  $('term').addEventListener('change', renderMarkbook);
  $('load-key').addEventListener('click', loadKey);
  $('entry').addEventListener('submit', (ev) => {
    submit(ev).catch((e) => show($('result'), 'refused', `Lỗi / error: ${e.message}`));
  });
  await refill();
  document.body.dataset.ready = 'true';
}

start().catch((e) => show($('who'), 'refused', `Không tải được / could not load: ${e.message}`));
