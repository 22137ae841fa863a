/**
 * What an event claims, in school terms (*nội dung sự kiện*): the student (name and code), class,
 * subject, column, value, old → new for a correction, and who signed in which role — names taken
 * from the ledger's own registrations (`StaffRegistered`, `KeyRegistered`, `StudentRegistered`,
 * `SubjectDefined`, the genesis's leader). A finding about an event carries this claim so an
 * inspector reads "the mark of Nguyễn Văn An (hs-001), 6A, Toán, HK1 ck, 8.5, entered by …" instead
 * of an event id and a key.
 *
 * Only registrations from events that broke no rule of integrity or authenticity are believed: a
 * tampered `StaffRegistered` must not put a forger's name on the next signature.
 */
import type { Envelope } from '@hoso/core';

/** One signature of the event, with the person its key was registered to. */
export interface ClaimSigner {
  readonly role: string;
  readonly key: string;
  /** The person's id (`StaffRegistered.person`), or null when the key was never registered. */
  readonly person: string | null;
  readonly name: string | null;
}

/** What the event says it does, as an inspector reads it. */
export interface EventClaim {
  readonly type: string;
  /** The signing time the event claims (docs/design.md §8: a claim, not a fact). */
  readonly at: string;
  readonly year?: string;
  readonly class?: string;
  readonly student?: { readonly id: string; readonly name: string | null };
  readonly subject?: { readonly id: string; readonly name: string | null };
  /** Term, period, column and index of a mark, e.g. `HK1 tx 2`, `CK1`. */
  readonly column?: string;
  readonly value?: string;
  /** A correction's old and new value and its minutes' number. */
  readonly correction?: {
    readonly target: string;
    readonly old: string;
    readonly new: string;
    readonly minutes: string | null;
  };
  /** A staff member, key or role the event is about (registrations, grants). */
  readonly person?: { readonly id: string; readonly name: string | null };
  readonly signers: readonly ClaimSigner[];
  /** The claim in one English line. */
  readonly summary: string;
  /** The claim in one Vietnamese line. */
  readonly summary_vi: string;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/** Event types in Vietnamese, for the claim's sentence; others are shown by their type. */
const TYPE_VI: Readonly<Record<string, string>> = {
  SchoolFounded: 'khởi tạo sổ',
  StaffRegistered: 'đăng ký cán bộ',
  KeyRegistered: 'đăng ký khóa ký',
  KeyRevoked: 'thu hồi khóa ký',
  RoleGranted: 'phân công vai trò',
  RoleRevoked: 'thu hồi vai trò',
  StudentRegistered: 'đăng ký học sinh',
  BiographyChanged: 'sửa sơ yếu lý lịch',
  StudentEnrolled: 'xếp lớp học sinh',
  StudentTransferred: 'chuyển lớp / chuyển trường',
  ScoreEntered: 'nhập điểm',
  CommentLevelEntered: 'nhập mức đánh giá',
  SubjectLevelEntered: 'nhập mức đạt được',
  TestScoreEntered: 'nhập điểm kiểm tra',
  RetestScoreEntered: 'nhập điểm kiểm tra lại',
  AbsenceRecorded: 'ghi nghỉ học',
  ConductAssessed: 'đánh giá rèn luyện',
  QualityAssessed: 'đánh giá phẩm chất, năng lực',
  CorrectionMade: 'sửa chữa dữ liệu (có biên bản)',
  SubjectSignedOff: 'ký xác nhận điểm môn học',
  ClassConfirmed: 'giáo viên chủ nhiệm xác nhận',
  ClassApproved: 'hiệu trưởng phê duyệt',
  BookSealed: 'đóng dấu sổ',
  WindowOpened: 'mở thời hạn nhập',
  WindowClosed: 'khóa thời hạn nhập',
};

/** Roles in Vietnamese (docs/permissions.md). */
const ROLE_VI: Readonly<Record<string, string>> = {
  leader: 'lãnh đạo',
  admin: 'quản trị',
  office: 'văn thư',
  homeroom: 'giáo viên chủ nhiệm',
  subject: 'giáo viên bộ môn',
  inspector: 'kiểm tra',
  holder: 'chủ khóa',
  consent: 'đồng ý',
};

/**
 * The names a ledger gives its people, students and subjects, and whose each key is, built from
 * its own registrations as the events go by. Grows with the school (people, students, keys), not
 * with the number of events.
 */
export class Registry {
  private readonly staff = new Map<string, string>();
  private readonly students = new Map<string, string>();
  private readonly subjects = new Map<string, string>();
  private readonly keys = new Map<string, string>();

  /** Learn from an event that broke no integrity or authenticity rule. */
  observe(env: Envelope): void {
    const d = env.data as Record<string, unknown>;
    switch (env.type) {
      case 'SchoolFounded': {
        const leader = (d.leader ?? {}) as Record<string, unknown>;
        const person = str(leader.person);
        const name = str(leader.name);
        if (person !== undefined && name !== undefined) this.staff.set(person, name);
        const root = str(d.rootKey);
        if (person !== undefined && root !== undefined) this.keys.set(root, person);
        break;
      }
      case 'StaffRegistered': {
        const person = str(d.person);
        const name = str(d.name);
        if (person !== undefined && name !== undefined) this.staff.set(person, name);
        break;
      }
      case 'KeyRegistered': {
        const person = str(d.person);
        const key = str(d.key);
        if (person !== undefined && key !== undefined) this.keys.set(key, person);
        break;
      }
      case 'StudentRegistered': {
        const student = str(d.student);
        const name = str(((d.bio ?? {}) as Record<string, unknown>).name);
        if (student !== undefined && name !== undefined) this.students.set(student, name);
        break;
      }
      case 'BiographyChanged': {
        const student = str(d.student);
        const name = str(((d.changes ?? {}) as Record<string, unknown>).name);
        if (student !== undefined && name !== undefined) this.students.set(student, name);
        break;
      }
      case 'SubjectDefined': {
        const subject = str(d.subject);
        const name = str(d.name);
        if (subject !== undefined && name !== undefined) this.subjects.set(subject, name);
        break;
      }
      default:
        break;
    }
  }

