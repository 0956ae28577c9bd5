/**
 * `node dist/runner/mutate.js [--only NAME,…] [--keep]` — mutation testing of the notebooks' checks.
 *
 * Each mutation is a named small fault (a sign, a constant, an off-by-one, swapped arguments) applied
 * by an exact text replacement to ONE compiled file of the library in a temporary COPY of the project
 * (dist/ and the affected notebooks copied, node_modules linked); the real dist/ and notebooks are never
 * touched. The runner of the copy then runs the affected notebook in smoke mode, one kernel, and the
 * mutation is "caught" when the run fails. A replacement that no longer matches the compiled file is
 * an error (the table would otherwise claim a fault that was never applied).
 *
 * Prints a table (mutation, file, notebook, caught?, first failing check) and exits 1 if any fault
 * survived. `--only` picks mutations by name (what the CI test does with a cheap one); `--keep` leaves
 * the temporary copies for inspection.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findJupyterPython, projectRoot } from "../kernel/jupyter";

export interface Mutation {
  name: string;
  what: string;
  /** Compiled file, relative to dist/. */
  file: string;
  from: string;
  to: string;
  notebook: string;
}

export const MUTATIONS: Mutation[] = [
  {
    name: "half-log-2pi",
    what: "½·log 2π written as log 2π (every Gaussian log-density)",
    file: "src/math/constants.js",
    from: "0.5 * Math.log(2 * Math.PI)",
    to: "Math.log(2 * Math.PI)",
    notebook: "03-elbo-via-jensen.ipynb",
  },
  {
    name: "variance-sign",
    what: "sign of q's variance in E_q[log p(x|z)] (normal-normal closed form)",
    file: "src/elbo/elbo-parts.js",
    from: "-(ss + n * (d * d + q.variance))",
    to: "-(ss + n * (d * d - q.variance))",
    notebook: "06-decompositions.ipynb",
  },
  {
    name: "log-k-off-by-one",
    what: "log K written as log(K + 1) in the IWAE estimate",
    file: "src/iwae/iwae.js",
    from: "return m + Math.log(s) - Math.log(K);",
    to: "return m + Math.log(s) - Math.log(K + 1);",
    notebook: "12-iwae-bound.ipynb",
  },
  {
    name: "kl-swapped",
    what: "KL(q ‖ p(z|x)) computed as KL(p(z|x) ‖ q) (swapped arguments)",
    file: "src/elbo/elbo-parts.js",
    from: "klNormalNormal)(q, model.posterior)",
    to: "klNormalNormal)(model.posterior, q)",
    notebook: "04-elbo-via-kl.ipynb",
  },
  {
    name: "beta-evidence-off-by-one",
    what: "B(a₀ + k + 1, …) for B(a₀ + k, …) in the coin's evidence",
    file: "src/models/beta-bernoulli.js",
    from: "logBeta)(a0 + k, b0 + (n - k))",
    to: "logBeta)(a0 + k + 1, b0 + (n - k))",
    notebook: "08-the-coin.ipynb",
  },
];

export interface MutationResult {
  mutation: Mutation;
  caught: boolean;
  firstFailure: string;
  seconds: number;
}

/** A copy of the project with `m` applied; returns its root. */
export function mutatedCopy(root: string, m: Mutation): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `elbo-lab-mutant-${m.name}-`));
  fs.cpSync(path.join(root, "dist"), path.join(tmp, "dist"), { recursive: true });
  for (const f of ["package.json", "tsconfig.json"]) fs.copyFileSync(path.join(root, f), path.join(tmp, f));
  // The runner's Python side (runner/execute_notebook.py) and anything else it reads beside the sources.
  for (const d of ["runner", "kernel"]) fs.cpSync(path.join(root, d), path.join(tmp, d), { recursive: true });
  fs.symlinkSync(path.join(root, "node_modules"), path.join(tmp, "node_modules"), "dir");
  fs.mkdirSync(path.join(tmp, "notebooks"));
  fs.copyFileSync(path.join(root, "notebooks", m.notebook), path.join(tmp, "notebooks", m.notebook));
  const target = path.join(tmp, "dist", m.file);
  const text = fs.readFileSync(target, "utf8");
  const count = text.split(m.from).length - 1;
  if (count !== 1) throw new Error(`mutation ${m.name}: expected the text ${JSON.stringify(m.from)} once in dist/${m.file}, found it ${count} times (rebuild, or update the mutation)`);
  fs.writeFileSync(target, text.replace(m.from, m.to));
  return tmp;
}

