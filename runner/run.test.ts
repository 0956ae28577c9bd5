/**
 * The runner against deliberately broken notebooks (test/fixtures/notebooks). Each failure kind must
 * fail the run, and the report must name the cell and carry the kernel's own error text; sources
 * stay byte-identical; no process started for the run survives it, even on SIGTERM.
 */
import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { findChromium } from "../kernel/chromium";
import { projectRoot } from "../kernel/jupyter";
import { scheduleOrder } from "./run";

const root = projectRoot();
const fixtures = path.join(root, "test", "fixtures", "notebooks");
const cli = path.join(root, "dist", "runner", "cli.js");

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  runId: string;
  build: string;
}

function hashAll(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir)) out[f] = createHash("sha256").update(fs.readFileSync(path.join(dir, f))).digest("hex");
  return out;
}

/** Pids of live processes whose environment carries this run's marker (children inherit it). */
function processesOf(runId: string): number[] {
  const pids: number[] = [];
  for (const p of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${p}/environ`, "latin1").includes(`ELBO_LAB_TEST_RUN=${runId}`)) {
        const stat = fs.readFileSync(`/proc/${p}/stat`, "latin1");
        if (!/\) Z /.test(stat)) pids.push(Number(p)); // zombies are already dead
      }
    } catch {
      /* gone, or not ours to read */
    }
  }
  return pids;
}

function startRun(args: string[], extraEnv: Record<string, string> = {}): { child: ReturnType<typeof spawn>; done: Promise<Run>; outSoFar: () => string; runId: string } {
  const runId = randomUUID();
  const build = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-runner-test-"));
  const env: NodeJS.ProcessEnv = { ...process.env, ELBO_LAB_TEST_RUN: runId, ...extraEnv };
  delete env.CI;
  // A later --build (runOn) wins over this default one.
  const child = spawn(process.execPath, [cli, "--build", build, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const done = new Promise<Run>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, out, runId, build })));
  return { child, done, outSoFar: () => out, runId };
}

function block(out: string, notebook: string): string {
  const start = out.indexOf(`✘ test/fixtures/notebooks/${notebook}`);
  assert.ok(start >= 0, `no failure block for ${notebook} in:\n${out}`);
  const next = out.indexOf("\n✘ ", start + 1);
  const summary = out.indexOf("\nnotebook ", start + 1);
  const end = Math.min(...[next, summary].filter((i) => i > 0), out.length);
  return out.slice(start, end);
}

function report(run: Run, notebook: string): { status: string; kind: string; cell: { index: number; stderr: string } | null } {
  return JSON.parse(fs.readFileSync(path.join(run.build, "reports", "test", "fixtures", "notebooks", notebook.replace(".ipynb", ".json")), "utf8"));
}

describe("runner on broken notebooks", () => {
  let run: Run;
  let hashesBefore: Record<string, string>;
  const broken = [
    "type-error", "throw", "rejected-promise", "unhandled-rejection", "late-rejection", "kernel-dies", "hang",
    "unknown-kernel", "not-json", "bad-nbformat", "failed-check",
  ].map((n) => `${n}.ipynb`);

  before(async () => {
    hashesBefore = hashAll(fixtures);
    const files = [...broken, "ok.ipynb"].map((f) => path.join("test", "fixtures", "notebooks", f));
    run = await startRun(["-j", "2", "--cell-timeout", "8", ...files, "test/fixtures/notebooks/does-not-exist.ipynb"]).done;
  });
  after(() => fs.rmSync(run.build, { recursive: true, force: true }));

  test("exits 1 and the summary counts every notebook", () => {
    assert.equal(run.code, 1, run.out);
    assert.match(run.out, /^notebooks: 1 passed, 12 failed$/m);
  });

  const expectations: Array<[string, string, number, RegExp]> = [
    ["type-error.ipynb", "error", 1, /Type 'number' is not assignable to type 'string'/],
    ["throw.ipynb", "error", 1, /Error: boom from a cell[\s\S]*at boom/],
    ["rejected-promise.ipynb", "error", 1, /Error: awaited rejection/],
    ["unhandled-rejection.ipynb", "async-error", 1, /unhandled promise rejection: Error: nobody awaited this/],
    ["late-rejection.ipynb", "async-error", 1, /unhandled promise rejection: Error: rejected after the cell replied/],
    ["kernel-dies.ipynb", "kernel-died", 1, /^$/],
    ["hang.ipynb", "timeout", 1, /^$/],
  ];
  for (const [nb, kind, cell, text] of expectations) {
    test(`${nb}: ${kind} in cell ${cell}, with the kernel's error text`, () => {
      const r = report(run, nb);
      assert.equal(r.status, "failed");
      assert.equal(r.kind, kind);
      assert.equal(r.cell?.index, cell);
      if (text.source !== "^$") assert.match(r.cell!.stderr, text);
      const b = block(run.out, nb);
      assert.match(b, new RegExp(`cell ${cell} \\(0-based`));
      const source = JSON.parse(fs.readFileSync(path.join(fixtures, nb), "utf8")).cells[cell].source as string;
      assert.ok(b.includes(`| ${source.split("\n")[0]}`), `the report quotes the cell's first line:\n${b}`);
      if (text.source !== "^$") assert.match(b, text);
    });
  }

  test("a false check fails its cell, and is recorded as failed", () => {
    const r = report(run, "failed-check.ipynb");
    assert.equal(r.kind, "error");
    assert.equal(r.cell?.index, 1);
    assert.ok(block(run.out, "failed-check.ipynb").includes("CheckFailure: check failed: 0.1 + 0.2 = 0.3 exactly: 0.30000000000000004 vs 0.3, |Δ| = 5.551115123125783e-17, tolerance abs 0"), run.out);
    const records = JSON.parse(fs.readFileSync(path.join(run.build, "records.json"), "utf8"));
    const checks = records["failed-check.ipynb"].checks as Array<{ claim: string; passed: boolean }>;
    assert.deepEqual(checks.map((c) => [c.claim, c.passed]), [["0.5 ≤ 1", true], ["0.1 + 0.2 = 0.3 exactly", false]]);
    assert.match(run.out, /failed-check\.ipynb\s+error\s+2\/3\s+1\/2/);
  });

  test("a timeout names its limit; a dead kernel says so", () => {
    assert.match(block(run.out, "hang.ipynb"), /did not finish within 8 s/);
    assert.match(block(run.out, "kernel-dies.ipynb"), /kernel died/);
  });

  test("bad input gets one clear line naming the file", () => {
    assert.match(run.out, /✘ test\/fixtures\/notebooks\/unknown-kernel\.ipynb: unknown-kernel — .*kernel "no-such-kernel-xyz" is not installed/);
    assert.match(run.out, /✘ test\/fixtures\/notebooks\/not-json\.ipynb: invalid-notebook — .*not-json\.ipynb: not a valid nbformat 4 notebook/);
    assert.match(run.out, /✘ test\/fixtures\/notebooks\/bad-nbformat\.ipynb: invalid-notebook — /);
    assert.match(run.out, /✘ test\/fixtures\/notebooks\/does-not-exist\.ipynb: no such file/);
  });

  test("other notebooks still run: ok.ipynb passed, with its record and check gathered", () => {
    assert.match(run.out, /✔ test\/fixtures\/notebooks\/ok\.ipynb \(2 cells, 1 checks/);
    const records = JSON.parse(fs.readFileSync(path.join(run.build, "records.json"), "utf8"));
    assert.equal(records["ok.ipynb"].answer, 42);
    assert.equal(records["ok.ipynb"].checks.length, 1);
    assert.equal(records["ok.ipynb"].checks[0].passed, true);
    assert.equal(records["ok.ipynb"].checks[0].claim, "1 + 1 = 2");
  });

  test("executed copies go to build/, failing ones too, with their outputs", () => {
    const executed = JSON.parse(fs.readFileSync(path.join(run.build, "executed", "test", "fixtures", "notebooks", "throw.ipynb"), "utf8"));
    const stderr = executed.cells[1].outputs.filter((o: { name?: string }) => o.name === "stderr").map((o: { text: string | string[] }) => [o.text].flat().join("")).join("");
    assert.match(stderr, /boom from a cell/);
  });

  test("sources are byte-identical afterwards", () => {
    assert.deepEqual(hashAll(fixtures), hashesBefore);
  });

  test("no process of the run is left behind", () => {
    assert.deepEqual(processesOf(run.runId), []);
  });
});

