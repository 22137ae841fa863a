/**
 * The event catalogue: every event type the ledger writes, its payload (`data`) as an io-ts codec
 * and a TypeScript type, and the stream it lives in (see `streams.ts`). Payload codecs refuse
 * unknown fields. Decimal values are strings (`"8.5"`); counts are integers.
 *
 * Projections (`@hoso/books`) and the verifier (`@hoso/verify`) build on these names: they are a
 * public format. Add types freely; never rename or change the meaning of a field.
 */
import * as t from 'io-ts';
import {
  AbsenceKind,
  AttendanceMark,
  CalendarDate,
  CellText,
  ClassCode,
  closed,
  Grade,
  Instant,
  intRange,
  lines,
  Minutes,
  pattern,
  PersonId,
  PrimaryPeriod,
  PublicKey,
  SchoolLevel,
  SchoolYear,
  Session,
  Sex,
  SignPeriod,
  SubjectCode,
  tagged,
  Term,
  text,
  Uuid,
  WindowId,
} from './codecs.js';
import {
  Aspect,
  CommentLevel,
  ConductLevel,
  HeightCm,
  QualityLevel,
  Score10,
  SubjectLevel,
  TestScore10,
  WeightKg,
} from './values.js';

// ---------------------------------------------------------------------------------------------
// Stream `school`: genesis, calendar, curriculum, staff, keys, roles
// ---------------------------------------------------------------------------------------------

/**
 * Genesis (*thành lập sổ*): the first event of every ledger, at `school` rev 0. Names the school
 * (its id equals the ledger id), the levels it runs, and its leader (*hiệu trưởng*) with the root
 * key, which signs this event. The leader holds the `leader` role from here on. `rules` records
 * the school's choices the rules depend on, so the verifier replays them exactly:
 * `authorMayAmend` (default false, the strict reading of QC Điều 12.3) lets the author of a value
 * re-enter it while its window is open and before sign-off.
 */
export const SchoolFounded = closed(
  'SchoolFounded',
  {
    school: text(64),
    name: text(200),
    levels: t.array(SchoolLevel),
    leader: closed('Founder', { person: PersonId, name: text(200) }),
    rootKey: PublicKey,
    timeZone: t.literal('Asia/Ho_Chi_Minh'),
  },
  { province: text(200), rules: closed('LedgerRules', {}, { authorMayAmend: t.boolean }) },
);
/** The payload type decoded by {@link SchoolFounded}. */
export type SchoolFounded = t.TypeOf<typeof SchoolFounded>;

/** Dates of one term (*học kì*), inclusive. */
export const TermDates = closed('TermDates', { start: CalendarDate, end: CalendarDate });
/** The payload type decoded by {@link TermDates}. */
export type TermDates = t.TypeOf<typeof TermDates>;

/** A school year (*năm học*) and its two terms, dates in Asia/Ho_Chi_Minh. */
export const AcademicYearDefined = closed('AcademicYearDefined', {
  year: SchoolYear,
  terms: closed('Terms', { HK1: TermDates, HK2: TermDates }),
});
/** The payload type decoded by {@link AcademicYearDefined}. */
export type AcademicYearDefined = t.TypeOf<typeof AcademicYearDefined>;

/** A subject (*môn học*) or educational activity in the school's catalogue. */
export const SubjectDefined = closed('SubjectDefined', { subject: SubjectCode, name: text(200) });
/** The payload type decoded by {@link SubjectDefined}. */
export type SubjectDefined = t.TypeOf<typeof SubjectDefined>;

/**
 * How a subject is assessed where it is offered: `scored` (TT22, scores 0–10), `comment` (TT22,
 * Đ/CĐ), `level` (TT27, T/H/C only), `level-tested` (TT27, T/H/C plus periodic tests).
 */
export const Assessment = t.keyof({ scored: null, comment: null, level: null, 'level-tested': null }, 'Assessment');
/** The payload type decoded by {@link Assessment}. */
export type Assessment = t.TypeOf<typeof Assessment>;

/**
 * A subject offered to a grade for a year, with its periods per year (*số tiết/năm*). For `scored`
 * subjects the periods fix the number of regular assessments per term (TT22 Điều 6.2): 2 for up to
 * 35, 3 for more than 35 up to 70, 4 for more than 70; `comment` subjects have 2. `midTermTests`
 * marks TT27 subjects with mid-term tests (grades 4–5 Vietnamese and Maths).
 */
export const SubjectOffered = closed(
  'SubjectOffered',
  {
    year: SchoolYear,
    grade: Grade,
    subject: SubjectCode,
    periodsPerYear: intRange('Periods', 1, 1000),
    assessment: Assessment,
  },
  { midTermTests: t.boolean },
);
/** The payload type decoded by {@link SubjectOffered}. */
export type SubjectOffered = t.TypeOf<typeof SubjectOffered>;

/**
 * An identity number as Vietnamese CAs write it in a certificate's subject (docs/pki.md): *căn
 * cước công dân* `CCCD`, the older `CC` and `CMND`, passport `HC`, tax code `MST` (a school's seal).
 */
export const IdentityNumber = closed('IdentityNumber', {
  scheme: t.keyof({ CCCD: null, CC: null, CMND: null, HC: null, MST: null }, 'IdentityScheme'),
  value: pattern('IdentityValue', /^[0-9A-Z][0-9A-Z-]{5,31}$/, 'digits, capital letters and -, 6–32'),
});
/** The payload type decoded by {@link IdentityNumber}. */
export type IdentityNumber = t.TypeOf<typeof IdentityNumber>;

/**
 * A staff member's account (*tài khoản*, QC Điều 6.1): one person, named once. `identity`, when
 * given, must be the identity number of every certificate later bound to the person.
 */
