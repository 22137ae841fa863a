/**
 * Where the PDF renderer put things: each page, each signer's signature place (for a later
 * electronic signature with a visible appearance, e.g. a PAdES widget), and each table header cell
 * (for checks). Coordinates are PDF user space: points, origin at the page's bottom-left corner,
 * so a widget's `/Rect` is `[x, y, x + w, y + h]`.
 */
import type { HeaderFit } from './header-fit.js';
import type { Orientation, SignerRole } from './model.js';

/** A rectangle on a page, PDF user space (points, origin bottom-left). */
export interface PageRect {
  /** Page number, 1-based. */
  readonly page: number;
  /** Left edge. */
  readonly x: number;
  /** Bottom edge. */
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** One page of the rendered PDF. */
export interface PagePlace {
  /** Page number, 1-based. */
  readonly page: number;
  /** Index of the document section the page belongs to. */
  readonly section: number;
  readonly orientation: Orientation;
  readonly width: number;
  readonly height: number;
  /** Not the section's first page: it carries the running head (the book's heading, *tiếp theo*). */
  readonly continuation: boolean;
}

/**
 * The place of one signer on a form (*vị trí ký*): the room left for the signature between the role
 * title with its hint and the printed name. An electronic signature's visible block goes here.
 */
export interface SignaturePlace extends PageRect {
  /** Index of the document section. */
  readonly section: number;
  /** Index of the signatures block in the section and of the signer in it. */
  readonly block: number;
  readonly item: number;
  /** The signer's role for software, when the form says it (the form builders do). */
  readonly role?: SignerRole;
  /** The role title printed above the place, e.g. `"HIỆU TRƯỞNG"`. */
  readonly title: string;
  /** The signer's name printed below it (empty when not known yet). */
  readonly name: string;
}

/** One header cell of a table as drawn: its box and how its label was set. */
export interface HeaderPlace extends PageRect {
  readonly section: number;
  readonly block: number;
  readonly label: string;
  readonly fit: HeaderFit;
}

/** What {@link renderPdfWithLayout} reports besides the bytes. */
export interface PdfLayout {
  readonly pages: ReadonlyArray<PagePlace>;
  /** Every signer's place, in the order drawn (section, block, left to right). */
  readonly signatures: ReadonlyArray<SignaturePlace>;
  /** Every header cell on every page it was drawn (a table repeats its header on each page). */
  readonly headers: ReadonlyArray<HeaderPlace>;
}
