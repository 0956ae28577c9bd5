/**
 * The headless runner: executes notebooks through Jupyter's own executor (nbclient, the engine of
 * `jupyter nbconvert --execute`) with the project's tslab kernel, one kernel per notebook, several in
 * parallel; writes executed copies and records to `build/`; never touches the sources.
 *
 * Process hygiene: each notebook runs in a Python child in its own process group; the child reports
 * its kernel's pid (the kernel runs in a session of its own, so it is not in that group). On a
 * notebook timeout, on SIGINT/SIGTERM, and at the end, the runner stops the child and kills the
 * kernel's process group, so nothing outlives it.
 *
 * Build-folder integrity (issue 15): the run holds the folder's lock (runner/build-folder.ts); each
 * executor writes its executed copy and report into the run's staging folder, and only a notebook
 * that finished (passed, failed, timed out or was invalid; not one stopped by Ctrl-C/SIGTERM)
 * replaces its executed copy, report and records entry, by renames and one atomic rewrite of
 * records.json, as soon as it finishes. An interrupted notebook keeps its previous results.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { findJupyterPython, noJupyterMessage, projectRoot, writeKernelSpec } from "../kernel/jupyter";
import { findChromium } from "../kernel/chromium";
import { BUILD_DIR_ENV, SMOKE_ENV } from "../kernel/protocol";
import { startRenderService, type RenderService } from "../kernel/render-service";
import { lockBuildFolder, readRecordsFile, STAGING_PREFIX, writeFileAtomic } from "./build-folder";
import { EXERCISES_ENV } from "../kernel/exercise";
import { countExercises } from "./exercises";
import { changedFiles, snapshotTree } from "./library-watch";
import { variantFileName } from "./parameters";
import { needsPreparation, prepareNotebook, readNotebookJson, type Variant } from "./prepare";
import { answerCells, type AnswerMode } from "./solutions";
import { extractRecords, recordsEntry, type NotebookRecords } from "./records";
import { formatFailure, formatTruncated, passedResult, type NotebookResult } from "./report";

export interface RunOptions {
  notebooks: string[];
  jobs: number;
  cellTimeout: number;
  notebookTimeout: number;
  smoke: boolean;
  buildDir: string;
  python?: string;
  log?: (line: string) => void;
  /**
   * Share one warm headless browser among the kernels for figures' static images (default true
   * when a Chromium is found): saves each notebook the browser launch and plotly.js load.
   */
  renderService?: boolean;
  /**
   * Per notebook, in the same order: the variant to run (parameters injected after its `parameters`
   * cell; outputs and records named `<name>-<variant>`), or null for the notebook as written.
   */
  variants?: (Variant | null)[];
  /** Fill the exercise answer cells of the executed copies from solutions/ (or with known mistakes). */
  answers?: AnswerMode | null;
}

export interface RunOutcome {
  results: NotebookResult[];
  records: Record<string, unknown>;
  wallSeconds: number;
  interrupted: boolean;
}

const GRACE_MS = 5000;

/** What V8 writes to stderr when a heap allocation fails at the heap limit. */
const V8_OOM = /FATAL ERROR: .*JavaScript heap out of memory/;

/** The heap limit set by --max-old-space-size in NODE_OPTIONS, in MB, if any. */
export function heapLimitMb(nodeOptions: string | undefined): number | null {
  const m = /--max-old-space-size[= ](\d+)/.exec(nodeOptions ?? "");
  return m ? Number(m[1]) : null;
}

function sha256(file: string): string | null {
  try {
    return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  } catch {
    return null;
  }
}

