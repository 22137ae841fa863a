import { createHash } from 'node:crypto';
import type {
  AttendanceData,
  ChildBookData,
  ClassSummaryData,
  CorrectionMinutesData,
  MarkbookData,
  PrimaryTranscriptData,
  PrintMeta,
  RegisterData,
  TranscriptData,
} from '../src/index.js';

/** A deterministic 32-byte "public key" in base64url (only its fingerprint is printed). */
export function fakeKey(seed: string): string {
  return createHash('sha256').update(seed).digest().toString('base64url');
}

export const ROOT = createHash('sha256').update('root').digest('hex');

export const META: PrintMeta = {
  school: { authority: 'SỞ GD&ĐT ĐẮK NÔNG', name: 'TRƯỜNG THPT CHU VĂN AN', place: 'Gia Nghĩa' },
  verification: {
    origin: 'hoso/thpt-chu-van-an',
    size: 12345,
    root: ROOT,
    index: 12001,
    book: 'markbook/2024-2025/10A1',
  },
  printedOn: '2025-05-31',
};

/** A primary school's header and a học bạ page's verification (for the primary học bạ samples). */
export const PRIMARY_META: PrintMeta = {
  school: { authority: 'PHÒNG GD&ĐT TP GIA NGHĨA', name: 'TRƯỜNG TIỂU HỌC KIM ĐỒNG', place: 'Gia Nghĩa' },
  verification: { origin: 'hoso/th-kim-dong', size: 48211, root: ROOT, index: 47903, book: 'hocba/hs-00517/2024-2025' },
  printedOn: '2025-05-31',
};

export const NHUNG = 'Nguyễn Thị Hồng Nhung';

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
];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Đức', 'Ngọc', 'Thu', 'Quốc', 'Hải'];
const GIVEN = [
  'An',
  'Bảo',
  'Châu',
  'Dũng',
  'Giang',
  'Hà',
  'Khánh',
  'Linh',
  'My',
  'Nguyệt',
  'Phúc',
  'Quyên',
  'Sơn',
  'Thảo',
  'Uyên',
  'Việt',
  'Xuân',
  'Yến',
];

/** `n` students; the third is Nguyễn Thị Hồng Nhung. */
export function students(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    i === 2 ? NHUNG : `${FAMILY[i % FAMILY.length]} ${MIDDLE[i % MIDDLE.length]} ${GIVEN[(i * 7) % GIVEN.length]}`,
  );
}

const score = (i: number, k: number): string => String(((i * 7 + k * 3) % 50) / 10 + 5).replace(/^(\d+)$/, '$1.0');

/** A 10A1 markbook: Toán (scored, 4 ĐĐGtx), Giáo dục thể chất (comment), and the year summary. */
export function markbook(n = 40): MarkbookData {
  const names = students(n);
  return {
    schoolYear: '2024-2025',
    className: '10A1',
    homeroom: { name: 'Trần Thị Lan', key: fakeKey('homeroom') },
    leader: { name: 'Phạm Văn Đức', key: fakeKey('leader'), signedAt: '2025-05-30T09:00:00+07:00' },
    subjects: [
      {
        name: 'Toán',
        mode: 'scored',
        regularCount: 4,
        teacher: { name: 'Lê Văn Tám', key: fakeKey('toan'), signedAt: '2025-05-20T10:11:00+07:00' },
        students: names.map((name, i) => ({
          name,
          terms: [
            {
              regular: [
                score(i, 1),
                score(i, 2),
                i === 2
                  ? {
                      value: '9',
                      corrections: [
                        {
                          minutes: '03/BB-SCDL',
                          old: '6',
                          new: '9',
                          date: '2025-01-12',
                          reason: 'nhập nhầm',
                          requester: 'Lê Văn Tám',
                          approver: 'Phạm Văn Đức',
                          witness: 'Đỗ Thị Hạnh',
                        },
                      ],
                    }
                  : score(i, 3),
                score(i, 4),
              ],
              mid: score(i, 5),
              end: score(i, 6),
              result: '7.4',
            },
            { regular: [score(i, 7), score(i, 8), score(i, 9)], mid: score(i, 10), end: score(i, 11), result: '7.8' },
          ],
          year: '7.7',
        })),
      },
      {
        name: 'Giáo dục thể chất',
        mode: 'comment',
        regularCount: 2,
        teacher: { name: 'Hoàng Văn Khỏe', key: fakeKey('gdtc') },
        students: names.map((name, i) => ({
          name,
          terms: [
            { regular: ['Đ', 'Đ'], mid: 'Đ', end: 'Đ', result: 'Đ' },
            { regular: ['Đ', i % 9 === 4 ? 'CĐ' : 'Đ'], mid: 'Đ', end: 'Đ', result: i % 9 === 4 ? 'CĐ' : 'Đ' },
          ],
          year: i % 9 === 4 ? 'CĐ' : 'Đ',
        })),
      },
    ],
    summary: {
      subjects: ['Toán', 'Ngữ văn', 'Tiếng Anh', 'Lịch sử', 'Vật lí', 'Hóa học', 'Sinh học', 'GDTC', 'HĐTN-HN', 'GDĐP'],
      students: names.map((name, i) => ({
        name,
        subjects: ['7.7', '8.1', '6.9', '8.4', '7.2', '6.6', '7.9', 'Đ', 'Đ', 'Đ'],
        learning: [
          'Khá',
          'Khá',
          i === 2
            ? { value: 'Tốt', corrections: [{ minutes: '05/BB-SCDL', old: 'Khá', new: 'Tốt', date: '2025-05-28' }] }
            : 'Khá',
        ],
        conduct: ['Tốt', 'Tốt', 'Tốt'],
        absences: { excused: i % 4, unexcused: i % 7 === 0 ? 1 : 0 },
        award: i === 2 ? 'Học sinh Giỏi' : '',
        outcome: 'Lên lớp',
      })),
    },
  };
}

