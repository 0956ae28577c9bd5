import { test } from "node:test";
import assert from "node:assert/strict";
import { createRng } from "../random/rng";
import { main, type CliIo } from "./main";

/**
 * A seeded fuzz of `elbo-lab evaluate` (issue 15): specs drawn from ordinary and extreme values
 * (5e−324, 1e−300, 1e300, 1.7e308, …), for each a run with --json and one with the table. None
 * may end in an internal error (exit 1); exit 2 must be one line; exit 0 must print no null, NaN
 * or Infinity, and its exact parts must satisfy log p(x) = ELBO + KL(q ‖ p(z|x)) and
 * ELBO = E_q[log p(x,z)] + H[q]. Half the specs draw only values inside the ranges the
 * evaluation handles (src/spec/ranges.ts), so the exit-0 path is exercised at its edges too.
 */
function fuzzSpecs(seed: number, count: number): unknown[] {
  const rng = createRng(seed);
  const pick = <T>(a: readonly T[]): T => a[rng.int(a.length)];
  const WILD_POS = [5e-324, 1e-300, 1e-100, 1e-50, 1e-17, 1e-8, 0.01, 0.5, 1, 3.7, 1e8, 1e17, 1e50, 1e100, 1e300, 1.7e308];
  const WILD_REAL = [0, -1, 0.3, -2.5, 1e-300, 1e8, -1e15, 1e17, 1e50, -1e50, 1e300, -1e300, 1.7e308];
  const SN_POS = [1e-15, 1e-8, 0.01, 0.5, 1, 3.7, 100, 1e8, 1e15];
  const SN_REAL = [0, -1, 1, 0.3, -2.5, 1e-300, 1e8, -1e8, 1e15, -1e15];
  const NN_POS = [1e-50, 1e-15, 0.01, 0.5, 1, 3.7, 1e8, 1e15, 1e50];
  const NN_REAL = [0, -1, 0.3, -2.5, 1e-300, 1e8, -1e15, 1e50, -1e50];
  const BETA = [1e-100, 1e-50, 1e-17, 0.01, 0.5, 1, 2, 3.7, 100, 1e17, 1e50, 1e100];
  const specs: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const wild = i % 2 === 0;
    const kind = pick(["normal-normal", "squared-normal", "beta-bernoulli"] as const);
    let model: object;
    let q: object;
    if (kind === "beta-bernoulli") {
      const pos = wild ? WILD_POS : BETA;
      model = { kind, priorA: pick(pos), priorB: pick(pos), data: Array.from({ length: pick([0, 1, 3, 10]) }, () => rng.int(2)) };
      q = { kind: "beta", a: pick(pos), b: pick(pos) };
    } else {
      const pos = wild ? WILD_POS : kind === "squared-normal" ? SN_POS : NN_POS;
      const real = wild ? WILD_REAL : kind === "squared-normal" ? SN_REAL : NN_REAL;
      model = { kind, priorMean: pick(real), priorSd: pick(pos), noiseSd: pick(pos), data: Array.from({ length: pick([0, 1, 2, 5]) }, () => pick(real)) };
      q = { kind: "normal", mean: pick(real), sd: pick(pos) };
    }
    const samples = pick([2, 3, 10, 200, 1000]);
    const spec: Record<string, unknown> = { model, q, samples, seed: pick([1, 0, -5, 2 ** 31, 2 ** 53 - 1]) };
    if (rng.int(3) === 0) spec.iwaeK = [1, Math.max(1, Math.floor(samples / 2))];
    specs.push(spec);
  }
  return specs;
}

function run(args: string[], text: string): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const io: CliIo = { stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: () => text, readFile: () => text };
  return { code: main(args, io), out, err };
}

test("elbo-lab evaluate fuzz: 300 seeded extreme specs, no exit 1, one-line exit 2, no null/NaN/Infinity in exit 0", () => {
  const specs = fuzzSpecs(15, 300);
  let ok = 0;
  for (const spec of specs) {
    const text = JSON.stringify(spec);
    for (const json of [true, false]) {
      const r = run(["evaluate", ...(json ? ["--json"] : []), "-"], text);
      const label = `${json ? "--json" : "table"} ${text}\n${r.err}`;
      assert.notEqual(r.code, 1, label);
      if (r.code === 2) {
        assert.equal(r.out, "", label);
        assert.equal(r.err.split("\n").filter((l) => l !== "").length, 1, label);
        continue;
      }
      assert.equal(r.code, 0, label);
      assert.doesNotMatch(r.out, /\bnull\b|NaN|Infinity/, label);
      if (!json) continue;
      ok++;
      const o = JSON.parse(r.out);
      // Identities between parts computed separately (elboParts): relative to the largest term.
      const scale1 = Math.max(Math.abs(o.logEvidence), Math.abs(o.elbo), Math.abs(o.klToPosterior), 1);
      assert.ok(Math.abs(o.logEvidence - (o.elbo + o.klToPosterior)) <= 1e-8 * scale1, `ln p(x) = ELBO + KL: ${label}`);
      const scale2 = Math.max(Math.abs(o.expectedLogJoint), Math.abs(o.entropy), Math.abs(o.elbo), 1);
      assert.ok(Math.abs(o.elbo - (o.expectedLogJoint + o.entropy)) <= 1e-12 * scale2, `ELBO = E[ln p(x,z)] + H: ${label}`);
    }
  }
  assert.ok(ok >= 60, `only ${ok} specs evaluated; the fuzz no longer reaches the exit-0 path`);
});