export const StaffRegistered = closed(
  'StaffRegistered',
  { person: PersonId, name: text(200) },
  { position: text(200), identity: IdentityNumber },
);
/** The payload type decoded by {@link StaffRegistered}. */
export type StaffRegistered = t.TypeOf<typeof StaffRegistered>;

/** The SHA-256 of a certificate's DER, 64 lowercase hex digits: how later events name it. */
export const CertificateDigest = pattern(
  'CertificateDigest',
  /^[0-9a-f]{64}$/,
  'the SHA-256 of the certificate, 64 lowercase hex digits',
);

/** Base64 (RFC 4648 §4) of at most 36 KiB: a DER certificate or a CMS signature. */
export const Base64Der = pattern('Base64', /^[A-Za-z0-9+/]{4,49152}={0,2}$/, 'base64 of at most 36 KiB');

/**
 * An X.509 certificate bound to a person (*chứng thư số*; docs/legal.md): the certificate and its
 * intermediates (the root left out: the inspector brings it) as base64 DER, stored once, and
 * `proof`, a CAdES detached signature by the certificate's key over the binding statement
 * (`certificateBindingStatement`): the person's consent, and proof that they hold the key. Later
 * events name the certificate by its SHA-256. Written by the administrator (QC Điều 6.1, 13.2).
 */
export const CertificateBound = closed('CertificateBound', {
  person: PersonId,
  certificate: Base64Der,
  chain: t.array(Base64Der),
  proof: Base64Der,
});
/** The payload type decoded by {@link CertificateBound}. */
export type CertificateBound = t.TypeOf<typeof CertificateBound>;

/**
 * Consent by one of the person's own keys: `key` is an active key of the same person and co-signs
 * the registration in role `consent` (or is the author's own key, whose signature already covers it).
 */
export const ConsentByKey = closed('ConsentByKey', { by: t.literal('key'), key: PublicKey });
/** The payload type decoded by {@link ConsentByKey}. */
export type ConsentByKey = t.TypeOf<typeof ConsentByKey>;

/**
 * Consent to a person's first key by a leader (QC Điều 6.1: the head provides every account):
 * `key` is an active key of a person holding the `leader` role, not the registering administrator,
 * and co-signs in role `leader` — unless the author is the school's only leader and administrator
 * with a key, whose own signature then stands as the consent (see docs/permissions.md).
 */
export const ConsentByLeader = closed('ConsentByLeader', { by: t.literal('leader'), key: PublicKey });
/** The payload type decoded by {@link ConsentByLeader}. */
export type ConsentByLeader = t.TypeOf<typeof ConsentByLeader>;

/**
 * Consent by an X.509 certificate bound to the person ({@link CertificateBound}): `certificate` is
 * its SHA-256, `signature` a CAdES detached signature (base64 CMS) by the certificate's key over
 * the key-consent statement (`keyConsentStatement`: ledger, person, key).
 */
export const ConsentByCertificate = closed('ConsentByCertificate', {
  by: t.literal('certificate'),
  certificate: CertificateDigest,
  signature: Base64Der,
});
/** The payload type decoded by {@link ConsentByCertificate}. */
export type ConsentByCertificate = t.TypeOf<typeof ConsentByCertificate>;

/**
 * Whose consent a key registration carries, by `by`: `key` (the person's own key), `leader` (a
 * first key), `certificate` (the person's bound certificate). A new kind of consent is one more member of this union,
 * so an event written with it stays a `KeyRegistered`.
 */
export const KeyConsent = tagged('KeyConsent', 'by', {
  key: ConsentByKey,
  leader: ConsentByLeader,
  certificate: ConsentByCertificate,
});
/** The payload type decoded by {@link KeyConsent}. */
export type KeyConsent = t.TypeOf<typeof KeyConsent>;

/**
 * A key registered to a person (QC Điều 7.1: one key, one person). The new key co-signs this event
 * (signature role `holder`) as proof of possession, and the person consents (`consent`): by one of
 * their own keys, or for a first key by a leader. `consent` is optional in the catalogue only so
 * that registrations written before it still decode; the rules require it (`missing-consent`).
 */
export const KeyRegistered = closed('KeyRegistered', { person: PersonId, key: PublicKey }, { consent: KeyConsent });
/** The payload type decoded by {@link KeyRegistered}. */
export type KeyRegistered = t.TypeOf<typeof KeyRegistered>;

/** A key revoked: it signs nothing after this event; what it signed before stays valid. */
export const KeyRevoked = closed('KeyRevoked', { key: PublicKey, reason: lines(1000) });
/** The payload type decoded by {@link KeyRevoked}. */
export type KeyRevoked = t.TypeOf<typeof KeyRevoked>;

/** The roles of QC Chương II and Điều 13 (docs/permissions.md). */
export const RoleName = t.keyof(
  { leader: null, admin: null, office: null, homeroom: null, subject: null, inspector: null },
  'RoleName',
);
/** The payload type decoded by {@link RoleName}. */
export type RoleName = t.TypeOf<typeof RoleName>;

/**
 * A role assignment (*phân công*). `homeroom` needs `year` and `class`; `subject` needs `year`,
 * `class` and `subject`; the others take no scope.
 */
export const RoleGrant = closed(
  'RoleGrant',
  { person: PersonId, role: RoleName },
  { year: SchoolYear, class: ClassCode, subject: SubjectCode },
);
/** The payload type decoded by {@link RoleGrant}. */
export type RoleGrant = t.TypeOf<typeof RoleGrant>;

/** A role granted to a person. */
export const RoleGranted = RoleGrant;
/** The payload type decoded by {@link RoleGrant}. */
export type RoleGranted = RoleGrant;

/** A role withdrawn from a person (same fields as the grant it ends), with a reason. */
export const RoleRevoked = closed(
  'RoleRevoked',
  { person: PersonId, role: RoleName, reason: lines(1000) },
  { year: SchoolYear, class: ClassCode, subject: SubjectCode },
);
/** The payload type decoded by {@link RoleRevoked}. */
export type RoleRevoked = t.TypeOf<typeof RoleRevoked>;

