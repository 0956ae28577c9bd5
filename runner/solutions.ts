/**
 * Exercise solutions, kept out of the notebooks students open: `solutions/<notebook name>.json` beside
 * the notebooks' folder, i.e. at the project root (JupyterLab opened on `notebooks/` does not show it),
 * one entry per exercise id:
 *
 *     { "03a": { "answer": "const answer03a: number | undefined = …;", "mistake": "const answer03a … = …;" } }
 *
 * `answer` replaces the source of the notebook's answer cell (tagged `exercise-answer`, cell metadata
 * `"exercise": "03a"`) in the executed copy when the runner has `--solutions`; `mistake` (a plausible
 * wrong answer) replaces it with `--mistakes`, to show that the check catches it. A source may be a
 * string or an array of lines. Solutions should compute from the notebook's parameters, so that they
 * stay right in every variant.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { cellSource, cellTags, type Nb, type NbCell } from "./parameters";

export class SolutionError extends Error {}

export type AnswerMode = "solutions" | "mistakes";

export interface SolutionEntry {
  answer: string;
  mistake: string | null;
}

/** The answer cells of a notebook: index and exercise id, in order; a missing or repeated id is an error. */
export function answerCells(nb: Nb, label: string): Array<{ index: number; id: string }> {
  const out: Array<{ index: number; id: string }> = [];
  nb.cells.forEach((c: NbCell, index) => {
    if (!cellTags(c).includes("exercise-answer")) return;
    const id = c.metadata?.exercise;
    if (typeof id !== "string" || id === "") throw new SolutionError(`${label}: cell ${index} is tagged "exercise-answer" but has no "exercise" id in its metadata`);
    if (out.some((o) => o.id === id)) throw new SolutionError(`${label}: exercise id "${id}" is used by two answer cells`);
    out.push({ index, id });
  });
  return out;
}

/**
 * Where the solutions of a notebook live: a `solutions/` folder beside the notebook's folder.
 * @example solutionsFile("notebooks/03-elbo-via-jensen.ipynb")  // "solutions/03-elbo-via-jensen.json"
 */
export function solutionsFile(notebookFile: string): string {
  const abs = path.resolve(notebookFile);
  return path.join(path.dirname(path.dirname(abs)), "solutions", path.basename(abs).replace(/\.ipynb$/, ".json"));
}

function text(v: unknown, where: string): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((l) => typeof l === "string")) return v.join("\n");
  throw new SolutionError(`${where} must be a string or an array of lines`);
}

/** Reads a solutions file; an absent file is an empty set. */
export function readSolutions(file: string): Record<string, SolutionEntry> {
  if (!fs.existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new SolutionError(`${file}: not JSON (${(e as Error).message})`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new SolutionError(`${file}: must be a JSON object of exercise id → {answer, mistake}`);
  const out: Record<string, SolutionEntry> = {};
  for (const [id, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!v || typeof v !== "object") throw new SolutionError(`${file}: "${id}" must be an object {answer, mistake}`);
    const e = v as { answer?: unknown; mistake?: unknown };
    out[id] = { answer: text(e.answer, `${file}: "${id}".answer`), mistake: e.mistake === undefined ? null : text(e.mistake, `${file}: "${id}".mistake`) };
  }
  return out;
}

/**
 * A copy of `nb` with every answer cell's source replaced by its solution (or known mistake).
 * Every answer cell needs an entry and every entry an answer cell, so the two cannot drift apart.
 */
export function applyAnswers(nb: Nb, solutions: Record<string, SolutionEntry>, mode: AnswerMode, label: string, file: string): Nb {
  const cells = answerCells(nb, label);
  const ids = new Set(cells.map((c) => c.id));
  for (const id of Object.keys(solutions)) {
    if (!ids.has(id)) throw new SolutionError(`${file}: exercise "${id}" has no answer cell in ${label}`);
  }
  const out = nb.cells.slice();
  for (const { index, id } of cells) {
    const s = solutions[id];
    if (!s) throw new SolutionError(`${label}: exercise "${id}" has no solution in ${file}`);
    const src = mode === "solutions" ? s.answer : s.mistake;
    if (src === null) throw new SolutionError(`${file}: exercise "${id}" has no "mistake" to test its check with`);
    if (src.trim() === cellSource(nb.cells[index]).trim()) throw new SolutionError(`${file}: the ${mode === "solutions" ? "answer" : "mistake"} of "${id}" is the notebook's blank cell itself`);
    out[index] = { ...nb.cells[index], source: src };
  }
  return { ...nb, cells: out };
}
