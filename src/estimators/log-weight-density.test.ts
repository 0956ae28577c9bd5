import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../testing/assert-close";
import { Normal } from "../dists/normal";
import { normalNormalModel } from "../models/normal-normal";
import { elboParts } from "../elbo/elbo-parts";
import { integrate } from "../quadrature/integrate";
import { createRng } from "../random/rng";
import { quadraticLogWeights, sampleLogWeights } from "./log-weights";
import { logWeightDensity, logWeightExtreme } from "./log-weight-density";

const model = normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 1, data: [0.8, 1.9, 1.3, 0.2, 1.5] });

// q wider than the posterior (c < 0, ln w bounded above) and narrower (c > 0, bounded below).
for (const q of [new Normal(0.3, 0.7), new Normal(1.2, 0.25)]) {
  test(`logWeightDensity for q = N(${q.mean}, ${q.sd}²): mass 1 and mean = ELBO by quadrature; CDF against Monte Carlo`, () => {
    const w = quadraticLogWeights(model, q)!;
    const f = logWeightDensity(w);
    const M = logWeightExtreme(w)!;
    // Substitute y = M + c·s² (s ≥ 0), which removes the 1/√ singularity of f at M: dy = 2|c|s ds.
    const jac = (s: number) => 2 * Math.abs(w.c) * s;
    const y = (s: number) => M + w.c * s * s;
    const mass = integrate((s) => f(y(s)) * jac(s), 0, Infinity);
    assertClose(mass.value, 1, 1e-10, { q: q.toJSON() });
    const mean = integrate((s) => y(s) * f(y(s)) * jac(s), 0, Infinity);
    const elbo = elboParts(model, q).elbo;
    assertClose(mean.value, elbo, 1e-10 * Math.abs(elbo));
    // P(ln w ≤ y0) for y0 the median of 100 000 draws: 1/2 within 4 binomial standard errors.
    const draws = Float64Array.from(sampleLogWeights(model, q, createRng(11), new Float64Array(100_000))).sort();
    const y0 = draws[50_000];
    const s0 = Math.sqrt((y0 - M) / w.c);
    const beyond = integrate((s) => f(y(s)) * jac(s), s0, Infinity).value; // the mass farther from M than y0
    const below = w.c < 0 ? beyond : 1 - beyond;
    assertClose(below, 0.5, 4 * Math.sqrt(0.25 / 100_000), { y0 });
  });
}

test("logWeightDensity: a χ²₁ by hand, the Normal case c = 0, and clear errors", () => {
  // ln w = −ε²/2: v = −2y, f(y) = 2·φ(√v)/√v (δ = 0)·½/½ → the χ²₁ density at v times |dv/dy| = 2.
  const f = logWeightDensity({ a: 0, b: 0, c: -0.5 });
  const v = 1;
  const chi2 = Math.exp(-v / 2) / Math.sqrt(2 * Math.PI * v);
  assertClose(f(-0.5), 2 * chi2, 1e-15);
  assert.equal(f(0.1), 0);
  const g = logWeightDensity({ a: 1, b: 2, c: 0 });
  assertClose(g(1), 1 / (2 * Math.sqrt(2 * Math.PI)), 1e-15);
  assert.throws(() => logWeightDensity({ a: 1, b: 0, c: 0 }), /b = c = 0/);
  assert.throws(() => logWeightDensity({ a: NaN, b: 0, c: 1 }), /a must be a finite number, got NaN/);
  assert.equal(logWeightExtreme({ a: 1, b: 2, c: -1 }), 2);
});