describe("runner options", () => {
  test("smoke mode reaches the kernel, and is off without it; so does the run's build folder, where notebooks save files", async () => {
    const on = await startRun(["--smoke", "test/fixtures/notebooks/smoke.ipynb"]).done;
    const off = await startRun(["--no-smoke", "test/fixtures/notebooks/smoke.ipynb"]).done;
    try {
      assert.equal(on.code, 0, on.out);
      assert.equal(off.code, 0, off.out);
      const recOn = JSON.parse(fs.readFileSync(path.join(on.build, "records.json"), "utf8"))["smoke.ipynb"];
      const recOff = JSON.parse(fs.readFileSync(path.join(off.build, "records.json"), "utf8"))["smoke.ipynb"];
      assert.deepEqual([recOn.smoke, recOn.samples], [true, 100]);
      assert.deepEqual([recOff.smoke, recOff.samples], [false, 100000]);
      // Each run's own folder (npm run test:variants must not overwrite what the main run saved).
      assert.equal(recOn.models, path.join(path.resolve(on.build), "models"));
      assert.equal(recOff.models, path.join(path.resolve(off.build), "models"));
      assert.notEqual(path.resolve(on.build), path.resolve(off.build));
    } finally {
      for (const r of [on, off]) fs.rmSync(r.build, { recursive: true, force: true });
    }
  });

  test("the per-notebook timeout stops a notebook whose cells are within theirs", async () => {
    const run = await startRun(["--cell-timeout", "120", "--notebook-timeout", "4", "test/fixtures/notebooks/slow.ipynb"]).done;
    try {
      assert.equal(run.code, 1, run.out);
      assert.match(run.out, /✘ test\/fixtures\/notebooks\/slow\.ipynb: notebook-timeout — the notebook did not finish within 4 s/);
      assert.deepEqual(processesOf(run.runId), []);
    } finally {
      fs.rmSync(run.build, { recursive: true, force: true });
    }
  });

  test("kernels draw static images in the run's shared browser; --no-render-service gives each its own", { skip: findChromium().path ? false : "no Chromium" }, async () => {
    const shared = await startRun(["test/fixtures/notebooks/figure.ipynb"]).done;
    const own = await startRun(["--no-render-service", "test/fixtures/notebooks/figure.ipynb"]).done;
    try {
      assert.equal(shared.code, 0, shared.out);
      assert.equal(own.code, 0, own.out);
      const rec = (r: Run) => JSON.parse(fs.readFileSync(path.join(r.build, "records.json"), "utf8"))["figure.ipynb"];
      assert.equal(rec(shared).renderer, "service");
      assert.match(shared.out, /^render service: 1 static image\(s\) drawn in one shared browser$/m);
      assert.equal(rec(own).renderer, "local");
      assert.doesNotMatch(own.out, /render service/);
      assert.deepEqual(processesOf(shared.runId), []);
      assert.deepEqual(processesOf(own.runId), []);
    } finally {
      for (const r of [shared, own]) fs.rmSync(r.build, { recursive: true, force: true });
    }
  });

  test("notebooks start longest first by the last run's times, and the times are kept per mode", async () => {
    assert.deepEqual(scheduleOrder([]), []);
    assert.deepEqual(scheduleOrder([undefined, undefined]), [0, 1]);
    assert.deepEqual(scheduleOrder([5, undefined, 60, 5, 70]), [1, 4, 2, 0, 3]);
    const run = await startRun(["--smoke", "test/fixtures/notebooks/ok.ipynb", "test/fixtures/notebooks/throw.ipynb"]).done;
    try {
      assert.equal(run.code, 1, run.out);
      const t = JSON.parse(fs.readFileSync(path.join(run.build, "timings.json"), "utf8")) as Record<string, number>;
      assert.deepEqual(Object.keys(t), ["smoke:test/fixtures/notebooks/ok.ipynb"], "only notebooks that passed are timed");
      assert.ok(t["smoke:test/fixtures/notebooks/ok.ipynb"] > 0 && t["smoke:test/fixtures/notebooks/ok.ipynb"] < 120, JSON.stringify(t));
    } finally {
      fs.rmSync(run.build, { recursive: true, force: true });
    }
  });

  test("bad options exit 2 with a message naming the option", async () => {
    for (const [args, text] of [[["--jobs", "zero"], /--jobs must be a positive number, got "zero"/], [["--frobnicate"], /unknown option "--frobnicate"/]] as const) {
      const run = await startRun([...args]).done;
      fs.rmSync(run.build, { recursive: true, force: true });
      assert.equal(run.code, 2, run.out);
      assert.match(run.out, text);
    }
  });
});

