/**
 * Plain-text tables for the terminal: columns sized to their widest cell (by Unicode code points,
 * after NFC, so Vietnamese letters count once), a rule under the header, numbers right-aligned.
 */

/** Width of a string as the terminal draws it (precomposed letters, no wide CJK expected). */
export const width = (s: string): number => [...s.normalize('NFC')].length;

/** Render `rows` under `header`; columns listed in `right` are right-aligned. */
export function renderTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  right: ReadonlySet<number> = new Set(),
): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => {
        const pad = ' '.repeat(Math.max(0, widths[i]! - width(c)));
        return right.has(i) ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}