// ---------------------------------------------------------------------------------------------
// Stream `class/<year>/<class>`: the class and its list
// ---------------------------------------------------------------------------------------------

/** A class (*lớp*) opened for a year, in a grade; rev 0 of its class stream. */
export const ClassOpened = closed(
  'ClassOpened',
  { year: SchoolYear, class: ClassCode, grade: Grade },
  { name: text(200) },
);
/** The payload type decoded by {@link ClassOpened}. */
export type ClassOpened = t.TypeOf<typeof ClassOpened>;

/** Where a transferred student comes from or goes to: a class of this school, or another school. */
export const TransferParty = t.union([
  closed('ToClass', { class: ClassCode }),
  closed('ToSchool', { school: text(200) }),
]);
/** The payload type decoded by {@link TransferParty}. */
export type TransferParty = t.TypeOf<typeof TransferParty>;

/** A student put on a class list (*danh sách lớp*, QC Điều 8.1); `from` when transferred in. */
export const StudentEnrolled = closed(
  'StudentEnrolled',
  { year: SchoolYear, class: ClassCode, student: PersonId, date: CalendarDate },
  { from: TransferParty },
);
/** The payload type decoded by {@link StudentEnrolled}. */
export type StudentEnrolled = t.TypeOf<typeof StudentEnrolled>;

/** A document a decision or an entry rests on (*quyết định, văn bản*): its number and date. */
export const DocumentRef = closed('DocumentRef', { number: text(100), date: CalendarDate });
/** The payload type decoded by {@link DocumentRef}. */
export type DocumentRef = t.TypeOf<typeof DocumentRef>;

/**
 * A student leaving a class (*chuyển lớp, chuyển trường*, QC Điều 8.2). The class's records of
 * the student close: nothing more is entered for them here. `transcript`: the document the
 * student's records were handed out with (the học bạ and the school's transfer paper, QC Điều 8.2),
 * for a transfer to another school.
 */
export const StudentTransferred = closed(
  'StudentTransferred',
  {
    year: SchoolYear,
    class: ClassCode,
    student: PersonId,
    date: CalendarDate,
    to: TransferParty,
    reason: lines(1000),
  },
  { transcript: DocumentRef },
);
/** The payload type decoded by {@link StudentTransferred}. */
export type StudentTransferred = t.TypeOf<typeof StudentTransferred>;

// ---------------------------------------------------------------------------------------------
// Stream `student/<id>`: biographical data (*sơ yếu lý lịch*)
// ---------------------------------------------------------------------------------------------

const bioOptional = {
  birthPlace: text(200),
  ethnicity: text(100),
  nationality: text(100),
  address: text(500),
  guardian: text(200),
  phone: text(40),
};

/** Biographical data (*sơ yếu lý lịch*) as the register (*sổ đăng bộ*) records it. */
export const Biography = closed('Biography', { name: text(200), birthDate: CalendarDate, sex: Sex }, bioOptional);
/** The payload type decoded by {@link Biography}. */
export type Biography = t.TypeOf<typeof Biography>;

/**
 * A student's first record in the school; rev 0 of `student/<id>`. Written by the homeroom teacher
 * of the class (`year`, `class`) the student joins (QC Điều 8.1).
 */
export const StudentRegisteredClear = closed('StudentRegistered', {
  student: PersonId,
  year: SchoolYear,
  class: ClassCode,
  bio: Biography,
});

/**
 * A commitment to one personal field, `SHA-256("hoso/pd/v1\n" ‖ salt ‖ canonical(value))` as 64
 * lowercase hex digits (docs/personal-data.md); the value and salt stay in the personal-data store.
 */
export const FieldCommitment = pattern(
  'FieldCommitment',
  /^[0-9a-f]{64}$/,
  'a SHA-256 commitment, 64 lowercase hex digits',
);

const pdOptional = {
  birthPlace: FieldCommitment,
  ethnicity: FieldCommitment,
  nationality: FieldCommitment,
  address: FieldCommitment,
  guardian: FieldCommitment,
  phone: FieldCommitment,
};

/** The commitments to a {@link Biography}, field by field (`hoso/pd/v1`). */
export const BiographyCommitments = closed(
  'BiographyCommitments',
  { name: FieldCommitment, birthDate: FieldCommitment, sex: FieldCommitment },
  pdOptional,
);
/** The payload type decoded by {@link BiographyCommitments}. */
export type BiographyCommitments = t.TypeOf<typeof BiographyCommitments>;

/** {@link StudentRegistered} in the personal-data format: commitments (`pd`) in place of `bio`. */
export const StudentRegisteredCommitted = closed('StudentRegistered', {
  student: PersonId,
  year: SchoolYear,
  class: ClassCode,
  pd: BiographyCommitments,
});

/**
 * Two closed shapes of one event type told apart by one field: the new shape when `key` is
 * present, else the old one, so the old shape's errors keep their paths.
 */
function eitherShape<A, B>(
  name: string,
  key: string,
  old: t.Type<A, unknown, unknown>,
  neu: t.Type<B, unknown, unknown>,
) {
  const isNew = (u: unknown): boolean =>
    typeof u === 'object' && u !== null && Object.prototype.hasOwnProperty.call(u, key);
  return new t.Type<A | B, unknown, unknown>(
    name,
    (u): u is A | B => old.is(u) || neu.is(u),
    (u, c) => (isNew(u) ? neu.validate(u, c) : old.validate(u, c)),
    (a) => a,
  );
}

/**
 * Rev 0 of `student/<id>`: the biography in clear (`bio`, ledgers before `PersonalDataFormatAdopted`)
 * or as commitments (`pd`, after it; docs/personal-data.md).
 */