describe("runner interrupted", () => {
  test("SIGTERM stops hanging kernels, exits non-zero, leaves no process", async () => {
    const r = startRun(["-j", "2", "--cell-timeout", "120", "test/fixtures/notebooks/hang.ipynb", "test/fixtures/notebooks/slow.ipynb"]);
    // Wait until both kernels are busy in their cells (the launcher starts in ~1.5 s).
    await kernelsUp(r, 2, 1500, 30000);
    r.child.kill("SIGTERM");
    const run = await r.done;
    try {
      assert.notEqual(run.code, 0, run.out);
      assert.match(run.out, /SIGTERM received/);
      // The kernels' process groups get SIGKILL after a grace period at the latest.
      await new Promise((res) => setTimeout(res, 500));
      assert.deepEqual(processesOf(run.runId), [], run.out);
    } finally {
      fs.rmSync(run.build, { recursive: true, force: true });
    }
  });
});

/** sha256 of every file under dir, keyed by relative path (skipping the lock and staging). */
function treeHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out[path.relative(dir, p)] = createHash("sha256").update(fs.readFileSync(p)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

/** Resolves once `count` kernel launchers of the run are up and have had `settleMs` to run cells. */
async function kernelsUp(r: ReturnType<typeof startRun>, count: number, settleMs: number, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      const kernels = processesOf(r.runId).filter((p) => {
        try {
          return fs.readFileSync(`/proc/${p}/cmdline`, "latin1").includes("launch.js");
        } catch {
          return false;
        }
      });
      if (kernels.length >= count) {
        clearInterval(poll);
        setTimeout(resolve, settleMs);
      } else if (Date.now() > deadline) {
        clearInterval(poll);
        reject(new Error(`kernels did not start:\n${r.outSoFar()}`));
      }
    }, 200);
  });
}

