/**
 * The demo school: who works there, which classes and subjects it has, and its students, all
 * derived from the seed (names, birth dates, abilities). Pure data; `run.ts` writes it.
 */
import type { Rng } from '../prng.js';

/** A subject of the demo curriculum (upper secondary, TT22). */
export interface DemoSubject {
  readonly code: string;
  readonly name: string;
  readonly periods: number;
  readonly assessment: 'scored' | 'comment';
}

/** The subjects every grade takes (compulsory ones plus a common choice of electives). */
export const SUBJECTS: readonly DemoSubject[] = [
  { code: 'toan', name: 'Toán', periods: 105, assessment: 'scored' },
  { code: 'ngu-van', name: 'Ngữ văn', periods: 105, assessment: 'scored' },
  { code: 'tieng-anh', name: 'Tiếng Anh', periods: 105, assessment: 'scored' },
  { code: 'lich-su', name: 'Lịch sử', periods: 52, assessment: 'scored' },
  { code: 'vat-li', name: 'Vật lí', periods: 70, assessment: 'scored' },
  { code: 'hoa-hoc', name: 'Hóa học', periods: 70, assessment: 'scored' },
  { code: 'sinh-hoc', name: 'Sinh học', periods: 70, assessment: 'scored' },
  { code: 'tin-hoc', name: 'Tin học', periods: 70, assessment: 'scored' },
  { code: 'gdqp-an', name: 'Giáo dục quốc phòng và an ninh', periods: 35, assessment: 'scored' },
  { code: 'the-duc', name: 'Giáo dục thể chất', periods: 70, assessment: 'comment' },
  { code: 'hdtn-hn', name: 'Hoạt động trải nghiệm, hướng nghiệp', periods: 105, assessment: 'comment' },
  { code: 'gd-dia-phuong', name: 'Nội dung giáo dục của địa phương', periods: 35, assessment: 'comment' },
];

/** Regular assessments per term (TT22 Điều 6.2), as the ledger counts them. */
export const regularCount = (s: DemoSubject): number =>
  s.assessment === 'comment' ? 2 : s.periods <= 35 ? 2 : s.periods <= 70 ? 3 : 4;

/** A staff member. */
export interface DemoPerson {
  readonly id: string;
  readonly name: string;
  readonly position: string;
}

/** A class and its students. */
export interface DemoClass {
  readonly code: string;
  readonly grade: number;
  readonly homeroom: DemoPerson;
  readonly students: readonly DemoStudent[];
  /** Subject code → the teacher who teaches it in this class. */
  readonly teachers: Readonly<Record<string, DemoPerson>>;
}

/** A student and the ability the demo draws scores around. */
export interface DemoStudent {
  readonly id: string;
  readonly name: string;
  readonly birthDate: string;
  readonly sex: 'M' | 'F';
  readonly birthPlace: string;
  readonly ability: number;
}

/** The whole demo school. */
export interface DemoSchool {
  readonly ledger: string;
  readonly name: string;
  readonly province: string;
  readonly year: '2024-2025';
  readonly principal: DemoPerson;
  readonly vice: DemoPerson;
  readonly office: DemoPerson;
  readonly teachers: readonly DemoPerson[];
  readonly classes: readonly DemoClass[];
}

const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
];
const MIDDLE_M = ['Văn', 'Minh', 'Đức', 'Hữu', 'Quang', 'Thanh', 'Gia', 'Bảo', 'Anh', 'Tuấn'];
const MIDDLE_F = ['Thị', 'Ngọc', 'Thu', 'Minh', 'Thanh', 'Bảo', 'Khánh', 'Hồng', 'Phương', 'Mai'];
const GIVEN_M = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Đạt',
  'Hải',
  'Hiếu',
  'Huy',
  'Khang',
  'Khoa',
  'Long',
  'Minh',
  'Nam',
  'Phúc',
  'Quân',
  'Sơn',
  'Tài',
  'Thắng',
  'Trung',
  'Tuấn',
  'Việt',
  'Vinh',
];
const GIVEN_F = [
  'Anh',
  'Châu',
  'Chi',
  'Giang',
  'Hà',
  'Hạnh',
  'Hoa',
  'Hương',
  'Lan',
  'Linh',
  'Mai',
  'My',
  'Nga',
  'Ngân',
  'Nhung',
  'Phương',
  'Quỳnh',
  'Tâm',
  'Thảo',
  'Trang',
  'Vy',
  'Yến',
];
const PLACES = [
  'Hà Nội',
  'Hải Phòng',
  'Nam Định',
  'Thái Bình',
  'Bắc Ninh',
  'Hưng Yên',
  'Hải Dương',
  'Ninh Bình',
  'Thanh Hóa',
  'Nghệ An',
];