export const StudentRegistered = eitherShape(
  'StudentRegistered',
  'pd',
  StudentRegisteredClear,
  StudentRegisteredCommitted,
);
/** The payload type decoded by {@link StudentRegistered}. */
export type StudentRegistered = t.TypeOf<typeof StudentRegistered>;

/**
 * Changed biographical fields (only those named change), with the reason; written by the homeroom
 * teacher of the class (`year`, `class`) the student is in.
 */
export const BiographyChangedClear = closed('BiographyChanged', {
  student: PersonId,
  year: SchoolYear,
  class: ClassCode,
  changes: closed('BiographyChanges', {}, { name: text(200), birthDate: CalendarDate, sex: Sex, ...bioOptional }),
  reason: lines(1000),
});

/** {@link BiographyChanged} in the personal-data format: the changed fields' new commitments (`pd`). */
export const BiographyChangedCommitted = closed('BiographyChanged', {
  student: PersonId,
  year: SchoolYear,
  class: ClassCode,
  pd: closed(
    'BiographyChangeCommitments',
    {},
    { name: FieldCommitment, birthDate: FieldCommitment, sex: FieldCommitment, ...pdOptional },
  ),
  reason: lines(1000),
});

/** Changed biographical fields, in clear (`changes`) or as commitments (`pd`, after `PersonalDataFormatAdopted`). */
export const BiographyChanged = eitherShape('BiographyChanged', 'pd', BiographyChangedClear, BiographyChangedCommitted);
/** The payload type decoded by {@link BiographyChanged}. */
export type BiographyChanged = t.TypeOf<typeof BiographyChanged>;

// ---------------------------------------------------------------------------------------------
// Stream `markbook/<year>/<class>/<subject>`: the subject teacher's columns
// ---------------------------------------------------------------------------------------------

/** Column of a TT22 assessment: regular (`tx`, *ĐĐGtx*), mid-term (`gk`), end of term (`ck`). */
export const Column = t.keyof({ tx: null, gk: null, ck: null }, 'Column');
/** The payload type decoded by {@link Column}. */
export type Column = t.TypeOf<typeof Column>;

const cellBase = { year: SchoolYear, class: ClassCode, subject: SubjectCode, student: PersonId };

/**
 * Marks a result as a make-up (*kiểm tra, đánh giá bù*, TT22 Điều 7) of a periodic test the student
 * missed for an accepted reason ({@link TestMissed} first): `taken: false` when the student did not
 * sit the make-up either, and the value is the 0 or CĐ the rule then gives.
 */
export const MakeUp = closed('MakeUp', { taken: t.boolean });
/** The payload type decoded by {@link MakeUp}. */
export type MakeUp = t.TypeOf<typeof MakeUp>;

/**
 * Where a result of a student transferred in from another school comes from (*chuyển đến*): that
 * school and the document it was read from (its học bạ or transcript). Only for a student enrolled
 * in the class from another school this year.
 */
export const TransferSource = closed('TransferSource', { school: text(200), document: DocumentRef });
/** The payload type decoded by {@link TransferSource}. */
export type TransferSource = t.TypeOf<typeof TransferSource>;

/**
 * A TT22 score (*điểm*) in a `scored` subject. `index` (1–4) numbers the regular assessments and
 * is required for `tx`, absent for `gk`/`ck`.
 */
export const ScoreEntered = closed(
  'ScoreEntered',
  { ...cellBase, term: Term, column: Column, value: Score10 },
  { index: intRange('RegularIndex', 1, 4), makeUp: MakeUp, source: TransferSource },
);
/** The payload type decoded by {@link ScoreEntered}. */
export type ScoreEntered = t.TypeOf<typeof ScoreEntered>;

/** A TT22 comment result (Đ/CĐ) in a `comment` subject; same cell layout as {@link ScoreEntered}. */
export const CommentLevelEntered = closed(
  'CommentLevelEntered',
  { ...cellBase, term: Term, column: Column, value: CommentLevel },
  { index: intRange('RegularIndex', 1, 4), makeUp: MakeUp, source: TransferSource },
);
/** The payload type decoded by {@link CommentLevelEntered}. */
export type CommentLevelEntered = t.TypeOf<typeof CommentLevelEntered>;

/** A TT27 subject level (T/H/C) at a primary assessment point, with an optional comment. */
export const SubjectLevelEntered = closed(
  'SubjectLevelEntered',
  { ...cellBase, period: PrimaryPeriod, value: SubjectLevel },
  { comment: lines(2000) },
);
/** The payload type decoded by {@link SubjectLevelEntered}. */
export type SubjectLevelEntered = t.TypeOf<typeof SubjectLevelEntered>;

/** A TT27 periodic test score (whole number 1–10) in a `level-tested` subject. */
export const TestScoreEntered = closed('TestScoreEntered', { ...cellBase, period: PrimaryPeriod, value: TestScore10 });
/** The payload type decoded by {@link TestScoreEntered}. */
export type TestScoreEntered = t.TypeOf<typeof TestScoreEntered>;

/**
 * A re-test (*kiểm tra lại*, TT22 Điều 12) result of a `scored` subject, taken in the summer after
 * the year: the student's year result in the subject stays in the book and this one is shown beside
 * it and used for the promotion decision. `date` is the day of the re-test, after the year's last
 * term. Written by the subject teacher, once the subject's year results are signed off (HK2 or CN).
 */
export const RetestScoreEntered = closed('RetestScoreEntered', { ...cellBase, value: Score10, date: CalendarDate });
/** The payload type decoded by {@link RetestScoreEntered}. */
export type RetestScoreEntered = t.TypeOf<typeof RetestScoreEntered>;

/** A re-test result (Đ/CĐ) of a `comment` subject; otherwise as {@link RetestScoreEntered}. */
export const RetestCommentLevelEntered = closed('RetestCommentLevelEntered', {
  ...cellBase,
  value: CommentLevel,
  date: CalendarDate,
});
/** The payload type decoded by {@link RetestCommentLevelEntered}. */
export type RetestCommentLevelEntered = t.TypeOf<typeof RetestCommentLevelEntered>;