export function transcript(): TranscriptData {
  return {
    student: {
      name: NHUNG,
      birthDate: '2009-03-15',
      gender: 'Nữ',
      birthPlace: 'Gia Nghĩa, Đắk Nông',
      ethnicity: 'Kinh',
      id: 'HS-0003',
    },
    schoolYear: '2024-2025',
    className: '10A1',
    subjects: [
      {
        name: 'Toán',
        term1: '7.4',
        term2: '7.8',
        year: { value: '7.7', corrections: [{ minutes: '03/BB-SCDL', old: '7.5', new: '7.7', date: '2025-01-12' }] },
        teacher: 'Lê Văn Tám',
      },
      { name: 'Ngữ văn', term1: '8.0', term2: '8.2', year: '8.1', teacher: 'Ngô Thị Thơ' },
      { name: 'Tiếng Anh', term1: '6.8', term2: '7.0', year: '6.9', teacher: 'Vũ Minh Anh' },
      { name: 'Lịch sử', term1: '8.5', term2: '8.4', year: '8.4', teacher: 'Bùi Quốc Sử' },
      { name: 'Giáo dục thể chất', term1: 'Đ', term2: 'Đ', year: 'Đ', teacher: 'Hoàng Văn Khỏe' },
      { name: 'Hoạt động trải nghiệm, hướng nghiệp', term1: 'Đ', term2: 'Đ', year: 'Đ', teacher: 'Trần Thị Lan' },
    ],
    learning: ['Khá', 'Khá', 'Tốt'],
    conduct: ['Tốt', 'Tốt', 'Tốt'],
    absences: 2,
    outcome: 'Được lên lớp',
    award: 'Học sinh Giỏi',
    remarks: 'Chăm ngoan, tiến bộ rõ ở môn Toán.',
    homeroom: { name: 'Trần Thị Lan', key: fakeKey('homeroom') },
    principal: { name: 'Phạm Văn Đức', key: fakeKey('leader') },
  };
}

export function register(n = 30): RegisterData {
  return {
    period: 'Khóa 2024-2027',
    leader: { name: 'Phạm Văn Đức', key: fakeKey('leader') },
    entries: students(n).map((name, i) => ({
      number: `2024-${String(i + 1).padStart(4, '0')}`,
      name:
        i === 2
          ? {
              value: name,
              corrections: [
                {
                  minutes: '01/BB-SCDL',
                  old: 'Nguyễn Thị Hồng Nhunq',
                  new: name,
                  date: '2024-09-10',
                  reason: 'sai chính tả',
                },
              ],
            }
          : name,
      birthDate: `2009-0${(i % 9) + 1}-1${i % 10}`,
      gender: i % 2 === 0 ? 'Nữ' : 'Nam',
      birthPlace: 'Đắk Nông',
      ethnicity: i % 5 === 0 ? 'Ê Đê' : 'Kinh',
      guardian: `${FAMILY[(i + 3) % FAMILY.length]} Văn Phụ Huynh`,
      address: 'Phường Nghĩa Thành, TP Gia Nghĩa',
      enrolledOn: '2024-08-15',
      className: '10A1',
    })),
  };
}

