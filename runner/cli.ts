/**
 * `node dist/runner/cli.js [options] [NOTEBOOK…]` — run notebooks headless and report.
 * Used by `npm test` (run every notebook) and `npm start` (run, then export with --export).
 */
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot } from "../kernel/jupyter";
import { parseValue } from "./parameters";
import { planRuns, readParametersFile, type VariantRequest } from "./prepare";
import { formatSummary, passedResult } from "./report";
import { discoverNotebooks, runNotebooks, type RunOptions, type RunOutcome } from "./run";

const HELP = `Usage: elbo-lab-run [options] [NOTEBOOK.ipynb …]

Executes notebooks (default: every notebook under notebooks/) with the project's tslab kernel
through nbclient, writes executed copies to build/executed/ and records to build/records.json.

Options:
  -j, --jobs N              notebooks in parallel (default: number of cores, ${os.cpus().length} here; env ELBO_LAB_JOBS)
  --cell-timeout S          seconds one cell may take (default 300; env ELBO_LAB_CELL_TIMEOUT)
  --notebook-timeout S      seconds one notebook may take (default 900; env ELBO_LAB_NOTEBOOK_TIMEOUT)
  --smoke / --no-smoke      fewer samples and iterations (default: on when CI is set)
  --build DIR               output folder (default build/)
  --export                  after running, export HTML and PDF (build/html, build/pdf)
  --no-render-service       each kernel draws figures' static images in a browser of its own
                            (default: one warm browser shared by the run's kernels)

Parameters (a notebook's cell tagged "parameters" declares them with \`let\`; the runner injects a
cell tagged "injected-parameters" after it, in the executed copy only):
  -p, --parameter NAME VALUE  set a parameter; VALUE is JSON (7, 0.5, "text", [1,0,1]) or else text
  --parameters FILE.json    set parameters from a JSON object (-p given after it wins)
  --variant NAME            name of this parameter set's outputs (default: from the values, e.g.
                            seed=7): build/executed/03-elbo-via-jensen-seed=7.ipynb, records key
                            03-elbo-via-jensen-seed=7.ipynb; the default run's outputs are kept
  --variants FILE.json      run each notebook's parameter sets listed in FILE (CI: notebooks/variants.json)
                            instead of the notebooks as written; notebooks it does not list are skipped

Exercises (an answer cell tagged "exercise-answer"; solutions in solutions/<notebook>.json):
  --solutions               fill every answer cell with its solution (executed copy only)
  --mistakes                fill every answer cell with its known mistake; each check must catch it
  Without either, exercises left blank are reported as unanswered, not as failures.

  -h, --help                this text
Exit status: 0 when every notebook passed, 1 when any failed (a wrong exercise answer fails its
notebook; an unanswered one does not), 2 for bad options (an unknown parameter, a solutions file
that does not match the notebook's answer cells).`;

/** The runner's options plus what only the command line decides. */
export interface CliOptions extends Omit<RunOptions, "log" | "python"> {
  exportDocs: boolean;
  request: VariantRequest;
}

function positive(name: string, raw: string | undefined): number {
  const v = Number(raw);
  if (raw === undefined || raw.trim() === "" || !Number.isFinite(v) || v <= 0) {
    throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return v;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions | "help" {
  const root = projectRoot();
  const o: CliOptions = {
    notebooks: [],
    jobs: env.ELBO_LAB_JOBS ? Math.floor(positive("ELBO_LAB_JOBS", env.ELBO_LAB_JOBS)) : os.cpus().length,
    cellTimeout: env.ELBO_LAB_CELL_TIMEOUT ? positive("ELBO_LAB_CELL_TIMEOUT", env.ELBO_LAB_CELL_TIMEOUT) : 300,
    notebookTimeout: env.ELBO_LAB_NOTEBOOK_TIMEOUT ? positive("ELBO_LAB_NOTEBOOK_TIMEOUT", env.ELBO_LAB_NOTEBOOK_TIMEOUT) : 900,
    smoke: Boolean(env.CI) && env.CI !== "false" && env.CI !== "0",
    buildDir: path.join(root, "build"),
    exportDocs: false,
    renderService: true,
    request: { parameters: {}, name: null, variantsFile: null, answers: null },
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "-h" || a === "--help") return "help";
    else if (a === "-j" || a === "--jobs") o.jobs = Math.floor(positive(a, value()));
    else if (a === "--cell-timeout") o.cellTimeout = positive(a, value());
    else if (a === "--notebook-timeout") o.notebookTimeout = positive(a, value());
    else if (a === "--smoke") o.smoke = true;
    else if (a === "--no-smoke") o.smoke = false;
    else if (a === "--build") o.buildDir = path.resolve(value());
    else if (a === "--export") o.exportDocs = true;
    else if (a === "--no-render-service") o.renderService = false;
    else if (a === "-p" || a === "--parameter") {
      const name = value();
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`${a}: ${JSON.stringify(name)} is not a parameter name`);
      o.request.parameters[name] = parseValue(value());
    } else if (a === "--parameters") Object.assign(o.request.parameters, readParametersFile(value()));
    else if (a === "--variant") o.request.name = value();
    else if (a === "--variants") o.request.variantsFile = path.resolve(value());
    else if (a === "--solutions" || a === "--mistakes") {
      const mode = a === "--solutions" ? "solutions" : "mistakes";
      if (o.request.answers && o.request.answers !== mode) throw new Error("--solutions and --mistakes exclude each other");
      o.request.answers = mode;
    }
    else if (a.startsWith("-")) throw new Error(`unknown option ${JSON.stringify(a)} (see --help)`);
    else o.notebooks.push(a);
  }
  if (o.notebooks.length === 0) o.notebooks = discoverNotebooks(path.join(root, "notebooks"));
  const plan = planRuns(o.notebooks, o.request, root);
  o.notebooks = plan.notebooks;
  o.variants = plan.variants;
  o.answers = o.request.answers;
  return o;
}

export async function main(argv: string[]): Promise<number> {
  let opts: CliOptions | "help";
  try {
    opts = parseArgs(argv);
  } catch (e) {
    console.error(`elbo-lab-run: ${(e as Error).message}`);
    return 2;
  }
  if (opts === "help") {
    console.log(HELP);
    return 0;
  }
  if (opts.notebooks.length === 0) {
    console.error("elbo-lab-run: no notebooks found under notebooks/ and none named");
    return 1;
  }
  console.log(`Running ${opts.notebooks.length} notebook(s), ${opts.jobs} at a time${opts.smoke ? ", smoke mode" : ""}; cell timeout ${opts.cellTimeout} s, notebook timeout ${opts.notebookTimeout} s`);
  let outcome: RunOutcome;
  try {
    outcome = await runNotebooks({ ...opts, log: (l) => console.log(l) });
  } catch (e) {
    console.error((e as Error).message);
    return 1;
  }
  console.log("\n" + formatSummary(outcome.results, outcome.wallSeconds));
  console.log(`executed notebooks: ${path.relative(process.cwd(), path.join(opts.buildDir, "executed")) || "."}/  records: ${path.relative(process.cwd(), path.join(opts.buildDir, "records.json"))}`);
  let ok = outcome.results.every(passedResult) && !outcome.interrupted;
  if (opts.exportDocs && !outcome.interrupted) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { exportAll } = require("./export") as { exportAll(results: RunOutcome["results"], buildDir: string): Promise<boolean> };
    ok = (await exportAll(outcome.results, opts.buildDir)) && ok;
  }
  if (outcome.interrupted) return 130;
  return ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