/** The subject teacher signs a subject's column for a term or the year (QC Điều 9.3). */
export const SubjectSignedOff = closed('SubjectSignedOff', {
  year: SchoolYear,
  class: ClassCode,
  subject: SubjectCode,
  term: SignPeriod,
});
/** The payload type decoded by {@link SubjectSignedOff}. */
export type SubjectSignedOff = t.TypeOf<typeof SubjectSignedOff>;

// ---------------------------------------------------------------------------------------------
// Stream `homeroom/<year>/<class>`: the homeroom teacher's records
// ---------------------------------------------------------------------------------------------

const homeBase = { year: SchoolYear, class: ClassCode, student: PersonId };

/** An absence for one half-day session (*buổi*), excused `P` or unexcused `K` (QC Điều 8.2). */
export const AbsenceRecorded = closed(
  'AbsenceRecorded',
  { ...homeBase, date: CalendarDate, session: Session, value: AbsenceKind },
  { reason: lines(1000) },
);
/** The payload type decoded by {@link AbsenceRecorded}. */
export type AbsenceRecorded = t.TypeOf<typeof AbsenceRecorded>;

/** Conduct for a term (*rèn luyện*, TT22 Điều 8), entered by the homeroom teacher. */
export const ConductAssessed = closed(
  'ConductAssessed',
  { ...homeBase, term: Term, value: ConductLevel },
  { comment: lines(2000) },
);
/** The payload type decoded by {@link ConductAssessed}. */
export type ConductAssessed = t.TypeOf<typeof ConductAssessed>;

/**
 * Conduct re-evaluated (*đánh giá lại rèn luyện*, TT22 Điều 12) after summer training, by the
 * homeroom teacher, once the class's year results are confirmed (HK2 or CN). The year conduct stays
 * in the book; this result is shown beside it and replaces it for promotion.
 */
export const ConductReevaluated = closed(
  'ConductReevaluated',
  { ...homeBase, value: ConductLevel, date: CalendarDate },
  { comment: lines(2000) },
);
/** The payload type decoded by {@link ConductReevaluated}. */
export type ConductReevaluated = t.TypeOf<typeof ConductReevaluated>;

/**
 * A TT27 quality or competency level at a primary assessment point, with the homeroom teacher's
 * remark (*nhận xét*, TT27 Điều 6.2b) that the học bạ prints beside it.
 */
export const QualityAssessed = closed(
  'QualityAssessed',
  { ...homeBase, period: PrimaryPeriod, aspect: Aspect, value: QualityLevel },
  { comment: lines(2000) },
);
/** The payload type decoded by {@link QualityAssessed}. */
export type QualityAssessed = t.TypeOf<typeof QualityAssessed>;

/** Preschool daily attendance (*điểm danh*): present `C`, excused `P`, unexcused `K`. */
export const AttendanceRecorded = closed('AttendanceRecorded', {
  ...homeBase,
  date: CalendarDate,
  value: AttendanceMark,
});
/** The payload type decoded by {@link AttendanceRecorded}. */
export type AttendanceRecorded = t.TypeOf<typeof AttendanceRecorded>;

/** What a growth measurement measures. */
export const Measure = t.keyof({ 'weight-kg': null, 'height-cm': null }, 'Measure');
/** The payload type decoded by {@link Measure}. */
export type Measure = t.TypeOf<typeof Measure>;

const GrowthShape = closed('GrowthMeasured', { ...homeBase, date: CalendarDate, measure: Measure, value: t.string });
type GrowthMeasuredT = t.TypeOf<typeof GrowthShape>;

/** A preschool weight or height measurement (*cân đo*), decimal string with one decimal. */
export const GrowthMeasured = new t.Type<GrowthMeasuredT, unknown, unknown>(
  'GrowthMeasured',
  (u): u is GrowthMeasuredT =>
    GrowthShape.is(u) && (u.measure === 'weight-kg' ? WeightKg.is(u.value) : HeightCm.is(u.value)),
  (u, c) => {
    const r = GrowthShape.validate(u, c);
    if (r._tag === 'Left') return r;
    const v = r.right;
    const codec = v.measure === 'weight-kg' ? WeightKg : HeightCm;
    const ok = codec.validate(v.value, t.appendContext(c, 'value', codec, v.value));
    return ok._tag === 'Left' ? ok : t.success(v);
  },
  (a) => a,
);
/** The payload type decoded by {@link GrowthMeasured}. */
export type GrowthMeasured = GrowthMeasuredT;

/** A stream's head as an act saw it: its revision and its leaf hash (hex). */
export const BookHead = closed('BookHead', {
  stream: text(200),
  rev: intRange('Revision', 0, Number.MAX_SAFE_INTEGER),
  hash: pattern('LeafHash', /^[0-9a-f]{64}$/, 'a leaf hash, 64 lowercase hex digits'),
});
/** The payload type decoded by {@link BookHead}. */
export type BookHead = t.TypeOf<typeof BookHead>;

/**
 * The heads of every stream of a class's books when an act was written, sorted by stream
 * (`bookStreams`): the act's signature, and a CA signature over the act, then sign every entry.
 */
export const BookHeads = t.array(BookHead, 'BookHeads');

/**
 * The homeroom teacher confirms the class's results for a term or the year (QC Điều 8.4–8.5).
 * `book`, when present, is checked against the ledger (see {@link BookHeads}).
 */
export const ClassConfirmed = closed(
  'ClassConfirmed',
  { year: SchoolYear, class: ClassCode, term: SignPeriod },
  { book: BookHeads },
);
/** The payload type decoded by {@link ClassConfirmed}. */
export type ClassConfirmed = t.TypeOf<typeof ClassConfirmed>;