export function minutes(): CorrectionMinutesData {
  return {
    number: '03/BB-SCDL',
    date: '2025-01-12',
    reason: 'Giáo viên nhập nhầm điểm ĐĐGtx lần 3 của học sinh.',
    items: [
      {
        book: 'Sổ theo dõi và đánh giá học sinh, lớp 10A1, môn Toán',
        student: NHUNG,
        field: 'ĐĐGtx 3, học kỳ I',
        old: '6',
        new: '9',
      },
    ],
    requester: { name: 'Lê Văn Tám', position: 'Giáo viên bộ môn Toán', key: fakeKey('toan') },
    approver: { name: 'Phạm Văn Đức', position: 'Hiệu trưởng', key: fakeKey('leader') },
    witness: { name: 'Đỗ Thị Hạnh', position: 'Phó Hiệu trưởng, quản trị phần mềm', key: fakeKey('admin') },
    event: { index: 8123, id: '01946f2e-7c3a-7b1d-9e2f-3a4b5c6d7e8f' },
  };
}

export function classSummary(n = 30): ClassSummaryData {
  const subjects = [
    { name: 'Tiếng Việt', tested: true },
    { name: 'Toán', tested: true },
    { name: 'Tiếng Anh', tested: true },
    { name: 'Đạo đức', tested: false },
    { name: 'Tự nhiên và Xã hội', tested: false },
    { name: 'GDTC', tested: false },
    { name: 'Âm nhạc', tested: false },
    { name: 'Mĩ thuật', tested: false },
    { name: 'HĐTN', tested: false },
  ];
  const competencies = [
    'Tự chủ, tự học',
    'Giao tiếp, hợp tác',
    'GQVĐ, sáng tạo',
    'Ngôn ngữ',
    'Tính toán',
    'Khoa học',
    'Thẩm mĩ',
    'Thể chất',
  ];
  const qualities = ['Yêu nước', 'Nhân ái', 'Chăm chỉ', 'Trung thực', 'Trách nhiệm'];
  return {
    schoolYear: '2024-2025',
    className: '3A',
    period: 'Cuối năm học',
    subjects,
    competencies,
    qualities,
    homeroom: { name: 'Dương Thị Mai', key: fakeKey('gv3a') },
    leader: { name: 'Hồ Văn Hiệu', key: fakeKey('ht-th') },
    students: students(n).map((name, i) => ({
      name,
      subjects: subjects.map((s, k) =>
        s.tested ? { level: i % 3 === 0 ? 'T' : 'H', score: String(6 + ((i + k) % 5)) } : { level: 'T' },
      ),
      competencies: competencies.map(() => (i % 4 === 0 ? 'T' : 'Đ')),
      qualities: qualities.map(() => 'T'),
      result: i % 3 === 0 ? 'HTT' : 'HT',
      award: i % 3 === 0 ? 'Học sinh tiêu biểu' : '',
      completion: 'HTCTLH',
    })),
  };
}

export function attendance(n = 30): AttendanceData {
  return {
    className: '10A1',
    schoolYear: '2024-2025',
    month: '2024-10',
    teacher: { name: 'Trần Thị Lan', key: fakeKey('homeroom') },
    students: students(n).map((name, i): AttendanceData['students'][number] => ({
      name,
      days:
        i === 2
          ? {
              3: 'P',
              17: { value: 'P', corrections: [{ minutes: '02/BB-SCDL', old: 'K', new: 'P', date: '2024-10-20' }] },
            }
          : i % 5 === 0
            ? { 9: 'K' }
            : {},
    })),
  };
}

