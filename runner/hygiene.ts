/**
 * Source-notebook hygiene. Notebooks are committed clean: no outputs, no execution counts, no
 * volatile metadata, the `tslab` kernelspec, and a unique `id` on every cell (nbformat 4.5 requires
 * one; without it nbformat warns on every `jupyter nbconvert` and will refuse such files). `npm test` runs the check; `npm run clean-notebooks`
 * (this file with --fix) rewrites dirty notebooks in place — the only command that ever writes a
 * source notebook, and only when asked to.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { KERNEL_NAME, projectRoot } from "../kernel/jupyter";
import { discoverNotebooks } from "./run";

/**
 * Cell metadata keys that front ends add while a notebook is used, and that mean nothing in a source.
 * `jupyter` is volatile except for `{"source_hidden": true}`, which the author sets on cells that only
 * build a figure (JupyterLab shows them collapsed; with the `hide-input` tag the exports leave the code out).
 */
const VOLATILE_CELL_KEYS = ["execution", "collapsed", "scrolled", "ExecuteTime", "jupyter", "vscode", "pycharm"];

/** The only `jupyter` cell metadata a source keeps. */
function keptJupyter(v: unknown): { source_hidden: true } | undefined {
  return v && typeof v === "object" && (v as { source_hidden?: unknown }).source_hidden === true ? { source_hidden: true } : undefined;
}

function isVolatile(key: string, value: unknown): boolean {
  if (!VOLATILE_CELL_KEYS.includes(key)) return false;
  return !(key === "jupyter" && JSON.stringify(value) === JSON.stringify(keptJupyter(value)));
}
/** Notebook metadata kept in sources; everything else is stripped. */
const KEPT_NB_KEYS = ["kernelspec", "language_info", "title", "authors"];
const KERNELSPEC = { display_name: "TypeScript (ELBO Lab)", language: "typescript", name: KERNEL_NAME };

interface Cell {
  cell_type: string;
  metadata?: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
  [k: string]: unknown;
}
interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  [k: string]: unknown;
}

/** A cell's text (nbformat stores it as a string or a list of lines); hygiene reads any JSON, so it may lack one. */
function sourceText(c: Cell): string {
  return Array.isArray(c.source) ? c.source.join("") : String(c.source ?? "");
}

/** nbformat 4.5's rule for a cell id. */
const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;

/** Indices of cells whose id is missing, malformed, or a repeat of an earlier cell's. */
function badIds(nb: Notebook): number[] {
  const seen = new Set<string>();
  const bad: number[] = [];
  nb.cells.forEach((c, i) => {
    const id = c.id;
    if (typeof id !== "string" || !CELL_ID.test(id) || seen.has(id)) bad.push(i);
    else seen.add(id);
  });
  return bad;
}

/**
 * Inline `$…$` math in a markdown source whose opening `$` is followed, or closing `$` preceded, by a space.
 * MathJax typesets it, but pandoc (nbconvert's LaTeX route) reads such a `$` as a dollar sign, escapes it, and
 * XeLaTeX then stops with "Missing $ inserted" (seen in notebook 09: `… - \log 2 + $ the tiny overlap`).
 * Display math (`$$…$$`), code spans and `\$` are left alone.
 */
