/**
 * Parameters a teacher can change, in papermill's convention adapted to TypeScript.
 *
 * A notebook has at most one code cell tagged `parameters`, declaring each parameter with `let`, one
 * per line, with a comment saying what it is:
 *
 *     let seed = 1;          // seed of every random draw
 *     let data = [1, 0, 1];  // the coin's tosses
 *
 * The runner (`-p NAME VALUE`, `--parameters FILE.json`, `--variants FILE.json`) injects a cell
 * tagged `injected-parameters` right after it, assigning the new values (`seed = 7;`), into the
 * executed copy only. Assignments, not re-declarations: tslab type-checks each assignment against
 * the declared type, so a value of the wrong type fails at the injected cell with the compiler's
 * message. (A function declared in the parameters cell would keep the old values: tslab binds each
 * cell's top-level names when that cell runs. A parameters cell holds values only.)
 */

export class ParameterError extends Error {}

export type Parameters = Record<string, unknown>;

export interface NbCell {
  cell_type: string;
  source: string | string[];
  metadata?: Record<string, unknown>;
  [k: string]: unknown;
}
export interface Nb {
  cells: NbCell[];
  [k: string]: unknown;
}

export function cellSource(c: NbCell): string {
  return Array.isArray(c.source) ? c.source.join("") : c.source;
}

export function cellTags(c: NbCell): string[] {
  const t = c.metadata?.tags;
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === "string") : [];
}

/** Index of the cell tagged `parameters`, or -1; more than one is an error. */
export function parametersCellIndex(nb: Nb, label = "notebook"): number {
  const found = nb.cells.map((c, i) => (c.cell_type === "code" && cellTags(c).includes("parameters") ? i : -1)).filter((i) => i >= 0);
  if (found.length > 1) throw new ParameterError(`${label}: ${found.length} cells are tagged "parameters" (cells ${found.join(", ")}); a notebook has one`);
  return found.length === 1 ? found[0] : -1;
}

/**
 * The names a parameters cell declares with `let` at the start of a line.
 * @example parameterNames("let seed = 1; // seed\nlet n = 5;\nconst x = 2;")  // ["seed", "n"]
 */
export function parameterNames(source: string): string[] {
  const names: string[] = [];
  for (const line of source.split("\n")) {
    const m = /^let\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=/.exec(line);
    if (m) names.push(m[1]);
  }
  return names;
}

/**
 * A command-line value: JSON when it parses (numbers, strings in quotes, arrays, objects, true/false,
 * null), otherwise the raw text as a string, as papermill's `-p` does.
 * @example parseValue("7") // 7;  parseValue("[1,0,1]") // [1, 0, 1];  parseValue("abc") // "abc"
 */
export function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** TypeScript source for a JSON value (JSON is a TypeScript expression); non-finite numbers are refused. */
export function tsLiteral(name: string, value: unknown): string {
  const bad = (v: unknown): boolean =>
    typeof v === "number" ? !Number.isFinite(v) : Array.isArray(v) ? v.some(bad) : v && typeof v === "object" ? Object.values(v).some(bad) : v === undefined;
  if (bad(value)) throw new ParameterError(`parameter ${name}: ${String(value)} is not JSON data (finite numbers, strings, booleans, null, arrays, objects)`);
  return JSON.stringify(value);
}

/**
 * A short name for a parameter set, used as a suffix of the executed copy and the records key.
 * @example variantName({ seed: 7, n: 20 })  // "seed=7,n=20"
 */
export function variantName(values: Parameters): string {
  const s = Object.entries(values)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(",")
    .replace(/[^\w.=,+-]+/g, "_");
  return s.length > 80 ? s.slice(0, 80) : s;
}

/** The file name of a variant's outputs: `03-x.ipynb` → `03-x-seed=7.ipynb`. */
export function variantFileName(name: string, variant: string | null | undefined): string {
  return variant ? name.replace(/(\.ipynb)?$/, `-${variant}$1`) : name;
}

/** Checks `values` against the notebook's parameters cell; returns the cell index, or throws naming the problem. */
export function checkParameters(nb: Nb, values: Parameters, label: string): number {
  const names = Object.keys(values);
  const at = parametersCellIndex(nb, label);
  if (names.length === 0) return at;
  if (at < 0) throw new ParameterError(`${label} has no cell tagged "parameters", so ${names.join(", ")} cannot be set`);
  const declared = parameterNames(cellSource(nb.cells[at]));
  for (const n of names) {
    if (!declared.includes(n)) throw new ParameterError(`${label}: no parameter named "${n}" (its parameters cell declares: ${declared.join(", ") || "none"})`);
  }
  return at;
}

/** A copy of `nb` with the injected-parameters cell after the parameters cell (or `nb` itself when `values` is empty). */
export function injectParameters(nb: Nb, values: Parameters, label: string): Nb {
  const at = checkParameters(nb, values, label);
  const names = Object.keys(values);
  if (names.length === 0) return nb;
  const lines = ["// Injected by the runner: this run's parameters (the cell above holds the defaults).", ...names.map((n) => `${n} = ${tsLiteral(n, values[n])};`)];
  const cell: NbCell = {
    cell_type: "code",
    execution_count: null,
    id: "injected-parameters",
    metadata: { tags: ["injected-parameters"] },
    outputs: [],
    source: lines.join("\n"),
  };
  return { ...nb, cells: [...nb.cells.slice(0, at + 1), cell, ...nb.cells.slice(at + 1)] };
}