function killGroup(pid: number | undefined | null, signal: NodeJS.Signals): void {
  if (!pid || pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Lists notebooks under `dir` (recursively, sorted, skipping checkpoints). */
export function discoverNotebooks(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith(".")) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ipynb")) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Seconds each notebook took in the last run that passed it, keyed `full:NAME` / `smoke:NAME`. */
function readTimings(file: string): Record<string, number> {
  try {
    const t = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
    if (t && typeof t === "object" && !Array.isArray(t)) {
      return Object.fromEntries(Object.entries(t).filter(([, v]) => typeof v === "number" && Number.isFinite(v)));
    }
  } catch {
    /* no earlier run */
  }
  return {};
}

/**
 * The order to start notebooks in, given each one's expected seconds (undefined: never timed):
 * never-timed notebooks first, in the given order (they may be long), then the rest longest first
 * (ties in the given order). With several workers this keeps a long notebook from running alone at
 * the end.
 *
 * @example scheduleOrder([5, undefined, 60, 5]) // [1, 2, 0, 3]
 */
export function scheduleOrder(expected: (number | undefined)[]): number[] {
  const idx = expected.map((_, i) => i);
  const unknown = idx.filter((i) => expected[i] === undefined);
  const known = idx.filter((i) => expected[i] !== undefined).sort((a, b) => (expected[b] as number) - (expected[a] as number) || a - b);
  return [...unknown, ...known];
}

/** A name for outputs under build/, unique per notebook: the path relative to notebooks/ or the root. */
export function buildName(nbPath: string, root: string): string {
  const abs = path.resolve(nbPath);
  const nbDir = path.join(root, "notebooks");
  const rel = abs.startsWith(nbDir + path.sep) ? path.relative(nbDir, abs) : path.relative(root, abs);
  return rel.startsWith("..") ? path.basename(abs) : rel;
}

interface Running {
  child: ChildProcess;
  kernelPid: number | null;
}

export async function runNotebooks(opts: RunOptions): Promise<RunOutcome> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const root = projectRoot();
  const t0 = Date.now();

  const py = opts.python ? { found: { python: opts.python }, tried: [] as string[] } : findJupyterPython();
  if (!py.found) throw new Error(noJupyterMessage(py.tried));
  const python = py.found.python;

  const buildDir = path.resolve(opts.buildDir);
  const release = lockBuildFolder(buildDir);
  try {
    return await runLocked(opts, buildDir, python, log, root, t0);
  } finally {
    release();
  }
}

async function runLocked(opts: RunOptions, buildDir: string, python: string, log: (l: string) => void, root: string, t0: number): Promise<RunOutcome> {
  const recordsFile = path.join(buildDir, "records.json");
  readRecordsFile(recordsFile); // an unreadable records file stops the run before anything runs
  const jupyterDir = path.join(buildDir, "jupyter");
  writeKernelSpec(jupyterDir, root);
  const executedDir = path.join(buildDir, "executed");
  const reportsDir = path.join(buildDir, "reports");
  const stagingDir = path.join(buildDir, STAGING_PREFIX + process.pid);
  fs.mkdirSync(executedDir, { recursive: true });
  fs.mkdirSync(reportsDir, { recursive: true });
  fs.mkdirSync(stagingDir, { recursive: true });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Our kernelspec first, whatever else is registered under the same name.
    JUPYTER_PATH: [jupyterDir, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
    PYTHONUNBUFFERED: "1",
    // The executors die with this process, even when it is killed with SIGKILL (execute_notebook.py).
    ELBO_LAB_RUNNER_PID: String(process.pid),
    // Where notebooks save files (kernel/build-dir.ts): this run's build folder, not the default build/.
    [BUILD_DIR_ENV]: buildDir,
  };
  if (opts.answers === "mistakes") env[EXERCISES_ENV] = "mistakes";
  else delete env[EXERCISES_ENV];
  if (opts.smoke) env[SMOKE_ENV] = "1";
  else delete env[SMOKE_ENV];
  let service: RenderService | null = null;
  if (opts.renderService !== false && findChromium(env).path) {
    // Its socket lives in the run's staging folder when the path fits a Unix socket (~107 bytes), so
    // a killed run leaves no folder in /tmp: the next run on this build folder removes the staging.
    const dir = path.join(stagingDir, "render");
    const fits = Buffer.byteLength(path.join(dir, "render.sock")) < 100;
    if (fits) fs.mkdirSync(dir, { recursive: true });
    service = await startRenderService({ warm: false, ...(fits ? { dir } : {}) }); // warmed by the first figure, not while the first kernels start
    Object.assign(env, service.env);
  }

  const running = new Set<Running>();
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`\nrunner: ${sig} received, stopping ${running.size} running notebook(s)…`);
    for (const r of running) stop(r);
  };
  const stop = (r: Running) => {
    killGroup(r.child.pid, "SIGTERM");
    setTimeout(() => {
      killGroup(r.child.pid, "SIGKILL");
      killGroup(r.kernelPid, "SIGKILL");
    }, GRACE_MS).unref();
  };
  const sigint = () => onSignal("SIGINT");
  const sigterm = () => onSignal("SIGTERM");
  process.on("SIGINT", sigint);
  process.on("SIGTERM", sigterm);

  const results: NotebookResult[] = new Array(opts.notebooks.length);
  const records: Record<string, unknown> = {};
  const kernelPids = new Set<number>();
  // For naming who may have changed dist/: the notebooks running now, and each running one's set of
  // notebooks that ran at some time during its run.
  const active = new Set<string>();
  const overlapping = new Set<Set<string>>();

  const runOne = async (i: number): Promise<void> => {
    const nbPath = opts.notebooks[i];
    const variant = opts.variants?.[i] ?? null;
    const display = (path.relative(root, path.resolve(nbPath)) || nbPath) + (variant ? ` [${variant.name}]` : "");
    const name = variantFileName(buildName(nbPath, root), variant?.name);
    const executed = path.join(executedDir, name);
    const reportFile = path.join(reportsDir, name.replace(/\.ipynb$/, "") + ".json");
    // The executor writes here; the results replace the previous ones only if the notebook finishes.
    const stagedExecuted = path.join(stagingDir, "executed", name);
    const stagedReport = path.join(stagingDir, "reports", name.replace(/\.ipynb$/, "") + ".json");
    const before = sha256(nbPath);
    const started = Date.now();
    const base: NotebookResult = {
      notebook: display, status: "ok", kind: null, message: null, cell: null, cellsRun: 0, cellsTotal: 0,
      checksPassed: 0, checksTotal: 0, seconds: 0, kernelStartSeconds: null, executed: null, problems: [], exercises: null,
    };
    if (interrupted) {
      results[i] = { ...base, status: "interrupted", kind: "interrupted", message: "not started: the runner was interrupted" };
      return;
    }
    if (before === null) {
      results[i] = { ...base, status: "invalid", kind: "missing", message: `${display}: no such file` };
      log(`✘ ${display}: no such file`);
      return;
    }

    let timedOut = false;
    const distDir = path.join(root, "dist");
    const distBefore = snapshotTree(distDir);
    const overlap = new Set<string>([...active]);
    active.add(display);
    for (const o of overlapping) o.add(display);
    overlapping.add(overlap);
    fs.mkdirSync(path.dirname(stagedExecuted), { recursive: true });
    fs.mkdirSync(path.dirname(stagedReport), { recursive: true });
    // Parameters and exercise answers go into a prepared copy (staging); the kernel still starts in
    // the source's folder, so its relative imports resolve as they do for the source.
    let input = path.resolve(nbPath);
    const prep = { variant, answers: opts.answers ?? null };
    const nbJson = needsPreparation(prep) ? readNotebookJson(nbPath) : null;
    if (nbJson) {
      try {
        input = path.join(stagingDir, "prepared", name);
        fs.mkdirSync(path.dirname(input), { recursive: true });
        fs.writeFileSync(input, JSON.stringify(prepareNotebook(nbJson, nbPath, root, prep, display), null, 1) + "\n");
      } catch (e) {
        results[i] = { ...base, status: "invalid", kind: "bad-preparation", message: (e as Error).message };
        log(`✘ ${display}: ${(e as Error).message}`);
        active.delete(display);
        overlapping.delete(overlap);
        return;
      }
    }
    const child = spawn(
      python,
      [path.join(root, "runner", "execute_notebook.py"), input, stagedExecuted, stagedReport, "--cell-timeout", String(Math.ceil(opts.cellTimeout)), "--cwd", path.dirname(path.resolve(nbPath))],
      { env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    const r: Running = { child, kernelPid: null };
    running.add(r);
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      const m = /KERNEL_PID (\d+)/.exec(chunk);
      if (m) {
        r.kernelPid = Number(m[1]);
        kernelPids.add(r.kernelPid);
      }
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < 20000) stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      stop(r);
    }, opts.notebookTimeout * 1000);
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    clearTimeout(timer);
    running.delete(r);
    active.delete(display);
    overlapping.delete(overlap);
    killGroup(r.kernelPid, "SIGKILL"); // normally already shut down by nbclient; never left behind
    const seconds = (Date.now() - started) / 1000;

    let rep: Partial<NotebookResult> & { status?: string } = {};
    try {
      rep = JSON.parse(fs.readFileSync(stagedReport, "utf8"));
    } catch {
      rep = { status: "failed", kind: "runner-error", message: `the executor exited with code ${code} and wrote no report${stderr.trim() ? `:\n${stderr.trim()}` : ""}` };
    }
    const result: NotebookResult = {
      ...base,
      status: (rep.status as NotebookResult["status"]) ?? "failed",
      kind: rep.kind ?? null,
      message: rep.message ?? null,
      cell: rep.cell ?? null,
      cellsRun: rep.cellsRun ?? 0,
      cellsTotal: rep.cellsTotal ?? 0,
      kernelStartSeconds: rep.kernelStartSeconds ?? null,
      seconds,
      truncatedOutputs: rep.truncatedOutputs ?? [],
    };
    if (timedOut) {
      result.status = "timeout";
      result.kind = "notebook-timeout";
      result.message = `the notebook did not finish within ${opts.notebookTimeout} s`;
    } else if (interrupted && result.status === "ok") {
      result.status = "interrupted";
      result.kind = "interrupted";
    }
    if (result.kind === "kernel-died" && V8_OOM.test(stderr)) {
      // The kernel inherits the executor's stderr, where V8 writes why it aborted.
      const limit = heapLimitMb(env.NODE_OPTIONS);
      result.kind = "kernel-out-of-memory";
      result.message = `the kernel ran out of memory (V8's JavaScript heap limit${limit ? ` of ${limit} MB, from NODE_OPTIONS` : ", Node's default for this machine"} was reached while this cell ran)`;
    }
    if (result.status === "invalid") result.message = `${display}: ${result.message}`;
    if (sha256(nbPath) !== before) result.problems.push(`the source ${display} changed on disk while it ran (the runner never writes it)`);
    const distChanged = changedFiles(distBefore, snapshotTree(distDir));
    if (distChanged.length > 0) {
      // Any notebook whose run overlapped the change may have made it: each of them is named (with
      // -j 1 only the culprit is).
      const alsoRunning = [...overlap].filter((n) => n !== display);
      const others = alsoRunning.length > 0 ? ` (also running then: ${alsoRunning.join(", ")}; with -j 1 only the culprit is named)` : "";
      const shown = distChanged.slice(0, 5).map((f) => `dist/${f}`).join(", ") + (distChanged.length > 5 ? `, … (${distChanged.length} files)` : "");
      result.problems.push(`the compiled library changed while ${display} ran: ${shown}${others}; every later notebook would import the changed library (rebuild with \`npm run build\`)`);
      if (result.status === "ok") {
        result.status = "failed";
        result.kind = "library-changed";
        result.message = `the notebook changed the compiled library (dist/): ${shown}`;
      }
    }
    const key = variantFileName(path.basename(nbPath), variant?.name);
    let entry: Record<string, unknown> | undefined;
    if (fs.existsSync(stagedExecuted) && result.status !== "invalid") {
      try {
        const recs: NotebookRecords = extractRecords(JSON.parse(fs.readFileSync(stagedExecuted, "utf8")));
        entry = recordsEntry(recs);
        result.checksTotal = recs.checks.length;
        result.checksPassed = recs.checks.filter((c) => c.passed === true).length;
        if (recs.exercises.length > 0) result.exercises = countExercises(recs.exercises);
        if (prep.answers && nbJson && result.status === "ok") {
          // Every filled-in answer cell must reach its exercise(...) check, or the solution tests nothing.
          const judged = new Set(recs.exercises.map((x) => x.id));
          for (const { id } of answerCells(nbJson, display)) if (!judged.has(id)) result.problems.push(`exercise "${id}" has an answer cell but no exercise("${id}", …) verdict`);
        }
        if (result.kind === "error" && result.exercises && result.exercises.wrong + result.exercises.missed > 0) result.kind = "exercise-wrong";
      } catch (e) {
        result.problems.push(`could not read records from the executed copy: ${(e as Error).message}`);
      }
    }
    if (result.status === "interrupted" || result.kind === "interrupted") {
      // Stopped part-way by Ctrl-C/SIGTERM: its previous executed copy, report and records stay.
      result.status = "interrupted";
      result.kind = "interrupted";
      result.message = `${result.message ?? "stopped by the runner"}; its previous results in ${path.relative(root, buildDir) || buildDir}/ were kept`;
      result.checksTotal = 0;
      result.checksPassed = 0;
    } else {
      // Finished: replace the executed copy, the report and the records entry together.
      fs.mkdirSync(path.dirname(executed), { recursive: true });
      fs.mkdirSync(path.dirname(reportFile), { recursive: true });
      if (fs.existsSync(stagedExecuted) && result.status !== "invalid") {
        fs.renameSync(stagedExecuted, executed);
        result.executed = path.relative(root, executed);
      } else {
        fs.rmSync(executed, { force: true });
      }
      if (fs.existsSync(stagedReport)) fs.renameSync(stagedReport, reportFile);
      else writeFileAtomic(reportFile, JSON.stringify({ notebook: nbPath, status: result.status, kind: result.kind, message: result.message }, null, 1) + "\n");
      const all = readRecordsFile(recordsFile);
      if (entry) all[key] = records[key] = entry;
      else delete all[key];
      writeFileAtomic(recordsFile, JSON.stringify(all, null, 1) + "\n");
    }
    results[i] = result;
    log(passedResult(result) ? `✔ ${display} (${result.cellsRun} cells, ${result.checksTotal} checks, ${seconds.toFixed(1)} s)` : formatFailure(result));
    if (formatTruncated(result)) log(formatTruncated(result));
  };

  // Longest first (by the last run's times), so that a long notebook does not start last and run
  // alone at the end while the other workers idle. Results stay in the given order.
  const timingsFile = path.join(buildDir, "timings.json");
  const timings = readTimings(timingsFile);
  const mode = opts.smoke ? "smoke" : "full";
  const timingKeys = opts.notebooks.map((nb, i) => `${mode}:${variantFileName(buildName(nb, root), opts.variants?.[i]?.name)}`);
  const order = scheduleOrder(timingKeys.map((k) => timings[k]));
  let next = 0;
  const worker = async () => {
    while (next < order.length) {
      const i = order[next++];
      await runOne(i);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.jobs, opts.notebooks.length)) }, worker));
  } finally {
    process.off("SIGINT", sigint);
    process.off("SIGTERM", sigterm);
    for (const pid of kernelPids) if (alive(pid)) killGroup(pid, "SIGKILL");
    fs.rmSync(stagingDir, { recursive: true, force: true });
    if (service) {
      const st = service.stats();
      await service.close();
      log(`render service: ${st.rendered} static image(s) drawn in one shared browser${st.failed ? `, ${st.failed} request(s) failed` : ""}`);
    }
  }

  results.forEach((r, i) => {
    if (r && r.status === "ok") timings[timingKeys[i]] = Math.round(r.seconds * 10) / 10;
  });
  writeFileAtomic(timingsFile, JSON.stringify(timings, null, 1) + "\n");
  return { results, records, wallSeconds: (Date.now() - t0) / 1000, interrupted };
}