// ---------------------------------------------------------------------------------------------
// Stream `approvals/<year>/<class>`: leader approval and office seal
// ---------------------------------------------------------------------------------------------

/** The leader approves the class's results (*ký phê duyệt*, QC Điều 10). */
export const ClassApproved = closed(
  'ClassApproved',
  { year: SchoolYear, class: ClassCode, term: SignPeriod },
  { book: BookHeads },
);
/** The payload type decoded by {@link ClassApproved}. */
export type ClassApproved = t.TypeOf<typeof ClassApproved>;

/** The office seals (*đóng dấu*) the approved books of the class (QC Điều 13.3). */
export const BookSealed = closed(
  'BookSealed',
  { year: SchoolYear, class: ClassCode, term: SignPeriod },
  { book: BookHeads },
);
/** The payload type decoded by {@link BookSealed}. */
export type BookSealed = t.TypeOf<typeof BookSealed>;

// ---------------------------------------------------------------------------------------------
// Stream `windows`: entry windows and locks (QC Điều 6.2c)
// ---------------------------------------------------------------------------------------------

/**
 * The period a window covers: a mid-term (`GK1`, `GK2`: only mid-term columns), a term (`HK1`,
 * `HK2`: every column of the term), the year (`CN`: every column of both terms) or the summer after
 * it (`HE`, *hè*: only re-tests and conduct re-evaluation, which no other period covers).
 */
export const WindowPeriod = t.keyof({ GK1: null, HK1: null, GK2: null, HK2: null, CN: null, HE: null }, 'WindowPeriod');
/** The payload type decoded by {@link WindowPeriod}. */
export type WindowPeriod = t.TypeOf<typeof WindowPeriod>;

/**
 * What a window covers; every field present must match the cell (absent = any). `{}` is the whole
 * school. `column` is one of `tx gk ck` (TT22), `level test` (TT27 subjects), `conduct quality`
 * (homeroom), `retest reevaluation` (summer, period `HE`).
 */
export const WindowScope = closed(
  'WindowScope',
  {},
  {
    grade: Grade,
    class: ClassCode,
    subject: SubjectCode,
    column: t.keyof(
      {
        tx: null,
        gk: null,
        ck: null,
        level: null,
        test: null,
        conduct: null,
        quality: null,
        retest: null,
        reevaluation: null,
      },
      'ScopeColumn',
    ),
    student: PersonId,
  },
);
/** The payload type decoded by {@link WindowScope}. */
export type WindowScope = t.TypeOf<typeof WindowScope>;

/**
 * The leader opens entry (*mở khóa*) for a scope and period, optionally between two instants.
 * Opening again where an earlier window of an overlapping scope and period was closed is an
 * unlock and needs a `reason`.
 */
export const WindowOpened = closed(
  'WindowOpened',
  { window: WindowId, year: SchoolYear, period: WindowPeriod, scope: WindowScope },
  { opens: Instant, closes: Instant, reason: lines(1000) },
);
/** The payload type decoded by {@link WindowOpened}. */
export type WindowOpened = t.TypeOf<typeof WindowOpened>;

/** The leader closes a window (*khóa sổ*): in force for every event after it in the log. */
export const WindowClosed = closed('WindowClosed', { window: WindowId }, { reason: lines(1000) });
/** The payload type decoded by {@link WindowClosed}. */
export type WindowClosed = t.TypeOf<typeof WindowClosed>;

// ---------------------------------------------------------------------------------------------
// Corrections (QC Điều 12.3): in the stream of the value corrected
// ---------------------------------------------------------------------------------------------

/**
 * A correction (*sửa chữa dữ liệu*): names the entry corrected (`target`, an event id in the same
 * stream), the old and new value, the reason and the minutes (*biên bản*). Signed by the requester
 * (the author, in the role that writes the value), the approver (`leader`) and the witness
 * (`admin`): three distinct people. Nothing is overwritten; the book shows both values.
 */
export const CorrectionMade = closed('CorrectionMade', {
  target: Uuid,
  old: CellText,
  new: CellText,
  reason: lines(1000),
  minutes: Minutes,
  requester: PublicKey,
  approver: PublicKey,
  witness: PublicKey,
});
/** The payload type decoded by {@link CorrectionMade}. */
export type CorrectionMade = t.TypeOf<typeof CorrectionMade>;

// ---------------------------------------------------------------------------------------------
// The school year as it runs: make-ups, exemptions, individual plans, recognition, timetable
// ---------------------------------------------------------------------------------------------

/**
 * A periodic test (`gk`, `ck`) a student missed for an accepted reason (*lí do bất khả kháng*): a
 * make-up is owed (TT22 Điều 7) and the cell may stay empty at sign-off until its result, entered
 * with `makeUp`, fills it. In the markbook stream, by the subject teacher.
 */
export const TestMissed = closed('TestMissed', {
  ...cellBase,
  term: Term,
  column: t.keyof({ gk: null, ck: null }, 'PeriodicColumn'),
  reason: lines(1000),
});
/** The payload type decoded by {@link TestMissed}. */
export type TestMissed = t.TypeOf<typeof TestMissed>;

/**
 * The principal's exemption (*miễn học*) of a student from a subject, for a term or the year (`CN`),
 * with the decision's number and date. `practice`: the practical part of Giáo dục thể chất or
 * Giáo dục quốc phòng và an ninh, for illness, injury or disability — the student is still assessed,
 * on the theory (TT22 Điều 10); `subject`: a pupil with a disability not assessed in the subject at
 * all (TT22 Điều 11, check), who needs an individual education plan recorded first.
 */