export function childBook(): ChildBookData {
  return {
    child: { name: 'Lê Ngọc Bảo Châu', birthDate: '2021-06-02', gender: 'Nữ' },
    className: 'Mầm 3 tuổi A',
    schoolYear: '2024-2025',
    attendance: [
      { month: '2024-09', present: 20, excused: 1, unexcused: 0 },
      { month: '2024-10', present: 22, excused: 0, unexcused: 1 },
      { month: '2024-11', present: 19, excused: 2, unexcused: 0 },
    ],
    growth: [
      {
        date: '2024-09-10',
        ageMonths: 39,
        weight: '13.2',
        height: '94.5',
        weightClass: 'Bình thường',
        heightClass: 'Bình thường',
      },
      {
        date: '2024-12-10',
        ageMonths: 42,
        weight: {
          value: '13.9',
          corrections: [{ minutes: '04/BB-SCDL', old: '19.3', new: '13.9', date: '2024-12-12' }],
        },
        height: '96.0',
        weightClass: 'Bình thường',
        heightClass: 'Bình thường',
      },
    ],
    teacher: { name: 'Vũ Thị Hiền', key: fakeKey('gvmn') },
    leader: { name: 'Đặng Thị Thu', key: fakeKey('htmn') },
  };
}

/**
 * A grade-5 pupil's primary học bạ page (illustrative values, not computed): every subject and
 * activity of grade 5, remarks, a level corrected with minutes, all qualities and competencies.
 */
export function primaryTranscript(): PrimaryTranscriptData {
  const subjects: Array<[string, boolean, string, string?, string?]> = [
    ['Tiếng Việt', true, 'T', '9', 'Đọc diễn cảm, viết đoạn văn mạch lạc.'],
    ['Toán', true, 'T', '10', 'Giải toán có lời văn thành thạo.'],
    ['Ngoại ngữ 1 (Tiếng Anh)', true, 'H', '8'],
    ['Lịch sử và Địa lí', true, 'T', '9'],
    ['Khoa học', true, 'T', '9'],
    ['Tin học và Công nghệ', true, 'H', '8'],
    ['Đạo đức', false, 'T'],
    ['Giáo dục thể chất', false, 'T'],
    ['Âm nhạc', false, 'H'],
    ['Mĩ thuật', false, 'T'],
    ['Hoạt động trải nghiệm', false, 'T'],
  ];
  const level = (name: string, l: string) =>
    name === 'Âm nhạc'
      ? {
          value: l,
          corrections: [
            {
              minutes: '07/BB-SCDL',
              old: 'C',
              new: l,
              date: '2025-05-22',
              reason: 'nhập nhầm dòng',
              requester: 'Đinh Thị Hát',
              approver: 'Hồ Văn Hiệu',
              witness: 'Đỗ Thị Hạnh',
            },
          ],
        }
      : l;
  const aspect = (name: string) => ({ name, level: name === 'Trung thực' ? 'Đ' : 'T' });
  return {
    student: {
      name: NHUNG,
      birthDate: '2014-03-15',
      gender: 'Nữ',
      birthPlace: 'Gia Nghĩa, Đắk Nông',
      ethnicity: 'Kinh',
      id: 'hs-00517',
    },
    schoolYear: '2024-2025',
    className: '5A',
    subjects: subjects.map(([name, tested, l, score, remark]) => ({
      name,
      tested,
      level: level(name, l),
      ...(score !== undefined ? { score } : {}),
      ...(remark !== undefined ? { remark } : {}),
    })),
    qualities: ['Yêu nước', 'Nhân ái', 'Chăm chỉ', 'Trung thực', 'Trách nhiệm'].map(aspect),
    generalCompetencies: ['Tự chủ và tự học', 'Giao tiếp và hợp tác', 'Giải quyết vấn đề và sáng tạo'].map(aspect),
    specificCompetencies: ['Ngôn ngữ', 'Tính toán', 'Khoa học', 'Công nghệ', 'Tin học', 'Thẩm mĩ', 'Thể chất'].map(
      aspect,
    ),
    result: 'Hoàn thành tốt',
    completion: 'Hoàn thành chương trình tiểu học',
    homeroom: { name: 'Dương Thị Mai', key: fakeKey('gv5a'), signedAt: '2025-05-26T16:00:00+07:00' },
    principal: { name: 'Hồ Văn Hiệu', key: fakeKey('ht-th'), signedAt: '2025-05-28T09:30:00+07:00' },
  };
}