/** Runs the runner on `build` (a folder the test owns). */
function runOn(build: string, args: string[], extraEnv: Record<string, string> = {}) {
  return startRun(["--build", build, ...args], extraEnv);
}

describe("build folder integrity (issue 15)", () => {
  const ok = "test/fixtures/notebooks/ok.ipynb";
  const slowable = "test/fixtures/notebooks/interruptible.ipynb";

  test("another live runner's lock: refused in one line naming its pid; a dead runner's lock is taken over", async () => {
    const build = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-lock-"));
    try {
      fs.writeFileSync(path.join(build, ".runner.lock"), JSON.stringify({ pid: process.pid }));
      fs.writeFileSync(path.join(build, "records.json"), '{"x.ipynb": {"checks": []}}\n');
      const busy = await runOn(build, [ok]).done;
      fs.rmSync(busy.build, { recursive: true, force: true });
      assert.equal(busy.code, 1, busy.out);
      assert.match(busy.out, new RegExp(`^build folder .* is in use by another runner \\(pid ${process.pid}\\); wait for it`, "m"));
      assert.equal(fs.readFileSync(path.join(build, "records.json"), "utf8"), '{"x.ipynb": {"checks": []}}\n');

      // A pid that is surely dead: a child that has exited and been reaped.
      const dead = spawn(process.execPath, ["-e", "0"]);
      await new Promise((res) => dead.on("close", res));
      fs.writeFileSync(path.join(build, ".runner.lock"), JSON.stringify({ pid: dead.pid }));
      fs.mkdirSync(path.join(build, `.staging-${dead.pid}`, "executed"), { recursive: true });
      const run = await runOn(build, [ok]).done;
      fs.rmSync(run.build, { recursive: true, force: true });
      assert.equal(run.code, 0, run.out);
      assert.ok(!fs.existsSync(path.join(build, ".runner.lock")), "the lock is released at the end");
      assert.deepEqual(fs.readdirSync(build).filter((f) => f.startsWith(".staging-")), [], "a dead run's staging folder is removed");
      const records = JSON.parse(fs.readFileSync(path.join(build, "records.json"), "utf8"));
      assert.deepEqual(Object.keys(records).sort(), ["ok.ipynb", "x.ipynb"], "other notebooks' records are kept");
    } finally {
      fs.rmSync(build, { recursive: true, force: true });
    }
  });

  test("an unreadable records.json is an error naming it, and is left as it was", async () => {
    const build = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-records-"));
    try {
      fs.writeFileSync(path.join(build, "records.json"), "{oops");
      const run = await runOn(build, [ok]).done;
      fs.rmSync(run.build, { recursive: true, force: true });
      assert.equal(run.code, 1, run.out);
      assert.match(run.out, /records\.json is not valid JSON .*the runner will not overwrite it/);
      assert.equal(fs.readFileSync(path.join(build, "records.json"), "utf8"), "{oops");
      assert.ok(!fs.existsSync(path.join(build, ".runner.lock")));
    } finally {
      fs.rmSync(build, { recursive: true, force: true });
    }
  });

  test("Ctrl-C keeps the previous complete results of the notebook it stopped and of those not started", async () => {
    const build = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-interrupt-"));
    try {
      const first = await runOn(build, ["-j", "1", slowable, ok]).done;
      fs.rmSync(first.build, { recursive: true, force: true });
      assert.equal(first.code, 0, first.out);
      const before = treeHashes(build);
      const records = JSON.parse(fs.readFileSync(path.join(build, "records.json"), "utf8"));
      assert.equal(records["interruptible.ipynb"].checks.length, 2);

      // The same run, but interruptible.ipynb now waits in its second cell; ok.ipynb is queued behind it
      // (-j 1, and it is the shorter by the first run's times).
      const r = runOn(build, ["-j", "1", slowable, ok], { ELBO_LAB_TEST_SLOW: "1" });
      await kernelsUp(r, 1, 4000);
      r.child.kill("SIGINT");
      const second = await r.done;
      fs.rmSync(second.build, { recursive: true, force: true });
      assert.notEqual(second.code, 0, second.out);
      assert.match(second.out, /previous results in .* were kept/);
      const after = treeHashes(build);
      delete before["timings.json"];
      delete after["timings.json"];
      assert.deepEqual(after, before, "executed copies, reports and records.json are byte-identical to the complete run's");
      assert.deepEqual(processesOf(second.runId), []);
    } finally {
      fs.rmSync(build, { recursive: true, force: true });
    }
  });

  test("SIGKILL of the runner: executor and kernel die with it, write nothing, and the next run takes the folder over", async () => {
    const build = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-sigkill-"));
    try {
      const r = runOn(build, [slowable], { ELBO_LAB_TEST_SLOW: "1" });
      await kernelsUp(r, 1, 3000);
      r.child.kill("SIGKILL");
      const killed = await r.done;
      fs.rmSync(killed.build, { recursive: true, force: true });
      const deadline = Date.now() + 15000;
      while (processesOf(killed.runId).length > 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 200));
      assert.deepEqual(processesOf(killed.runId), [], "no executor or kernel outlives the killed runner by 15 s");
      await new Promise((res) => setTimeout(res, 2000)); // anything still writing would have written by now
      const files = Object.keys(treeHashes(build)).filter((f) => !f.startsWith("jupyter/") && f !== ".runner.lock" && !f.endsWith("render.sock"));
      assert.deepEqual(files, [], "the orphans wrote nothing into the build folder");

      const next = await runOn(build, [ok]).done;
      fs.rmSync(next.build, { recursive: true, force: true });
      assert.equal(next.code, 0, next.out);
      assert.deepEqual(fs.readdirSync(build).filter((f) => f.startsWith(".staging-") || f === ".runner.lock"), []);
    } finally {
      fs.rmSync(build, { recursive: true, force: true });
    }
  });

  test("SIGKILL of the runner while a kernel starts its own Chromium: no browser and no temporary folder is left", { skip: findChromium().path ? false : "no Chromium" }, async () => {
    // A private TMPDIR: only this run's folders are in it. No render service: the kernel's browser is its own.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-tmp-"));
    const ours = /^(elbo-lab-render-|playwright|\.?org\.chromium\.)/;
    const left = () => fs.readdirSync(tmp).filter((n) => ours.test(n));
    try {
      const r = startRun(["--no-render-service", "test/fixtures/notebooks/own-browser.ipynb"], { ELBO_LAB_TEST_SLOW: "1", TMPDIR: tmp });
      const deadline = Date.now() + 90_000;
      while (!left().some((n) => n.startsWith("elbo-lab-render-")) && Date.now() < deadline && r.child.exitCode === null) await new Promise((res) => setTimeout(res, 10));
      const during = left();
      r.child.kill("SIGKILL");
      const killed = await r.done;
      fs.rmSync(killed.build, { recursive: true, force: true });
      assert.ok(during.some((n) => n.startsWith("elbo-lab-render-")) && during.some((n) => n.startsWith("playwright")), `the kernel was not loading its own browser: ${during.join(", ")}\n${killed.out}`);
      const until = Date.now() + 20_000;
      while ((processesOf(killed.runId).length > 0 || left().length > 0) && Date.now() < until) await new Promise((res) => setTimeout(res, 200));
      assert.deepEqual(processesOf(killed.runId), [], "no executor, kernel or browser outlives the killed runner by 20 s");
      assert.deepEqual(left(), [], `temporary folders left in ${tmp} (there during the run: ${during.join(", ")})`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test("a notebook that writes into ../dist/ fails the run, named, with the changed file", async () => {
    const r = startRun(["-j", "1", ok, "test/fixtures/notebooks/writes-dist.ipynb"]);
    const run = await r.done;
    const written = path.join(root, "dist", `written-by-a-notebook-${run.runId}.txt`);
    const existed = fs.existsSync(written);
    fs.rmSync(written, { force: true });
    fs.rmSync(run.build, { recursive: true, force: true });
    assert.ok(existed, `the fixture wrote nothing:\n${run.out}`);
    assert.equal(run.code, 1, run.out);
    assert.match(run.out, new RegExp(`✘ test/fixtures/notebooks/writes-dist\\.ipynb: library-changed — the notebook changed the compiled library \\(dist/\\): dist/written-by-a-notebook-${run.runId}\\.txt`));
    assert.match(run.out, /✔ test\/fixtures\/notebooks\/ok\.ipynb/);
  });

  test("a kernel that runs out of heap is reported as out of memory, with the limit", async () => {
    const run = await startRun(["--cell-timeout", "120", "test/fixtures/notebooks/oom.ipynb"], { NODE_OPTIONS: "--max-old-space-size=300" }).done;
    fs.rmSync(run.build, { recursive: true, force: true });
    assert.equal(run.code, 1, run.out);
    assert.match(run.out, /✘ test\/fixtures\/notebooks\/oom\.ipynb: kernel-out-of-memory — the kernel ran out of memory \(V8's JavaScript heap limit of 300 MB, from NODE_OPTIONS/, run.out);
  });
});

describe("output floods (issue 15)", () => {
  test("a 20 MB flood is cut with a notice in the cell and in the report; 5,000 lines and a normal cell come through whole and unmarked", async () => {
    const run = await startRun(["--cell-timeout", "240", "test/fixtures/notebooks/flood.ipynb"]).done;
    try {
      assert.equal(run.code, 0, run.out);
      const file = path.join(run.build, "executed", "test", "fixtures", "notebooks", "flood.ipynb");
      const size = fs.statSync(file).size;
      const cells = JSON.parse(fs.readFileSync(file, "utf8")).cells as Array<{ outputs?: Array<{ output_type: string; name?: string; text?: string | string[] }> }>;
      const streams = (i: number, name?: string) =>
        (cells[i].outputs ?? []).filter((o) => o.output_type === "stream" && (!name || o.name === name)).map((o) => (Array.isArray(o.text) ? o.text.join("") : o.text ?? "")).join("");
      const line = (i: number) => `${String(i).padStart(8, "0")} ${"x".repeat(90)}\n`;
      const lines = (n: number) => Array.from({ length: n }, (_, i) => line(i)).join("");
      const marker = "… output truncated by ELBO Lab:";

      assert.equal(streams(1), lines(300), "a normal cell is untouched");
      assert.equal(streams(2), lines(5000), "5,000 lines (500 KB, under the limit) all arrive: before the fix about 500 did");
      assert.equal(streams(4), "after the flood\n");

      const flood = streams(3);
      const notices = flood.split("\n").filter((l) => l.startsWith(marker));
      assert.equal(notices.length, 1, flood.slice(0, 300));
      assert.ok(streams(3, "stderr").includes(notices[0]), "the notice is on stderr");
      const m = /(\S+) more lines \((\S+) MB\) not shown; limit is 1 MB of output per cell/.exec(notices[0]);
      assert.ok(m, notices[0]);
      const shown = flood.split("\n").filter((l) => /^\d{8} x{90}$/.test(l));
      assert.equal(shown.length + Number(m[1].replace(/,/g, "")), 200_000, "shown + not shown = every line printed");
      assert.equal(shown[0], line(0).trimEnd());
      assert.equal(shown[shown.length - 1], line(199_999).trimEnd(), "the end of the output is kept");
      assert.ok(size < 2_500_000, `the executed copy is ${size} bytes`);

      const rep = JSON.parse(fs.readFileSync(path.join(run.build, "reports", "test", "fixtures", "notebooks", "flood.json"), "utf8"));
      assert.equal(rep.status, "ok");
      assert.deepEqual(rep.truncatedOutputs, [{ index: 3, notice: notices[0] }]);
      assert.ok(run.out.includes(`⚠ test/fixtures/notebooks/flood.ipynb cell 3: ${notices[0]}`), run.out);
      assert.match(run.out, /output truncated \(the executed copies show where\):\n {2}⚠ test\/fixtures\/notebooks\/flood\.ipynb cell 3: /);
    } finally {
      fs.rmSync(run.build, { recursive: true, force: true });
    }
  });
});