function personName(rng: Rng, sex: 'M' | 'F'): string {
  return `${rng.pick(FAMILY)} ${rng.pick(sex === 'M' ? MIDDLE_M : MIDDLE_F)} ${rng.pick(sex === 'M' ? GIVEN_M : GIVEN_F)}`;
}

/** Classes of about 40: for ≤ 3 classes all in grade 10, otherwise spread over grades 10–12. */
function classLayout(students: number): Array<{ code: string; grade: number; size: number }> {
  const n = Math.max(1, Math.ceil(students / 40));
  const perGrade = n <= 3 ? n : Math.ceil(n / 3);
  const out: Array<{ code: string; grade: number; size: number }> = [];
  const counters = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const grade = 10 + Math.floor(i / perGrade);
    const k = (counters.get(grade) ?? 0) + 1;
    counters.set(grade, k);
    const size = Math.floor(students / n) + (i < students % n ? 1 : 0);
    out.push({ code: `${grade}A${k}`, grade, size });
  }
  return out;
}

/** The demo school for `students` students, from the seeded generator. */
export function planSchool(students: number, rng: Rng): DemoSchool {
  const principal: DemoPerson = { id: 'hieu-truong', name: 'Nguyễn Văn Hùng', position: 'Hiệu trưởng' };
  const vice: DemoPerson = {
    id: 'pho-hieu-truong',
    name: 'Trần Thị Mai',
    position: 'Phó Hiệu trưởng, quản trị phần mềm',
  };
  const office: DemoPerson = { id: 'van-thu', name: 'Lê Thị Hoa', position: 'Văn thư' };
  const teachers = new Map<string, DemoPerson>();
  const classes: DemoClass[] = [];
  let serial = 0;
  for (const [ci, layout] of classLayout(students).entries()) {
    const sexH = rng.chance(0.6) ? 'F' : 'M';
    const homeroom: DemoPerson = {
      id: `gvcn-${layout.code.toLowerCase()}`,
      name: personName(rng, sexH),
      position: `Giáo viên chủ nhiệm lớp ${layout.code}`,
    };
    const byClass: Record<string, DemoPerson> = {};
    for (const s of SUBJECTS) {
      // One teacher of each subject for every four classes.
      const id = `gv-${s.code}-${Math.floor(ci / 4) + 1}`;
      let t = teachers.get(id);
      if (t === undefined) {
        t = { id, name: personName(rng, rng.chance(0.6) ? 'F' : 'M'), position: `Giáo viên ${s.name}` };
        teachers.set(id, t);
      }
      byClass[s.code] = t;
    }
    const list: DemoStudent[] = [];
    for (let i = 0; i < layout.size; i++) {
      serial++;
      const sex = rng.chance(0.5) ? 'F' : 'M';
      const birthYear = 2009 - (layout.grade - 10);
      const month = rng.int(1, 12);
      const day = rng.int(1, 28);
      list.push({
        id: `hs-${String(serial).padStart(5, '0')}`,
        name: personName(rng, sex),
        birthDate: `${birthYear}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
        sex,
        birthPlace: rng.pick(PLACES),
        ability: 4.5 + rng.next() * 5,
      });
    }
    classes.push({ code: layout.code, grade: layout.grade, homeroom, students: list, teachers: byClass });
  }
  return {
    ledger: 'thpt-nguyen-du-demo',
    name: 'Trường THPT Nguyễn Du',
    province: 'Hà Nội',
    year: '2024-2025',
    principal,
    vice,
    office,
    teachers: [...teachers.values()],
    classes,
  };
}
