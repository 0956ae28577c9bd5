/**
 * What a reader of a notebook's PDF must find in it, checked from the PDF alone with poppler
 * (`pdftotext`, `pdfimages`), whoever printed it (nbconvert's webpdf, its LaTeX route, a browser):
 *
 * - **complete**: every markdown heading of the notebook, in order, and the text of its last cell
 *   (a print that stopped early — Chromium printing before it had read the page — loses the tail);
 * - **equations typeset**: no inline math left with its `$` delimiters, and no TeX command of the
 *   markdown's math (`\frac`, `\mathrm`, …) more often in the text than the code cells themselves
 *   write it;
 * - **every character printed**: none that the PDF's fonts lack (the LaTeX route's default fonts have no
 *   ✔, ≥, ∫ or ‖ outside math: pdftotext reads them as U+FFFD);
 * - **figures**: how many raster images the PDF embeds (the static PNG of each figure in a printed
 *   page), and which figure titles its text holds (vector figures on the LaTeX route keep theirs).
 *
 * Expectations come from the executed notebook; cells whose input nbconvert removes (tags
 * `remove-input` / `hide-input`, see {@link REMOVE_INPUT_TAGS}) expect no input text.
 */
import { spawnSync } from "node:child_process";
import { PLOTLY_MIME } from "../../kernel/display";

/** Cell tags whose input the exports remove (nbconvert's `TagRemovePreprocessor.remove_input_tags`). */
export const REMOVE_INPUT_TAGS = ["remove-input", "hide-input"] as const;

interface Cell {
  cell_type?: string;
  source?: unknown;
  metadata?: { tags?: string[] };
  outputs?: Array<{ output_type?: string; text?: unknown; data?: Record<string, unknown> }>;
}
export interface NotebookJson {
  cells?: Cell[];
}

const joined = (v: unknown): string => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "");

/** Whitespace collapsed, ligatures and typographic variants folded, so PDF text compares with source text. */
export function normalize(s: string): string {
  return s
    .normalize("NFKC") // ﬁ → fi, non-breaking space → space, …
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[‐‑‒–—−]/g, "-")
    .replace(/\s+/g, " ")
    .trim();
}

