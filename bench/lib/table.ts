/** A plain-text table for the terminal and for Markdown (the same rows, two renderings). */
export type Table = { title: string; columns: string[]; rows: string[][]; notes?: string[] };

export function renderText(table: Table): string {
  const widths = table.columns.map((c, i) =>
    Math.max(c.length, ...table.rows.map((r) => (r[i] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join("  ");
  return [
    table.title,
    line(table.columns),
    widths.map((w) => "─".repeat(w)).join("  "),
    ...table.rows.map(line),
    ...(table.notes ?? []).map((n) => `  ${n}`),
  ].join("\n");
}

export function renderMarkdown(table: Table): string {
  const escapeCell = (cell: string) => cell.replaceAll("|", "\\|");
  return [
    `**${table.title}**`,
    "",
    `| ${table.columns.map(escapeCell).join(" | ")} |`,
    `| ${table.columns.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
    ...table.rows.map((r) => `| ${r.map(escapeCell).join(" | ")} |`),
    ...(table.notes?.length ? ["", ...table.notes.map((n) => `- ${n}`)] : []),
  ].join("\n");
}
