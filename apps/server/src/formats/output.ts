/** A plain text table: no colours, so it reads the same in a terminal, a pipe or a log. */
export const formatTable = (headers: string[], rows: (string | number | null | undefined)[][]): string => {
  const cells = rows.map((row) =>
    row.map((cell) => (cell === null || cell === undefined ? "" : String(cell))),
  );
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
};

/** RFC 4180: quote fields holding a comma, a quote or a line break. */
export const formatCsv = (
  headers: string[],
  rows: (string | number | boolean | null | undefined)[][],
): string => {
  const field = (value: string | number | boolean | null | undefined) => {
    const text = value === null || value === undefined ? "" : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [headers, ...rows].map((row) => row.map(field).join(",")).join("\r\n");
};

export class UsageError extends Error {}
