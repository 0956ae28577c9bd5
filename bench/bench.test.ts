/**
 * Keeps the benchmark from rotting: runs `bench/run.ts --tiny` into a temporary folder and checks
 * the shape of results.json and that every figure is a positive finite number. It asserts
 * nothing about speed (timings never gate CI). Peers that are not installed are skipped by the
 * bench itself, and then must be listed under `skipped`.
 *
 *   npx tsc -p . && node --test dist/bench/
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Results } from "./run";

test("npm run bench -- --tiny writes results.json and RESULTS.md of the documented shape", { timeout: 300_000 }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-bench-test-"));
  try {
    const r = spawnSync(process.execPath, [path.join(__dirname, "run.js"), "--tiny", "--out", out], { encoding: "utf8", env: { ...process.env, ELBO_LAB_BENCH_TINY: "1" } });
    assert.equal(r.status, 0, `the tiny bench failed:\n${r.stderr}\n${r.stdout.slice(-2000)}`);
    const res = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")) as Results;
    assert.equal(res.schema, "elbo-lab-bench/1");
    assert.equal(res.tiny, true);
    assert.match(res.command, /npm run bench -- --tiny/);
    for (const key of ["cpu", "cores", "node"]) assert.ok(key in res.machine, `machine.${key} missing`);
    assert.ok(res.load.length >= 1 && res.load.every((l) => l.loadAvg.length === 3), "load snapshots missing");
    assert.ok(Array.isArray(res.skipped) && Array.isArray(res.targets) && Array.isArray(res.ratios));

    // Ours is always measured, whatever peers are installed.
    const ids = new Set(res.figures.map((f) => f.id));
    for (const id of ["mc.ours", "iwae.ours", "vae.ours", "matmul.ours"]) assert.ok(ids.has(id), `figure ${id} missing; got ${[...ids].join(", ")}`);
    for (const f of res.figures) {
      for (const k of ["median", "min", "max", "q1", "q3"] as const) {
        assert.ok(Number.isFinite(f[k]) && f[k] > 0, `figure ${f.id}: ${k} = ${f[k]} is not a positive finite number`);
      }
      assert.ok(f.values.length >= 1 && f.values.every((v) => Number.isFinite(v) && v > 0), `figure ${f.id}: values ${JSON.stringify(f.values)}`);
      assert.ok(f.unit.length > 0 && f.tool.length > 0 && f.label.length > 0, `figure ${f.id}: unit/tool/label empty`);
      if (f.maxRssMb !== null) assert.ok(Number.isFinite(f.maxRssMb) && f.maxRssMb > 0, `figure ${f.id}: maxRssMb ${f.maxRssMb}`);
    }
    for (const q of res.ratios) {
      assert.ok(Number.isFinite(q.median) && q.median > 0, `ratio ${q.id} = ${q.median}`);
      assert.ok(ids.has(q.ours) && ids.has(q.peer), `ratio ${q.id} names unknown figures`);
    }
    // A peer is either measured or skipped with a reason.
    const peers = res.figures.filter((f) => f.who === "peer").map((f) => f.id);
    if (!peers.some((p) => p.startsWith("mc."))) assert.ok(res.skipped.some((s) => /NumPy/.test(s.what)), "NumPy neither measured nor skipped");
    if (!peers.some((p) => p.startsWith("vae."))) assert.ok(res.skipped.some((s) => /PyTorch/.test(s.what)), "PyTorch neither measured nor skipped");

    const md = fs.readFileSync(path.join(out, "RESULTS.md"), "utf8");
    assert.match(md, /npm run bench -- --tiny/);
    assert.match(md, /\| section \| figure \|/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
