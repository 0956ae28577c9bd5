/**
 * The runner on test/fixtures/notebooks/exercises.ipynb: one exercise answered right in the notebook,
 * one left blank, one answered wrong (solutions in test/fixtures/solutions/exercises.json). Without
 * solutions the blank one is "unanswered" and the wrong one fails the notebook; with --solutions all
 * are correct; with --mistakes each check catches its known mistake; parameters go to a variant's
 * own outputs and leave the default run's in place.
 */
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { projectRoot } from "../kernel/jupyter";

const root = projectRoot();
const cli = path.join(root, "dist", "runner", "cli.js");
const fixture = path.join("test", "fixtures", "notebooks", "exercises.ipynb");

function run(build: string, args: string[]): Promise<{ code: number | null; out: string }> {
  const env = { ...process.env };
  delete env.CI;
  const child = spawn(process.execPath, [cli, "--build", build, "-j", "1", "--no-render-service", ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, out })));
}

const sha = (f: string) => createHash("sha256").update(fs.readFileSync(f)).digest("hex");
const records = (build: string) => JSON.parse(fs.readFileSync(path.join(build, "records.json"), "utf8"));
const statuses = (entry: { exercises: Array<{ id: string; status: string }> }) => Object.fromEntries(entry.exercises.map((e) => [e.id, e.status]));

describe("runner: exercises and parameters", () => {
  const build = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-exercises-"));
  const before0 = sha(path.join(root, fixture));
  let plain: { code: number | null; out: string };
  let solved: { code: number | null; out: string };
  before(async () => {
    plain = await run(build, [fixture]);
    solved = await run(build, ["--solutions", "-p", "k", "3", fixture]);
  });
  after(() => fs.rmSync(build, { recursive: true, force: true }));

  test("without solutions: 1 correct, 1 unanswered, 1 wrong; the wrong one fails the notebook in one line", () => {
    assert.equal(plain.code, 1, plain.out);
    assert.match(plain.out, /exercises\.ipynb\s+exercise-wrong\s+8\/9\s+0\/0\s+1✔ 1✘ 1○/);
    assert.match(plain.out, /^exercises: 1 correct, 1 wrong, 1 unanswered$/m);
    assert.match(plain.out, /cell 8 \(0-based index in the notebook\):\n\s+\| exercise\('fc'[^]*kernel error output:[^]*ExerciseWrong: exercise fc: off by a factor 2 \(your answer is twice the value\)/);
    assert.deepEqual(statuses(records(build)["exercises.ipynb"]), { fa: "correct", fb: "unanswered", fc: "wrong" });
  });

  test("with --solutions and -p k 3: every exercise correct, under the variant's own name; the default run's outputs stay", () => {
    assert.equal(solved.code, 0, solved.out);
    assert.match(solved.out, /exercises\.ipynb \[k=3\]\s+ok\s+10\/10\s+0\/0\s+3✔/);
    const recs = records(build);
    assert.deepEqual(statuses(recs["exercises-k=3.ipynb"]), { fa: "correct", fb: "correct", fc: "correct" });
    assert.ok(Math.abs(recs["exercises-k=3.ipynb"].exercises.find((e: { id: string }) => e.id === "fb").expected - 27) < 1e-9, "the check used k = 3");
    assert.deepEqual(statuses(recs["exercises.ipynb"]), { fa: "correct", fb: "unanswered", fc: "wrong" }, "the default run's records are kept");
    const executed = path.join(build, "executed", "test", "fixtures", "notebooks");
    assert.deepEqual(fs.readdirSync(executed).sort(), ["exercises-k=3.ipynb", "exercises.ipynb"]);
    const nb = JSON.parse(fs.readFileSync(path.join(executed, "exercises-k=3.ipynb"), "utf8"));
    const injected = nb.cells[2];
    assert.deepEqual(injected.metadata.tags, ["injected-parameters"]);
    const src = (c: { source: string | string[] }) => (Array.isArray(c.source) ? c.source.join("") : c.source);
    assert.match(src(injected), /^k = 3;$/m);
    assert.equal(src(nb.cells[4]), "const answerFa: number | undefined = k ** 2;", "the solution replaced the answer cell");
  });

  test("with --mistakes each check catches its known mistake", async () => {
    const r = await run(build, ["--mistakes", fixture]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /known mistakes: 3 caught, 0 missed/);
  });

  test("an undeclared parameter, or a solutions file that does not match, exits 2 in one line before running", async () => {
    const r = await run(build, ["-p", "kk", "3", fixture]);
    assert.equal(r.code, 2);
    assert.equal(r.out.trim(), `elbo-lab-run: ${fixture}: no parameter named "kk" (its parameters cell declares: k)`);
    const r2 = await run(build, ["--solutions", path.join("test", "fixtures", "notebooks", "ok.ipynb"), "--variants", "/nonexistent.json"]);
    assert.equal(r2.code, 2);
    assert.match(r2.out, /nonexistent\.json: no such file/);
  });

  test("the source notebook is never written", () => {
    assert.equal(sha(path.join(root, fixture)), before0);
  });
});