export const ExemptionDecided = closed('ExemptionDecided', {
  year: SchoolYear,
  class: ClassCode,
  student: PersonId,
  subject: SubjectCode,
  period: SignPeriod,
  scope: t.keyof({ practice: null, subject: null }, 'ExemptionScope'),
  decision: DocumentRef,
  reason: lines(1000),
});
/** The payload type decoded by {@link ExemptionDecided}. */
export type ExemptionDecided = t.TypeOf<typeof ExemptionDecided>;

/**
 * A pupil with a disability taught on an individual education plan (*kế hoạch giáo dục cá nhân*,
 * TT22 Điều 11; the plan: Thông tư 03/2018/TT-BGDĐT Điều 9, check), approved by the principal:
 * `planSubjects` are assessed against the plan, not the programme's columns; promotion is the
 * principal's decision ({@link PromotionDecided}). Once a year per student.
 */
export const IndividualPlanRecorded = closed('IndividualPlanRecorded', {
  year: SchoolYear,
  class: ClassCode,
  student: PersonId,
  mode: t.keyof({ inclusive: null, specialised: null }, 'EducationMode'),
  plan: DocumentRef,
  planSubjects: t.array(SubjectCode),
});
/** The payload type decoded by {@link IndividualPlanRecorded}. */
export type IndividualPlanRecorded = t.TypeOf<typeof IndividualPlanRecorded>;

/**
 * The principal's promotion decision (*lên lớp / ở lại lớp*) for a pupil on an individual plan
 * (TT22 Điều 11, 12.4, check): the books print it instead of applying the promotion thresholds.
 */
export const PromotionDecided = closed('PromotionDecided', {
  year: SchoolYear,
  class: ClassCode,
  student: PersonId,
  decision: t.keyof({ promoted: null, retained: null }, 'PromotionDecision'),
  document: DocumentRef,
});
/** The payload type decoded by {@link PromotionDecided}. */
export type PromotionDecided = t.TypeOf<typeof PromotionDecided>;

/** What a class recognises a primary pupil for: a subject, or a quality or competency. */
export const RecognitionBasis = t.union([
  closed('BySubject', { subject: SubjectCode }),
  closed('ByAspect', { aspect: Aspect }),
]);
/** The payload type decoded by {@link RecognitionBasis}. */
export type RecognitionBasis = t.TypeOf<typeof RecognitionBasis>;

/**
 * The class's recognition of a primary pupil (*được tập thể lớp công nhận*, TT27 Điều 13.1a) for
 * outstanding results in a subject or clear progress in a quality or competency, recorded by the
 * homeroom teacher from the class meeting (`minutes`, when numbered). Once a year per pupil.
 */
export const RecognitionRecorded = closed(
  'RecognitionRecorded',
  { year: SchoolYear, class: ClassCode, student: PersonId, basis: RecognitionBasis },
  { minutes: DocumentRef },
);
/** The payload type decoded by {@link RecognitionRecorded}. */
export type RecognitionRecorded = t.TypeOf<typeof RecognitionRecorded>;

/**
 * The sessions (*buổi*) a day the school teaches in a year (*học 1 buổi / 2 buổi một ngày*), set
 * once by the leader: the books count the absence limit of TT22 Điều 12.1c (45 buổi) on it.
 */
export const SessionsPerDaySet = closed('SessionsPerDaySet', {
  year: SchoolYear,
  sessionsPerDay: t.union([t.literal(1), t.literal(2)]),
});
/** The payload type decoded by {@link SessionsPerDaySet}. */
export type SessionsPerDaySet = t.TypeOf<typeof SessionsPerDaySet>;

// ---------------------------------------------------------------------------------------------
// Personal data (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15; docs/personal-data.md): stream `school`
// ---------------------------------------------------------------------------------------------

/**
 * From this event on, the ledger writes pupils' biographical fields as commitments (`pd`), never
 * in clear; written once, by the leader. Events before it keep their clear `bio`: those bytes are
 * signed and chained and cannot be erased (docs/personal-data.md).
 */
export const PersonalDataFormatAdopted = closed('PersonalDataFormatAdopted', {
  format: t.literal('hoso/pd/v1'),
});
/** The payload type decoded by {@link PersonalDataFormatAdopted}. */
export type PersonalDataFormatAdopted = t.TypeOf<typeof PersonalDataFormatAdopted>;

/** Why personal data is erased (Luật 91/2025/QH15; docs/personal-data.md). */
export const ErasureBasis = t.keyof({
  /** The retention period of the records ended (Thông tư 08/2025/TT-BGDĐT, Luật Lưu trữ 2024). */
  'retention-expired': null,
  /** A lawful request by the pupil's parent or guardian (the pupil is a child). */
  'guardian-request': null,
  /** A lawful request by the data subject (a pupil of age). */
  'subject-request': null,
  /** A decision of a competent authority. */
  'authority-order': null,
});

/**
 * The leader's decision to erase the personal data of `students` (*xóa dữ liệu cá nhân*): the
 * personal-data store destroys every opening of their commitments in the transaction that appends
 * this event. Marks, sign-offs and proofs stay; the books show "[đã xóa]".
 */
export const PersonalDataErased = closed(
  'PersonalDataErased',
  {
    students: t.array(PersonId),
    basis: ErasureBasis,
    reason: lines(1000),
  },
  { decision: DocumentRef },
);
/** The payload type decoded by {@link PersonalDataErased}. */
export type PersonalDataErased = t.TypeOf<typeof PersonalDataErased>;

/**
 * The field names of `BiographyCommitments`, as an access-log entry names them (never a value):
 * the same list as `BIO_FIELDS` of `personal/commitment.ts`.
 */
export const BioFieldName = t.keyof(
  {
    name: null,
    birthDate: null,
    sex: null,
    birthPlace: null,
    ethnicity: null,
    nationality: null,
    address: null,
    guardian: null,
    phone: null,
  },
  'BioField',
);