  personOfKey(key: string): string | null {
    return this.keys.get(key) ?? null;
  }

  staffName(person: string): string | null {
    return this.staff.get(person) ?? null;
  }

  /** What `env` claims, with the names known so far. */
  describe(env: Envelope): EventClaim {
    const d = (typeof env.data === 'object' && env.data !== null ? env.data : {}) as Record<string, unknown>;
    // The envelope decoded strictly, so `sigs` is its array of signatures.
    const signers: ClaimSigner[] = env.sigs.map((s) => {
      const person = this.personOfKey(s.key);
      return { role: s.role, key: s.key, person, name: person === null ? null : this.staffName(person) };
    });
    const year = str(d.year);
    const cls = str(d.class);
    const studentId = str(d.student);
    const subjectId = str(d.subject);
    const column = [str(d.term), str(d.period), str(d.column), str(d.index), str(d.date), str(d.session)]
      .filter((x): x is string => x !== undefined)
      .join(' ');
    const value = str(d.value);
    const personId = str(d.person);
    const claim: {
      -readonly [K in keyof EventClaim]: EventClaim[K];
    } = { type: env.type, at: env.at, signers, summary: '', summary_vi: '' };
    if (year !== undefined) claim.year = year;
    if (cls !== undefined) claim.class = cls;
    if (studentId !== undefined) claim.student = { id: studentId, name: this.students.get(studentId) ?? null };
    if (subjectId !== undefined) claim.subject = { id: subjectId, name: this.subjects.get(subjectId) ?? null };
    if (column !== '') claim.column = column;
    if (value !== undefined) claim.value = value;
    if (personId !== undefined) claim.person = { id: personId, name: this.staffName(personId) ?? str(d.name) ?? null };
    if (env.type === 'CorrectionMade') {
      const minutes = (d.minutes ?? {}) as Record<string, unknown>;
      claim.correction = {
        target: str(d.target) ?? '?',
        old: str(d.old) ?? '?',
        new: str(d.new) ?? '?',
        minutes: str(minutes.number) ?? null,
      };
      // A correction lives in the stream of the value it corrects: markbook/<year>/<class>/<subject>.
      const [kind, y, c, s] = env.stream.split('/');
      if (kind === 'markbook' || kind === 'homeroom') {
        if (y !== undefined) claim.year ??= y;
        if (c !== undefined) claim.class ??= c;
        if (kind === 'markbook' && s !== undefined) claim.subject ??= { id: s, name: this.subjects.get(s) ?? null };
      }
    }
    const { en, vi } = sentences(claim);
    claim.summary = en;
    claim.summary_vi = vi;
    return claim;
  }
}

const named = (x: { id: string; name: string | null }): string => (x.name === null ? x.id : `${x.name} (${x.id})`);

function signerText(s: ClaimSigner, roleWord: string): string {
  const who = s.name !== null ? `${s.name} (${s.person ?? '?'})` : s.person !== null ? s.person : `key ${s.key}`;
  return `${who}, ${roleWord}`;
}

/** The claim in one line each language: what, for whom, where, which value, signed by whom. */
function sentences(c: Omit<EventClaim, 'summary' | 'summary_vi'>): { en: string; vi: string } {
  const en: string[] = [c.type];
  const vi: string[] = [TYPE_VI[c.type] ?? c.type];
  if (c.student !== undefined) {
    en.push(`student ${named(c.student)}`);
    vi.push(`học sinh ${named(c.student)}`);
  }
  if (c.person !== undefined) {
    en.push(`person ${named(c.person)}`);
    vi.push(`cán bộ ${named(c.person)}`);
  }
  if (c.class !== undefined) {
    en.push(`class ${c.class}${c.year !== undefined ? ` (${c.year})` : ''}`);
    vi.push(`lớp ${c.class}${c.year !== undefined ? ` (${c.year})` : ''}`);
  }
  if (c.subject !== undefined) {
    en.push(`subject ${named(c.subject)}`);
    vi.push(`môn ${named(c.subject)}`);
  }
  if (c.column !== undefined) {
    en.push(c.column);
    vi.push(c.column);
  }
  if (c.value !== undefined) {
    en.push(`value "${c.value}"`);
    vi.push(`giá trị "${c.value}"`);
  }
  if (c.correction !== undefined) {
    const m = c.correction.minutes === null ? '' : `, minutes ${c.correction.minutes}`;
    const mv = c.correction.minutes === null ? '' : `, biên bản số ${c.correction.minutes}`;
    en.push(`"${c.correction.old}" → "${c.correction.new}"${m}`);
    vi.push(`"${c.correction.old}" → "${c.correction.new}"${mv}`);
  }
  const by = c.signers.map((s) => signerText(s, `as ${s.role}`)).join('; ');
  const byVi = c.signers.map((s) => signerText(s, ROLE_VI[s.role] ?? s.role).replace(/^key /, 'khóa ')).join('; ');
  return {
    en: `${en.join(', ')}; signed by ${by === '' ? 'nobody' : by}`,
    vi: `${vi.join(', ')}; người ký: ${byVi === '' ? 'không có' : byVi}`,
  };
}
