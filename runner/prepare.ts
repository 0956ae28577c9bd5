/**
 * What the runner executes instead of a source notebook when a run has parameters or fills exercise
 * answers: a copy with the injected-parameters cell and the answer cells replaced (runner/parameters.ts,
 * runner/solutions.ts). The copy goes to the run's staging folder; the source is never written.
 * Also: reading the committed variants file (`notebooks/variants.json`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { injectParameters, ParameterError, variantName, type Nb, type Parameters } from "./parameters";
import { applyAnswers, readSolutions, solutionsFile, type AnswerMode } from "./solutions";

/** One run of a notebook: which parameters to inject, and the name its outputs carry. */
export interface Variant {
  name: string;
  parameters: Parameters;
}

export interface Preparation {
  variant: Variant | null;
  answers: AnswerMode | null;
}

/** Whether a run of a notebook needs a prepared copy. */
export function needsPreparation(p: Preparation): boolean {
  return p.answers !== null || (p.variant !== null && Object.keys(p.variant.parameters).length > 0);
}

/** The prepared notebook (throws ParameterError / SolutionError naming the problem). */
export function prepareNotebook(nb: Nb, nbPath: string, root: string, p: Preparation, label: string): Nb {
  let out = p.variant ? injectParameters(nb, p.variant.parameters, label) : nb;
  if (p.answers) {
    const file = solutionsFile(nbPath);
    out = applyAnswers(out, readSolutions(file), p.answers, label, path.relative(root, file));
  }
  return out;
}

/** Reads a notebook for preparation; null when it is not JSON (the executor then reports it as invalid). */
export function readNotebookJson(nbPath: string): Nb | null {
  try {
    const nb = JSON.parse(fs.readFileSync(nbPath, "utf8")) as Nb;
    return nb && Array.isArray(nb.cells) ? nb : null;
  } catch {
    return null;
  }
}

/** Reads a JSON object of parameters (`--parameters FILE`). */
export function readParametersFile(file: string): Parameters {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new ParameterError(`${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `not JSON (${(e as Error).message})`}`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new ParameterError(`${file}: must be a JSON object of parameter name → value`);
  return raw as Parameters;
}

/**
 * Reads a variants file: `{ "<notebook file name>": [ {parameters…} | {"name": N, "parameters": {…}}, … ] }`.
 * Returns notebook file name → variants (named by {@link variantName} unless named).
 */
export function readVariantsFile(file: string): Record<string, Variant[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new ParameterError(`${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `not JSON (${(e as Error).message})`}`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new ParameterError(`${file}: must be a JSON object of notebook file name → list of parameter sets`);
  const out: Record<string, Variant[]> = {};
  for (const [nb, list] of Object.entries(raw as Record<string, unknown>)) {
    if (nb.startsWith("$")) continue; // "$comment" and the like
    if (!Array.isArray(list)) throw new ParameterError(`${file}: "${nb}" must be a list of parameter sets`);
    out[nb] = list.map((v, i) => {
      if (!v || typeof v !== "object" || Array.isArray(v)) throw new ParameterError(`${file}: "${nb}"[${i}] must be an object`);
      const o = v as Record<string, unknown>;
      const named = typeof o.name === "string" && o.parameters && typeof o.parameters === "object";
      const parameters = (named ? o.parameters : o) as Parameters;
      return { name: named ? (o.name as string) : variantName(parameters), parameters };
    });
  }
  return out;
}

/** What the command line asked for, before it is expanded into runs. */
export interface VariantRequest {
  /** `-p NAME VALUE` and `--parameters FILE` merged (later wins). */
  parameters: Parameters;
  /** `--variant NAME`: the name of that parameter set's outputs (default: derived from the values). */
  name: string | null;
  /** `--variants FILE`: run each notebook's committed variants instead of the notebook as written. */
  variantsFile: string | null;
  answers: AnswerMode | null;
}

/**
 * Expands notebooks and a request into runs (same notebook may run several times), and checks every
 * run's preparation before anything runs: a parameter the notebook does not declare, or a solutions
 * file that does not match its answer cells, is an error naming it (the command line exits 2).
 * With a variants file, notebooks it does not list are left out (`skipped`).
 */
export function planRuns(notebooks: string[], req: VariantRequest, root: string): { notebooks: string[]; variants: (Variant | null)[]; skipped: string[] } {
  const out = { notebooks: [] as string[], variants: [] as (Variant | null)[], skipped: [] as string[] };
  const hasParameters = Object.keys(req.parameters).length > 0;
  if (req.variantsFile && hasParameters) throw new ParameterError("--variants runs the committed parameter sets; it cannot be combined with -p or --parameters");
  if (req.name !== null && !hasParameters) throw new ParameterError("--variant names a parameter set: give the parameters with -p or --parameters");
  if (req.name !== null && !/^[\w.=,+-]+$/.test(req.name)) throw new ParameterError(`--variant ${JSON.stringify(req.name)}: use letters, digits and _ . = , + -`);
  const table = req.variantsFile ? readVariantsFile(req.variantsFile) : null;
  if (table) {
    const known = new Set(notebooks.map((n) => path.basename(n)));
    for (const k of Object.keys(table)) {
      if (!fs.existsSync(path.join(root, "notebooks", k)) && !known.has(k)) throw new ParameterError(`${req.variantsFile}: "${k}" is not a notebook under notebooks/ nor one named`);
    }
  }
  for (const nb of notebooks) {
    const runs: (Variant | null)[] = table
      ? table[path.basename(nb)] ?? []
      : [hasParameters ? { name: req.name ?? variantName(req.parameters), parameters: req.parameters } : null];
    if (runs.length === 0) {
      out.skipped.push(nb);
      continue;
    }
    const json = readNotebookJson(nb);
    for (const v of runs) {
      const label = path.relative(root, path.resolve(nb)) || nb;
      // A notebook that is not JSON is left to the executor, which reports it as invalid.
      if (json) prepareNotebook(json, nb, root, { variant: v, answers: req.answers }, label);
      out.notebooks.push(nb);
      out.variants.push(v);
    }
  }
  return out;
}