/**
 * From this event on, every read of pupils' personal data through hoso is logged as a
 * {@link PersonalDataAccessed} and a read without a purpose is refused (docs/personal-data.md,
 * "Access log"); written once, by the leader. Luật 91/2025/QH15 asks the controller to be able to
 * show who processed which data and why.
 */
export const AccessLogAdopted = closed('AccessLogAdopted', {}, { decision: DocumentRef });
/** The payload type decoded by {@link AccessLogAdopted}. */
export type AccessLogAdopted = t.TypeOf<typeof AccessLogAdopted>;

/** The most pupils one logged read names (a whole school's register at once). */
export const MAX_ACCESS_READS = 5000;

/**
 * One read of personal data (*truy cập dữ liệu cá nhân*): `person` (the author, in the role it
 * signs in) opened `fields` of each pupil in `reads`, for `purpose`, on the legal `basis` the
 * school gives, through `via` (`show`, `log`, `print`, `api`…). School codes and field names only,
 * never a value; in the reader's own stream `access/<person>`, so reads never contend with the
 * records' streams. Kept when a pupil's data is erased: it holds nothing to erase.
 */
export const PersonalDataAccessed = closed(
  'PersonalDataAccessed',
  {
    person: PersonId,
    purpose: lines(500),
    via: text(40),
    reads: t.array(closed('AccessedPupil', { student: PersonId, fields: t.array(BioFieldName) })),
  },
  { basis: text(200) },
);
/** The payload type decoded by {@link PersonalDataAccessed}. */
export type PersonalDataAccessed = t.TypeOf<typeof PersonalDataAccessed>;
// CA-backed signatures (*ký số*; docs/legal.md): in the stream of the act signed
// ---------------------------------------------------------------------------------------------

/**
 * A CA-backed signature on an act (*ký số*): `cms` is a CAdES detached signature (B-T with a
 * timestamp, B-B without) by the certificate `certificate` (the SHA-256 of one bound to the act's
 * signer) over the act event's complete canonical bytes, its Ed25519 `sigs` included, with the
 * revocation evidence at signing time inside (RFC 5940). Written in the act's stream by the act's
 * signer, with the key and role they signed it with: a correction gets one per signer.
 */
export const ActCertified = closed('ActCertified', { act: Uuid, certificate: CertificateDigest, cms: Base64Der });
/** The payload type decoded by {@link ActCertified}. */
export type ActCertified = t.TypeOf<typeof ActCertified>;

/** The acts a CA signature may be put on (QC Điều 9.3, 8.5, 10, 13.3, 12.3). */
export const CERTIFIABLE_ACTS = [
  'SubjectSignedOff',
  'ClassConfirmed',
  'ClassApproved',
  'BookSealed',
  'CorrectionMade',
] as const satisfies readonly EventType[];

/** An act type a CA signature may be put on. */
export type CertifiableAct = (typeof CERTIFIABLE_ACTS)[number];

/** True for {@link CertifiableAct} names. */
export function isCertifiableAct(s: string): s is CertifiableAct {
  return (CERTIFIABLE_ACTS as readonly string[]).includes(s);
}

// ---------------------------------------------------------------------------------------------
// The catalogue
// ---------------------------------------------------------------------------------------------

/** Every event type's payload codec, by type name. */
export const EVENT_CODECS = {
  SchoolFounded,
  AcademicYearDefined,
  SubjectDefined,
  SubjectOffered,
  StaffRegistered,
  CertificateBound,
  KeyRegistered,
  KeyRevoked,
  RoleGranted,
  RoleRevoked,
  ClassOpened,
  StudentEnrolled,
  StudentTransferred,
  StudentRegistered,
  BiographyChanged,
  ScoreEntered,
  CommentLevelEntered,
  SubjectLevelEntered,
  TestScoreEntered,
  RetestScoreEntered,
  RetestCommentLevelEntered,
  SubjectSignedOff,
  AbsenceRecorded,
  ConductAssessed,
  QualityAssessed,
  AttendanceRecorded,
  GrowthMeasured,
  ConductReevaluated,
  ClassConfirmed,
  ClassApproved,
  BookSealed,
  WindowOpened,
  WindowClosed,
  CorrectionMade,
  TestMissed,
  ExemptionDecided,
  IndividualPlanRecorded,
  PromotionDecided,
  RecognitionRecorded,
  SessionsPerDaySet,
  ActCertified,
  PersonalDataFormatAdopted,
  PersonalDataErased,
  AccessLogAdopted,
  PersonalDataAccessed,
} as const;

/** Name of an event type. */
export type EventType = keyof typeof EVENT_CODECS;

/** All event type names, in catalogue order. */
export const EVENT_TYPES = Object.keys(EVENT_CODECS) as EventType[];

/** Type guard for event type names. */
export function isEventType(s: string): s is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_CODECS, s);
}

/** The payload type of each event type. */
export type EventData = { [K in EventType]: t.TypeOf<(typeof EVENT_CODECS)[K]> };

/** A decoded event: its type and its payload, as a tagged union. */
export type LedgerEvent = { [K in EventType]: { readonly type: K; readonly data: EventData[K] } }[EventType];

/**
 * Events that write one record-book cell (*ô*) and may be corrected later; their payload has a
 * `value` string.
 */
export const CELL_EVENT_TYPES = [
  'ScoreEntered',
  'CommentLevelEntered',
  'SubjectLevelEntered',
  'TestScoreEntered',
  'AbsenceRecorded',
  'ConductAssessed',
  'QualityAssessed',
  'AttendanceRecorded',
  'GrowthMeasured',
  'RetestScoreEntered',
  'RetestCommentLevelEntered',
  'ConductReevaluated',
] as const satisfies readonly EventType[];

/** A cell-writing event type. */
export type CellEventType = (typeof CELL_EVENT_TYPES)[number];

/** True for cell-writing event types. */
export function isCellEventType(s: string): s is CellEventType {
  return (CELL_EVENT_TYPES as readonly string[]).includes(s);
}