export function looseInlineMath(markdown: string): string[] {
  const text = markdown.replace(/\$\$[\s\S]*?\$\$/g, "").replace(/`[^`]*`/g, "");
  const out: string[] = [];
  for (const m of text.matchAll(/(?<![\\$])\$([^$]+?)\$(?!\$)/g)) {
    const inner = m[1];
    if (/^\s|\s$/.test(inner)) out.push(m[0].length > 60 ? `${m[0].slice(0, 57)}…` : m[0]);
  }
  return out;
}

/** What is dirty about a notebook, one line each; empty when clean. */
export function problems(nb: Notebook): string[] {
  const out: string[] = [];
  const ks = nb.metadata?.kernelspec as { name?: string } | undefined;
  if (!ks || ks.name !== KERNEL_NAME) out.push(`metadata.kernelspec.name is ${JSON.stringify(ks?.name)}, expected "${KERNEL_NAME}"`);
  for (const k of Object.keys(nb.metadata ?? {})) if (!KEPT_NB_KEYS.includes(k)) out.push(`notebook metadata "${k}" is volatile`);
  nb.cells.forEach((c, i) => {
    if (c.cell_type === "code") {
      if (c.outputs && c.outputs.length > 0) out.push(`cell ${i} has ${c.outputs.length} output(s)`);
      if (c.execution_count !== null && c.execution_count !== undefined) out.push(`cell ${i} has execution_count ${c.execution_count}`);
    }
    for (const k of VOLATILE_CELL_KEYS) if (c.metadata && k in c.metadata && isVolatile(k, c.metadata[k])) out.push(`cell ${i} metadata "${k}" is volatile`);
    if (c.cell_type === "markdown") {
      for (const m of looseInlineMath(sourceText(c))) out.push(`cell ${i}: inline math with a space inside its $ (pandoc and LaTeX print it raw): ${m}`);
    }
  });
  for (const i of badIds(nb)) {
    const id = nb.cells[i].id;
    out.push(id === undefined ? `cell ${i} has no id` : `cell ${i} has id ${JSON.stringify(id)}, ${typeof id === "string" && CELL_ID.test(id) ? "a repeat" : "not a valid nbformat id"}`);
  }
  return out;
}

/**
 * A clean copy of `nb`. Cells without a valid unique id get one made from their text and position, so
 * cleaning the same notebook twice gives the same file.
 */
export function clean(nb: Notebook): Notebook {
  const bad = new Set(badIds(nb));
  const taken = new Set(nb.cells.filter((_, i) => !bad.has(i)).map((c) => c.id as string));
  const newId = (c: Cell, i: number): string => {
    const text = sourceText(c);
    for (let salt = 0; ; salt++) {
      const id = createHash("sha1").update(`${i}\u0000${salt}\u0000${text}`).digest("hex").slice(0, 8);
      if (!taken.has(id)) {
        taken.add(id);
        return id;
      }
    }
  };
  const metadata: Record<string, unknown> = {};
  for (const k of KEPT_NB_KEYS) if (k in (nb.metadata ?? {})) metadata[k] = nb.metadata[k];
  metadata.kernelspec = KERNELSPEC;
  metadata.language_info = { name: "typescript" };
  return {
    ...nb,
    metadata,
    cells: nb.cells.map((c, i) => {
      const m = { ...(c.metadata ?? {}) };
      const jupyter = keptJupyter(m.jupyter);
      for (const k of VOLATILE_CELL_KEYS) delete m[k];
      if (jupyter) m.jupyter = jupyter;
      let cell: Cell = { ...c, metadata: m };
      // Keys in the order Jupyter writes them (sorted), so a new id lands where Jupyter would put it.
      if (bad.has(i)) cell = Object.fromEntries(Object.entries({ ...cell, id: newId(c, i) }).sort(([a], [b]) => (a < b ? -1 : 1))) as Cell;
      if (c.cell_type === "code") {
        cell.outputs = [];
        cell.execution_count = null;
      }
      return cell;
    }),
  };
}

/** The file text Jupyter itself writes: 1-space indent, trailing newline, non-ASCII kept. */
export function serialise(nb: Notebook): string {
  return JSON.stringify(nb, null, 1) + "\n";
}

export function main(argv: string[]): number {
  const fix = argv.includes("--fix");
  const files = argv.filter((a) => !a.startsWith("--"));
  const root = projectRoot();
  const notebooks = files.length > 0 ? files : discoverNotebooks(path.join(root, "notebooks"));
  let dirty = 0;
  let byHandCount = 0;
  for (const file of notebooks) {
    const rel = path.relative(root, path.resolve(file));
    let nb: Notebook;
    try {
      nb = JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
      if (!Array.isArray(nb.cells)) throw new Error("no cells array");
    } catch (e) {
      console.error(`✘ ${rel}: not a notebook (${(e as Error).message})`);
      dirty++;
      continue;
    }
    const p = problems(nb);
    if (p.length === 0) continue;
    // What cleaning cannot mend (the text itself, e.g. loose inline math) needs an edit by hand.
    const cleaned = clean(nb);
    const byHand = problems(cleaned);
    const cleanable = p.filter((l) => !byHand.includes(l));
    if (byHand.length > 0) {
      byHandCount++;
      console.error(`✘ ${rel} needs an edit by hand:\n${byHand.map((l) => `    ${l}`).join("\n")}`);
    }
    if (cleanable.length === 0) continue;
    if (fix) {
      fs.writeFileSync(file, serialise(cleaned));
      console.log(`cleaned ${rel} (${cleanable.length} problem(s))`);
    } else {
      dirty++;
      console.error(`✘ ${rel} is not clean:\n${cleanable.slice(0, 10).map((l) => `    ${l}`).join("\n")}${cleanable.length > 10 ? `\n    … ${cleanable.length - 10} more` : ""}`);
    }
  }
  if (dirty > 0) console.error(`${dirty} source notebook(s) need cleaning: run \`npm run clean-notebooks\` (strips outputs, execution counts and volatile metadata).`);
  if (byHandCount > 0) console.error(`${byHandCount} source notebook(s) need an edit by hand (above).`);
  if (dirty > 0 || byHandCount > 0) return 1;
  console.log(`notebook hygiene: ${notebooks.length} source notebook(s) clean`);
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
