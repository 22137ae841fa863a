/**
 * The print document model (*mô hình văn bản in*): a small, renderer-neutral description of a
 * paper form. Every book builder produces a {@link PrintDocument}; `renderPdf` and `renderHtml`
 * turn the same document into PDF and self-contained HTML, so both outputs always carry the
 * same values and the same verification data.
 *
 * All text is plain Unicode (normalised to NFC by the renderers); there is no markup.
 */

/** Page orientation of an A4 section: portrait (*khổ dọc*) or landscape (*khổ ngang*). */
export type Orientation = 'portrait' | 'landscape';

/** Horizontal alignment of a paragraph or a table column. */
export type Align = 'left' | 'center' | 'right';

/** A whole printable document: one or more sections sharing one verification footer. */
export interface PrintDocument {
  /** Document title, written into the PDF metadata and the HTML `<title>`. */
  readonly title: string;
  /**
   * Who issues the document: the school's name. Written into the PDF's `Author` (XMP
   * `dc:creator`) and the HTML `<meta name="author">`; not printed on the pages (the header is).
   */
  readonly author?: string;
  /** What the document is, e.g. the form's name; written into the PDF's `Subject` (XMP `dc:description`). */
  readonly subject?: string;
  /** What the printed pages were checked against; printed in the footer of every page. */
  readonly verification: Verification;
  /** Sections, each starting on a new page with its own orientation. */
  readonly sections: ReadonlyArray<Section>;
}

/**
 * The checkpoint a document was printed against (*dữ liệu kiểm chứng*), printed on every page
 * and encoded in the QR code as a proof reference (see `proof-ref.ts`).
 */
export interface Verification {
  /** Checkpoint origin, `hoso/<ledger id>` (docs/design.md §5). */
  readonly origin: string;
  /** Tree size of the checkpoint: the book shows the ledger's first `size` events. */
  readonly size: number;
  /** Merkle root of the checkpoint, 64 hex digits. */
  readonly root: string;
  /** Ledger position of the last event that changed this book (its head); `< size`. */
  readonly index?: number;
  /** Leaf hash (64 hex) of the event at `index`, when the printer knows it. */
  readonly leaf?: string;
  /** Which book this is, e.g. the stream `markbook/2024-2025/10A1/toan`. */
  readonly book?: string;
  /**
   * The id of the event at `index` (its envelope's `id`), when the page is about one event (the
   * correction minutes). A machine identifier: printed in the footer's small print only.
   */
  readonly eventId?: string;
  /**
   * When the document was printed, shown on the page: an RFC 3339 timestamp prints as
   * `dd/MM/yyyy HH:mm` in Vietnam time (see `viDateTime`), other text as given.
   */
  readonly printedAt?: string;
}

/** One form (or one part of a form) printed on one or more A4 pages of one orientation. */
export interface Section {
  readonly orientation: Orientation;
  /** The national header: issuing authority on the left, the national motto on the right. */
  readonly header?: FormHeader;
  /** The form's title, printed bold, centred, in capitals as the Ministry's forms are. */
  readonly title: string;
  /** Lines under the title (school year, class, subject…), centred. */
  readonly subtitle?: ReadonlyArray<string>;
  /**
   * The book's heading repeated at the top of every continuation page of the section (class,
   * subject, year, teacher), followed by *(tiếp theo)*. Default: the title and subtitle lines.
   */
  readonly runningHead?: string;
  readonly blocks: ReadonlyArray<Block>;
}

/** The header block of a Vietnamese administrative form. */
export interface FormHeader {
  /** Left column, top to bottom, e.g. `["SỞ GD&ĐT ĐẮK NÔNG", "TRƯỜNG THPT CHU VĂN AN"]`; the last line is bold. */
  readonly authority: ReadonlyArray<string>;
  /** Print the national motto block (*Quốc hiệu, tiêu ngữ*) on the right. */
  readonly motto: boolean;
  /** Number under the authority, e.g. `"Số: 03/BB-SCDL"`. */
  readonly number?: string;
  /** Place and date under the motto, italic, e.g. `"Gia Nghĩa, ngày 29 tháng 11 năm 2026"`. */
  readonly placeDate?: string;
  /** Form code in the top right corner, e.g. `"Mẫu số 1"`. */
  readonly formCode?: string;
}

/** The pieces a section is made of, laid out top to bottom. */
export type Block = ParagraphBlock | FieldsBlock | TableBlock | SignaturesBlock | SpacerBlock;

/** A paragraph of text; wraps within the page width. */
export interface ParagraphBlock {
  readonly kind: 'paragraph';
  readonly text: string;
  readonly align?: Align;
  readonly bold?: boolean;
  readonly italic?: boolean;
  /** Relative size: `small` for notes, `large` for headings. */
  readonly size?: 'small' | 'normal' | 'large';
}

/** Labelled values on a grid, e.g. "Họ và tên: …   Ngày sinh: …". */
export interface FieldsBlock {
  readonly kind: 'fields';
  /** Number of label/value pairs per line (1–4). */
  readonly columns: number;
  readonly items: ReadonlyArray<Field>;
}

/** One labelled value of a {@link FieldsBlock}. */
export interface Field {
  readonly label: string;
  readonly value: string;
}

