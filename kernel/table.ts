/**
 * `showTable(df or rows)` — a table as HTML (notebooks, HTML export, PDF) and as aligned text (logs,
 * consoles, nbconvert's LaTeX route, which drops HTML).
 *
 * Accepts a danfojs DataFrame (anything with `columns` and `values`, read duck-typed: danfojs — and
 * tfjs behind it — is never loaded here, so notebooks without tables never pay for it), an array of
 * row objects, or `{ columns, rows }`.
 *
 * @example showTable([{ q: "N(0, 1)", ELBO: -1.93, KL: 0.18 }], { caption: "Two choices of q" })
 */
import { emit, type MimeBundle } from "./output";

export interface DataFrameLike {
  columns: string[];
  values: unknown[][] | unknown[];
  index?: Array<string | number>;
}

export type TableInput = DataFrameLike | Array<Record<string, unknown>> | { columns: string[]; rows: unknown[][] };

export interface TableOptions {
  caption?: string;
  /** Significant digits for numbers (default 6). */
  digits?: number;
  /** Rows shown; the rest are counted in a last line (default 60). */
  maxRows?: number;
  /** Show the DataFrame's index as a first column (default: only when it is not 0, 1, 2…). */
  index?: boolean;
}

interface Table {
  columns: string[];
  rows: unknown[][];
}

function isDataFrame(x: unknown): x is DataFrameLike {
  return typeof x === "object" && x !== null && !Array.isArray(x) && Array.isArray((x as DataFrameLike).columns) && Array.isArray((x as DataFrameLike).values);
}

/** Normalises any accepted input to columns + rows. */
export function toTable(input: TableInput, opts: TableOptions = {}): Table {
  if (isDataFrame(input)) {
    const cols = input.columns.map(String);
    const vals = input.values as unknown[];
    // A one-column frame may hold a flat array.
    const rows = vals.map((r) => (Array.isArray(r) ? r : [r]));
    const idx = input.index ?? [];
    const trivial = idx.every((v, i) => v === i);
    if (opts.index ?? !trivial) return { columns: ["", ...cols], rows: rows.map((r, i) => [idx[i] ?? i, ...r]) };
    return { columns: cols, rows };
  }
  if (Array.isArray(input)) {
    const columns: string[] = [];
    for (const row of input) {
      if (typeof row !== "object" || row === null) throw new TypeError("showTable: rows must be objects ({column: value})");
      for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
    }
    return { columns, rows: input.map((r) => columns.map((c) => r[c])) };
  }
  if (input && Array.isArray((input as Table).columns) && Array.isArray((input as Table).rows)) {
    const t = input as Table;
    t.rows.forEach((r, i) => {
      if (r.length !== t.columns.length) throw new RangeError(`showTable: row ${i} has ${r.length} cells, expected ${t.columns.length}`);
    });
    return { columns: t.columns.map(String), rows: t.rows };
  }
  throw new TypeError("showTable: expected a DataFrame, an array of row objects, or {columns, rows}");
}

export function formatCell(v: unknown, digits = 6): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
    if (!Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-4 || a >= 1e9)) return v.toExponential(Math.max(0, digits - 1));
    return String(Number(v.toPrecision(digits)));
  }
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);
}

function numericColumns(t: Table): boolean[] {
  return t.columns.map((_, j) => t.rows.length > 0 && t.rows.every((r) => r[j] === null || r[j] === undefined || typeof r[j] === "number"));
}

/** Aligned plain text: numbers right-aligned, text left-aligned. */
export function tableText(t: Table, opts: TableOptions = {}): string {
  const digits = opts.digits ?? 6;
  const maxRows = opts.maxRows ?? 60;
  const shown = t.rows.slice(0, maxRows);
  const num = numericColumns(t);
  const cells = shown.map((r) => r.map((v) => formatCell(v, digits)));
  const widths = t.columns.map((c, j) => Math.max(c.length, ...cells.map((r) => (r[j] ?? "").length)));
  const pad = (s: string, j: number) => (num[j] ? s.padStart(widths[j]) : s.padEnd(widths[j]));
  const lines = [t.columns.map(pad).join("  "), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map((r) => r.map(pad).join("  "))];
  if (t.rows.length > shown.length) lines.push(`… ${t.rows.length - shown.length} more rows (${t.rows.length} in all)`);
  if (opts.caption) lines.unshift(opts.caption);
  return lines.map((l) => l.replace(/\s+$/, "")).join("\n");
}

export function tableHtml(t: Table, opts: TableOptions = {}): string {
  const digits = opts.digits ?? 6;
  const maxRows = opts.maxRows ?? 60;
  const num = numericColumns(t);
  const align = (j: number) => (num[j] ? ' style="text-align:right"' : ' style="text-align:left"');
  const head = t.columns.map((c, j) => `<th${align(j)}>${escapeHtml(c)}</th>`).join("");
  const body = t.rows
    .slice(0, maxRows)
    .map((r) => `<tr>${r.map((v, j) => `<td${align(j)}>${escapeHtml(formatCell(v, digits))}</td>`).join("")}</tr>`)
    .join("\n");
  const more = t.rows.length > maxRows ? `<tr><td colspan="${t.columns.length}">… ${t.rows.length - maxRows} more rows (${t.rows.length} in all)</td></tr>` : "";
  const caption = opts.caption ? `<caption style="caption-side:top;text-align:left;font-weight:bold">${escapeHtml(opts.caption)}</caption>` : "";
  return (
    `<table class="elbo-lab-table dataframe" style="border-collapse:collapse;font-variant-numeric:tabular-nums">` +
    `${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}${more}</tbody></table>`
  );
}

export function tableBundle(input: TableInput, opts: TableOptions = {}): MimeBundle {
  const t = toTable(input, opts);
  return { "text/html": tableHtml(t, opts), "text/plain": tableText(t, opts) };
}

/** Shows a table (HTML + text). */
export function showTable(input: TableInput, opts: TableOptions = {}): void {
  emit(tableBundle(input, opts));
}
