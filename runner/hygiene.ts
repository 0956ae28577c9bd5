/**
 * Source-notebook hygiene. Notebooks are committed clean: no outputs, no execution counts, no
 * volatile metadata, and the `tslab` kernelspec. `npm test` runs the check; `npm run clean-notebooks`
 * (this file with --fix) rewrites dirty notebooks in place — the only command that ever writes a
 * source notebook, and only when asked to.
 */
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
  });
  return out;
}

/** A clean copy of `nb`. */
export function clean(nb: Notebook): Notebook {
  const metadata: Record<string, unknown> = {};
  for (const k of KEPT_NB_KEYS) if (k in (nb.metadata ?? {})) metadata[k] = nb.metadata[k];
  metadata.kernelspec = KERNELSPEC;
  metadata.language_info = { name: "typescript" };
  return {
    ...nb,
    metadata,
    cells: nb.cells.map((c) => {
      const m = { ...(c.metadata ?? {}) };
      const jupyter = keptJupyter(m.jupyter);
      for (const k of VOLATILE_CELL_KEYS) delete m[k];
      if (jupyter) m.jupyter = jupyter;
      const cell: Cell = { ...c, metadata: m };
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
    if (fix) {
      fs.writeFileSync(file, serialise(clean(nb)));
      console.log(`cleaned ${rel} (${p.length} problem(s))`);
    } else {
      dirty++;
      console.error(`✘ ${rel} is not clean:\n${p.slice(0, 10).map((l) => `    ${l}`).join("\n")}${p.length > 10 ? `\n    … ${p.length - 10} more` : ""}`);
    }
  }
  if (dirty > 0) {
    console.error(`${dirty} source notebook(s) need cleaning: run \`npm run clean-notebooks\` (strips outputs, execution counts and volatile metadata).`);
    return 1;
  }
  console.log(`notebook hygiene: ${notebooks.length} source notebook(s) clean`);
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