/** A ruled table with a (possibly grouped) header, repeated on every page it spans. */
export interface TableBlock {
  readonly kind: 'table';
  /** Header tree: a column with `children` is a group whose leaves are the data columns. */
  readonly columns: ReadonlyArray<Column>;
  /** One array per row, one cell per leaf column. */
  readonly rows: ReadonlyArray<ReadonlyArray<Cell>>;
  /** Body font size in points (6–12; default 8). */
  readonly fontSize?: number;
  /** Notes printed under the table (e.g. the list of corrections). */
  readonly notes?: ReadonlyArray<string>;
}

/** A column (leaf) or a column group (with children) of a table header. */
export interface Column {
  readonly label: string;
  /** Relative width of a leaf column (default 1); ignored on groups. */
  readonly width?: number;
  /** Alignment of the leaf column's body cells (default centre). */
  readonly align?: Align;
  readonly children?: ReadonlyArray<Column>;
}

/** A table cell: plain text, or a value with its correction mark. */
export type Cell = string | CellValue;

/** A cell value with presentation and, when it was corrected, the correction. */
export interface CellValue {
  /** The value in force (the new value when corrected). */
  readonly text: string;
  readonly bold?: boolean;
  /**
   * Set when the value replaced another through a correction (*sửa chữa*, QC Điều 12.3): the
   * old value is printed struck through in red, the new one beside it, marked with the minutes.
   */
  readonly correction?: CellCorrection;
}

/** The trace of a correction printed in a cell (paper practice: red strike-through). */
export interface CellCorrection {
  /** The value before the correction (may be empty when a missing value was filled in). */
  readonly old: string;
  /** Number of the correction minutes (*số biên bản sửa chữa dữ liệu*), e.g. `"03/BB-SCDL"`. */
  readonly minutes: string;
}

/** A row of signature blocks (*chữ ký*), each with a title, the name and the key fingerprint. */
export interface SignaturesBlock {
  readonly kind: 'signatures';
  readonly items: ReadonlyArray<Signature>;
}

/**
 * Who signs in a signature place, for software (a later electronic signature is put in the place
 * of its signer's role): the subject teacher (*giáo viên bộ môn*), the homeroom teacher (*giáo viên
 * chủ nhiệm*), a class teacher (*giáo viên*, attendance and the preschool book), the principal
 * (*hiệu trưởng*), and the three signers of correction minutes: requester (*người đề nghị*),
 * witness (*người chứng kiến*, the software administrator) and approver (*lãnh đạo đơn vị*).
 */
export type SignerRole =
  'subject-teacher' | 'homeroom' | 'teacher' | 'principal' | 'requester' | 'witness' | 'approver';

/** Every {@link SignerRole}. */
export const SIGNER_ROLES: ReadonlyArray<SignerRole> = [
  'subject-teacher',
  'homeroom',
  'teacher',
  'principal',
  'requester',
  'witness',
  'approver',
];

/** One signature block. */
export interface Signature {
  /** Role title in capitals, e.g. `"HIỆU TRƯỞNG"`, `"GIÁO VIÊN CHỦ NHIỆM"`. */
  readonly title: string;
  /** The signer's role for software (the form builders set it); see {@link SignerRole}. */
  readonly role?: SignerRole;
  /** Italic hint under the title, default `"(Ký, ghi rõ họ tên)"`. */
  readonly note?: string;
  /** Signer's full name. */
  readonly name: string;
  /** Fingerprint of the signer's key (see `keyFingerprint`), printed in monospace. */
  readonly fingerprint?: string;
  /**
   * When it was signed in the ledger: an RFC 3339 timestamp prints as *Ký số lúc dd/MM/yyyy HH:mm*
   * in Vietnam time; other text prints as given.
   */
  readonly signedAt?: string;
}

/** Vertical white space, in points (0–200). */
export interface SpacerBlock {
  readonly kind: 'spacer';
  readonly size: number;
}

/** A4 in PDF points (ISO 216: 210 × 297 mm). */
export const A4 = { width: 595.28, height: 841.89 } as const;

/** Page size in points for an orientation (landscape swaps width and height). */
export function pageSize(o: Orientation): { width: number; height: number } {
  return o === 'portrait' ? { width: A4.width, height: A4.height } : { width: A4.height, height: A4.width };
}

/** The national motto block (*Quốc hiệu và Tiêu ngữ*). */
export const NATIONAL_MOTTO = ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc'] as const;

/** The leaf (data) columns of a header tree, left to right. */
export function leafColumns(columns: ReadonlyArray<Column>): Column[] {
  const out: Column[] = [];
  const walk = (cs: ReadonlyArray<Column>): void => {
    for (const c of cs) {
      if (c.children && c.children.length > 0) walk(c.children);
      else out.push(c);
    }
  };
  walk(columns);
  return out;
}

/** Depth of a header tree (1 for a flat header). */
export function headerDepth(columns: ReadonlyArray<Column>): number {
  let d = 0;
  for (const c of columns) d = Math.max(d, c.children && c.children.length > 0 ? 1 + headerDepth(c.children) : 1);
  return d;
}

/** Text and correction of a cell, whichever form it was given in. */
export function cellValue(c: Cell): CellValue {
  return typeof c === 'string' ? { text: c } : c;
}