/** Plain-text pieces of a markdown line (math, inline code markers, emphasis and link targets removed). */
export function plainChunks(markdown: string): string[] {
  return markdown
    .replace(/^#+\s*/, "")
    .replace(/\$\$[\s\S]*?\$\$|\$[^$]*\$|\\\([\s\S]*?\\\)/g, "\u0000") // math splits the text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1") // [text](url) → text
    .replace(/<[^>]+>/g, "") // inline HTML tags
    .replace(/[*_`]+/g, "")
    .split("\u0000")
    .map((c) => normalize(c))
    .filter((c) => c.replace(/[^A-Za-z0-9]/g, "").length >= 3);
}

/** Inline and display math of the markdown cells. */
function markdownMath(cells: Cell[]): string[] {
  const out: string[] = [];
  for (const c of cells) {
    if (c.cell_type !== "markdown") continue;
    const src = joined(c.source);
    for (const m of src.matchAll(/\$\$([\s\S]+?)\$\$|\$([^$\n]+?)\$/g)) out.push((m[1] ?? m[2]).trim());
  }
  return out;
}

/** Text that may legitimately show TeX: code cells' sources (unless removed) and outputs, markdown outside math. */
function codeText(cells: Cell[]): string {
  const parts: string[] = [];
  for (const c of cells) {
    if (c.cell_type === "markdown") parts.push(joined(c.source).replace(/\$\$[\s\S]+?\$\$|\$[^$\n]+?\$/g, " "));
    if (c.cell_type !== "code") continue;
    if (!removesInput(c)) parts.push(joined(c.source));
    for (const o of c.outputs ?? []) {
      parts.push(joined(o.text));
      if (o.data) parts.push(joined(o.data["text/plain"]), joined(o.data["text/html"]), joined(o.data["text/markdown"]), joined(o.data["text/latex"]));
    }
  }
  return parts.join("\n");
}

export function removesInput(c: Cell): boolean {
  return (c.metadata?.tags ?? []).some((t) => (REMOVE_INPUT_TAGS as readonly string[]).includes(t));
}

export interface Expectations {
  /** Plain-text pieces of every heading, in notebook order. */
  headings: string[];
  /** Plain-text pieces of the last cell that shows text (markdown, or code input shown). */
  lastCell: string[];
  /** TeX commands used in the markdown's math, and how often the code cells themselves write each. */
  texCommands: Map<string, number>;
  /** Inline math snippets of the markdown (delimiters off). */
  math: string[];
  /** Figure outputs (Plotly bundles) and their titles. */
  figures: string[];
  /** Sources of code cells whose input the export removes (first line of each). */
  removedInputs: string[];
}

export function expectations(nb: NotebookJson): Expectations {
  const cells = nb.cells ?? [];
  const headings: string[] = [];
  for (const c of cells) {
    if (c.cell_type !== "markdown") continue;
    for (const line of joined(c.source).split("\n")) if (/^#{1,6}\s/.test(line)) headings.push(...plainChunks(line));
  }
  let lastCell: string[] = [];
  for (let i = cells.length - 1; i >= 0 && lastCell.length === 0; i--) {
    const c = cells[i];
    if (c.cell_type === "markdown") {
      const lines = joined(c.source).split("\n").filter((l) => l.trim() !== "");
      lastCell = plainChunks(lines[lines.length - 1] ?? "").slice(-1);
    } else if (c.cell_type === "code" && !removesInput(c)) {
      const lines = joined(c.source).split("\n").filter((l) => l.trim() !== "" && !/^\s*\/\//.test(l));
      const last = normalize(lines[lines.length - 1] ?? "");
      if (last.length >= 3) lastCell = [last];
    }
  }
  const math = markdownMath(cells);
  const code = codeText(cells);
  const texCommands = new Map<string, number>();
  for (const m of math) for (const cmd of m.match(/\\[A-Za-z]+/g) ?? []) if (!texCommands.has(cmd)) texCommands.set(cmd, countWord(code, cmd));
  const figures: string[] = [];
  for (const c of cells)
    for (const o of c.outputs ?? []) {
      const fig = o.data?.[PLOTLY_MIME] as { layout?: { title?: { text?: string } | string } } | undefined;
      if (!fig) continue;
      const t = fig.layout?.title;
      figures.push(normalize((typeof t === "string" ? t : t?.text ?? "").replace(/<br>.*$/s, "").replace(/<[^>]+>/g, "")));
    }
  const removedInputs = cells.filter((c) => c.cell_type === "code" && removesInput(c)).map((c) => normalize(joined(c.source).split("\n")[0] ?? ""));
  return { headings, lastCell, texCommands, math, figures, removedInputs };
}

/** Occurrences of a TeX command as a whole word (`\log` does not count `\logp`). */
function countWord(text: string, cmd: string): number {
  const re = new RegExp(cmd.replace(/\\/g, "\\\\") + "(?![A-Za-z])", "g");
  return (text.match(re) ?? []).length;
}

export interface PdfFindings {
  pages: number;
  /** Raster images (not soft masks) embedded, per `pdfimages -list`. */
  images: number;
  /** Headings not found in order (the first one missing and every one after it, if the print stopped). */
  missingHeadings: string[];
  lastCellFound: boolean;
  /** Math left as TeX source: `$…$` snippets and commands found more often than the code writes them. */
  rawMath: string[];
  /** Figure titles found in the text (vector figures keep theirs; raster ones do not). */
  titlesInText: number;
  /** Inputs that should have been removed but are in the text. */
  removedInputsShown: string[];
  /** Characters the PDF's fonts lack (pdftotext gives U+FFFD for them): a ✔ or ≥ printed as a blank. */
  missingGlyphs: number;
  text: string;
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd} could not run (${r.error.message}); on Debian: apt-get install poppler-utils`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

export function pdfText(pdf: string): string {
  return run("pdftotext", ["-enc", "UTF-8", pdf, "-"]);
}

export function pdfImageCount(pdf: string): number {
  const rows = run("pdfimages", ["-list", pdf]).trim().split("\n").slice(2);
  return rows.filter((r) => r.trim().split(/\s+/)[2] === "image").length;
}

export function pdfPages(pdf: string): number {
  return Number(/Pages:\s+(\d+)/.exec(run("pdfinfo", [pdf]))?.[1] ?? NaN);
}

/**
 * Without whitespace or hyphens: PDF text breaks lines and pads code spans where the source has none,
 * and pdftotext joins a word broken at a hyphen at a line's end without its hyphen
 * ("importance-⏎weighted" → "importanceweighted").
 */
const squeeze = (s: string) => s.replace(/[\s-]+/g, "");

/** Compares a PDF with what its notebook expects (see the file comment). */
export function checkPdf(pdf: string, exp: Expectations): PdfFindings {
  const raw = pdfText(pdf);
  const text = normalize(raw);
  const flat = squeeze(text);
  // Headings in order: each searched after the previous one. Headings repeated verbatim still match in order.
  const missingHeadings: string[] = [];
  let at = 0;
  for (const h of exp.headings) {
    const i = flat.indexOf(squeeze(h), at);
    if (i < 0) missingHeadings.push(h);
    else at = i + squeeze(h).length;
  }
  const lastCellFound = exp.lastCell.every((c) => flat.includes(squeeze(c)));
  const rawMath: string[] = [];
  for (const m of exp.math) {
    const snippet = normalize(`$${m}$`);
    if (m.length > 1 && flat.includes(squeeze(snippet))) rawMath.push(snippet);
  }
  for (const [cmd, inCode] of exp.texCommands) {
    const n = countWord(text, cmd);
    if (n > inCode) rawMath.push(`${cmd} ×${n} (code writes it ${inCode}×)`);
  }
  const titlesInText = exp.figures.filter((t) => t && flat.includes(squeeze(t))).length;
  const removedInputsShown = exp.removedInputs.filter((s) => s.length >= 8 && flat.includes(squeeze(s)));
  const missingGlyphs = (raw.match(/\uFFFD/g) ?? []).length;
  return { pages: pdfPages(pdf), images: pdfImageCount(pdf), missingHeadings, lastCellFound, rawMath, titlesInText, removedInputsShown, missingGlyphs, text: raw };
}

/** One line saying what is wrong with a PDF, or null when it is complete and every equation is typeset. */
export function pdfProblems(f: PdfFindings, exp: Expectations, opts: { rasterFigures: boolean }): string[] {
  const out: string[] = [];
  if (f.missingHeadings.length) out.push(`incomplete: ${f.missingHeadings.length} of ${exp.headings.length} headings missing, from "${f.missingHeadings[0]}"`);
  if (!f.lastCellFound) out.push(`incomplete: the last cell's text "${exp.lastCell.join(" … ")}" is missing`);
  if (f.rawMath.length) out.push(`equations not typeset: ${f.rawMath.slice(0, 5).join(", ")}${f.rawMath.length > 5 ? ", …" : ""}`);
  if (opts.rasterFigures && f.images < exp.figures.length) out.push(`${f.images} images for ${exp.figures.length} figures`);
  if (!opts.rasterFigures && f.titlesInText < exp.figures.length) out.push(`${f.titlesInText} of ${exp.figures.length} figure titles in the text`);
  if (f.missingGlyphs) out.push(`${f.missingGlyphs} characters missing from the PDF's fonts (U+FFFD in its text)`);
  if (f.removedInputsShown.length) out.push(`inputs tagged ${REMOVE_INPUT_TAGS.join("/")} are shown: ${f.removedInputsShown.join(" | ")}`);
  return out;
}
