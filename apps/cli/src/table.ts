/** Characters that take no room on a terminal: the ANSI colour codes picocolors adds. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

/**
 * Renders rows as a plain-text table with a header, columns padded to their widest cell. Plain
 * spaces, no box drawing, so that it stays readable in logs and when piped to `column` or `awk`.
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(visibleLength(title), ...rows.map((row) => visibleLength(row[column] ?? ''))),
  );
  const format = (row: readonly string[]) =>
    row
      .map((cell, column) =>
        column === row.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - visibleLength(cell)),
      )
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format)].join('\n');
}