export function runMutation(root: string, m: Mutation, keep = false): MutationResult {
  const t0 = Date.now();
  const tmp = mutatedCopy(root, m);
  const jupyterPython = findJupyterPython().found?.python;
  try {
    const r = spawnSync(process.execPath, [path.join(tmp, "dist", "runner", "cli.js"), "--smoke", "-j", "1", "--no-render-service", path.join("notebooks", m.notebook)], {
      cwd: tmp,
      encoding: "utf8",
      // The copy has no Python env of its own (.venv): it runs on the project's Jupyter.
      env: { ...process.env, ELBO_LAB_CHROMIUM: "none", ...(jupyterPython ? { ELBO_LAB_PYTHON: jupyterPython } : {}) },
      maxBuffer: 64 * 1024 * 1024,
    });
    const out = `${r.stdout}\n${r.stderr}`;
    // Caught means a check (or a cell) of the notebook failed: a run that could not even start is an error, not a catch.
    if (!/Running 1 notebook/.test(out)) throw new Error(`mutation ${m.name}: the runner of the copy did not start:\n${out.slice(0, 2000)}`);
    const failed = out.match(/CheckFailure: check failed: ([^\n]{0,160})/) ?? out.match(/kernel error output:\n\s*([^\n]{0,160})/);
    return { mutation: m, caught: r.status !== 0 && failed !== null, firstFailure: failed ? failed[1] : r.status !== 0 ? "(the run failed without a failing check)" : "", seconds: (Date.now() - t0) / 1000 };
  } finally {
    if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
    else console.log(`kept ${tmp}`);
  }
}

function main(argv: string[]): number {
  const root = projectRoot();
  const onlyArg = argv.find((a) => a.startsWith("--only="))?.slice("--only=".length) ?? (argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : undefined);
  const only = onlyArg ? onlyArg.split(",") : null;
  const chosen = only ? MUTATIONS.filter((m) => only.includes(m.name)) : MUTATIONS;
  if (only && chosen.length !== only.length) {
    console.error(`mutate: unknown mutation(s) ${only.filter((n) => !MUTATIONS.some((m) => m.name === n)).join(", ")}; known: ${MUTATIONS.map((m) => m.name).join(", ")}`);
    return 2;
  }
  const results: MutationResult[] = [];
  for (const m of chosen) {
    const r = runMutation(root, m, argv.includes("--keep"));
    console.log(`${r.caught ? "✔ caught  " : "✘ SURVIVED"} ${m.name} (${r.seconds.toFixed(0)} s): ${r.firstFailure}`);
    results.push(r);
  }
  console.log("\n| mutation | fault | compiled file | notebook | caught | first failing check |\n| --- | --- | --- | --- | --- | --- |");
  for (const r of results) {
    console.log(`| ${r.mutation.name} | ${r.mutation.what.replace(/\|/g, "\\|")} | dist/${r.mutation.file} | ${r.mutation.notebook} | ${r.caught ? "yes" : "NO"} | ${r.firstFailure.replace(/\|/g, "\\|")} |`);
  }
  const survived = results.filter((r) => !r.caught).length;
  console.log(`\n${results.length - survived} of ${results.length} mutation(s) caught`);
  return survived === 0 ? 0 : 1;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
