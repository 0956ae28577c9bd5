import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../testing/assert-close";
import { meanWithStderr } from "../math/moments";
import { createRng } from "../random/rng";
import { Normal } from "../dists/normal";
import { Beta } from "../dists/beta";
import { normalNormalModel } from "../models/normal-normal";
import { squaredNormalModel } from "../models/squared-normal";
import type { NormalNormalModel } from "../models/normal-normal";
import type { ScalarModel } from "../models/types";
import { reparamGradient, scoreGradient, stlGradient } from "./gradients";
import type { GradientEstimate, NormalParamGradient } from "./gradients";
import { exactElboGradient } from "./exact-gradient";

/**
 * Monte Carlo tolerance: k = 5 standard errors of the estimator being compared (fixed seeds, so the
 * tests are deterministic; by chance a correct estimator misses by 5σ about once in 1.7 million).
 */
const K = 5;

const nnBasic = normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] });
const nn09 = normalNormalModel({ priorMean: 0, priorSd: 2, noiseSd: 1, data: [1.8, 2.6, 0.9, 2.2, 1.5] });

/**
 * Per-draw variances of the three estimators for q = N(m, s²), λ = ln s, on the normal-normal model,
 * derived here by hand. As a function of z its log joint is ln p(x) + ln N(z; μn, 1/P), P = n/σ² + 1/τ0²,
 * so with z = m + sε and d = m − μn:
 *
 *   reparam  ∂m = −P(d + sε)               ∂λ = −P(d + sε)sε + 1
 *   STL      ∂m = −P(d + sε) + ε/s         ∂λ = (−P(d + sε) + ε/s)sε
 *   score    ∂m = f ε/s                    ∂λ = f (ε² − 1),   f = ln p(x,z) − ln q(z) = a + bε + cε²,
 *            a = ln p(x) + ln(s√P) − Pd²/2, b = −Pds, c = (1 − Ps²)/2.
 *
 * With E ε² = 1, E ε⁴ = 3, E ε⁶ = 15, E ε⁸ = 105 and the odd moments 0:
 *   reparam  Var ∂m = P²s²,              Var ∂λ = P²d²s² + 2P²s⁴;
 *   STL      Var ∂m = (1 − Ps²)²/s²,      Var ∂λ = P²d²s² + 2(1 − Ps²)²;
 *   score    Var ∂m = (a² + 2b² + 15c² + 6ac)/s²,   Var ∂λ = 2a² + 10b² + 74c² + 20ac.
 */
function closedFormVariances(model: NormalNormalModel, q: Normal): Record<"reparam" | "stl" | "score", NormalParamGradient> {
  const post = model.posterior;
  const P = 1 / post.variance;
  const s = q.sd;
  const d = q.mean - post.mean;
  const u = 1 - P * s * s;
  const a = model.logEvidence() + Math.log(s * Math.sqrt(P)) - (P * d * d) / 2;
  const b = -P * d * s;
  const c = u / 2;
  return {
    reparam: { mean: P * P * s * s, logSd: P * P * d * d * s * s + 2 * P * P * s ** 4 },
    stl: { mean: (u * u) / (s * s), logSd: P * P * d * d * s * s + 2 * u * u },
    score: { mean: (a * a + 2 * b * b + 15 * c * c + 6 * a * c) / (s * s), logSd: 2 * a * a + 10 * b * b + 74 * c * c + 20 * a * c },
  };
}

/** B independent per-draw variance estimates (each from n draws), as a mean with its standard error. */
function batchedVariance(run: (seed: number) => GradientEstimate, batches: number): Record<"mean" | "logSd", { estimate: number; stderr: number }> {
  const vm = new Float64Array(batches);
  const vs = new Float64Array(batches);
  for (let b = 0; b < batches; b++) {
    const g = run(1000 + b);
    vm[b] = g.variance.mean;
    vs[b] = g.variance.logSd;
  }
  return { mean: meanWithStderr(vm), logSd: meanWithStderr(vs) };
}

const qs: Array<[string, Normal]> = [
  ["far (N(0, 1))", new Normal(0, 1)],
  ["wider than the posterior, shifted", new Normal(nn09.posterior.mean + 0.3 * nn09.posterior.sd, 1.5 * nn09.posterior.sd)],
  ["narrower than √½ of the posterior sd", new Normal(nn09.posterior.mean - 0.1, 0.5 * nn09.posterior.sd)],
  ["close (0.01 τn away, sd 1% wider)", new Normal(nn09.posterior.mean + 0.01 * nn09.posterior.sd, 1.01 * nn09.posterior.sd)],
];

test("stlGradient is unbiased: its mean is within 5 standard errors of the exact gradient, at several q and models", () => {
  const cases: Array<[string, ScalarModel, Normal]> = [
    ...qs.map(([name, q]) => [`nn09 ${name}`, nn09, q] as [string, ScalarModel, Normal]),
    ["nnBasic", nnBasic, new Normal(0.3, 0.4)],
    ["squared-normal", squaredNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] }), new Normal(0.3, 0.4)],
  ];
  for (const [name, model, q] of cases) {
    const exact = exactElboGradient(model, q);
    const g = stlGradient(model, q, createRng(505), 50_000);
    assertClose(g.grad.mean, exact.mean, K * g.stderr.mean, { name, grad: g.grad, stderr: g.stderr, exact });
    assertClose(g.grad.logSd, exact.logSd, K * g.stderr.logSd, { name, grad: g.grad, stderr: g.stderr, exact });
  }
});

test("the unbiasedness check can fail: a shift of q's mean by 5% of the posterior mean (far setting) is more than 5 standard errors of STL", () => {
  const q = new Normal(0, 1);
  const g = stlGradient(nn09, q, createRng(505), 50_000);
  const wrong = exactElboGradient(nn09, new Normal(0.05 * nn09.posterior.mean, 1));
  assert.ok(Math.abs(g.grad.mean - wrong.mean) > K * g.stderr.mean, `|${g.grad.mean} − ${wrong.mean}| ≤ ${K * g.stderr.mean}`);
});

test("at q = p(z|x) the STL variance is 0 to rounding; the reparameterisation variance is 1/s² and 2 there", () => {
  for (const model of [nn09, nnBasic]) {
    const post = model.posterior;
    const stl = stlGradient(model, post, createRng(7), 10_000);
    const rep = reparamGradient(model, post, createRng(7), 10_000);
    // Each STL draw is −P(z − μn) + ε/s, two terms of size |ε|/s that cancel exactly in real numbers; in float64 the
    // rounding of z, of the log-joint derivative and of ε/s leaves ~10 ulp of |ε|/s, so the variance is below
    // (1e-14/s)² (and below (1e-14)² for ∂λ, which multiplies by sε).
    assert.ok(stl.variance.mean <= (1e-14 / post.sd) ** 2, `STL Var ∂m at the posterior: ${stl.variance.mean}`);
    assert.ok(stl.variance.logSd <= 1e-28 * 100, `STL Var ∂λ at the posterior: ${stl.variance.logSd}`);
    assertClose(stl.grad.mean, 0, 1e-13 / post.sd);
    assertClose(stl.grad.logSd, 0, 1e-12);
    // The same bound fails for reparameterisation: its variances are 1/s² and 2 (within 5 stderr of the sample
    // variance: for the linear ∂m the sample variance has relative sd √(2/(n−1)); ∂λ = 1 − ε² has Var(ε²)·… : 5·√(56/n) rel.).
    assert.ok(rep.variance.mean > 1e6 * (1e-14 / post.sd) ** 2);
    assertClose(rep.variance.mean, 1 / post.variance, (K * Math.sqrt(2 / (10_000 - 1))) / post.variance, { rep: rep.variance });
    // Var of (ε² − 1)² around its mean 2: E(ε²−1)⁴ − 4 = 60 − 4 = 56.
    assertClose(rep.variance.logSd, 2, K * Math.sqrt(56 / 10_000), { rep: rep.variance });
  }
});

test("per-draw variances of STL, reparameterisation and score equal the hand-derived closed forms (5 stderr of 200 batch variances)", () => {
  for (const [name, q] of [...qs, ["posterior", nn09.posterior] as [string, Normal]]) {
    const want = closedFormVariances(nn09, q);
    const got = {
      stl: batchedVariance((seed) => stlGradient(nn09, q, createRng(seed), 1000), 200),
      reparam: batchedVariance((seed) => reparamGradient(nn09, q, createRng(seed), 1000), 200),
      score: batchedVariance((seed) => scoreGradient(nn09, q, createRng(seed), 1000, { baseline: "none" }), 200),
    };
    for (const est of ["stl", "reparam", "score"] as const) {
      for (const key of ["mean", "logSd"] as const) {
        const g = got[est][key];
        // At the posterior STL's variance and its stderr are both ~0 (rounding): allow 1e-24 absolute there.
        assertClose(g.estimate, want[est][key], K * g.stderr + 1e-24, { name, est, key, got: g, want: want[est][key] });
      }
    }
  }
});

test("the closed-form comparison can fail: STL's measured variance is not reparameterisation's closed form away from the landing", () => {
  const q = qs[1][1];
  const want = closedFormVariances(nn09, q);
  const g = batchedVariance((seed) => stlGradient(nn09, q, createRng(seed), 1000), 200);
  assert.ok(Math.abs(g.mean.estimate - want.reparam.mean) > K * g.mean.stderr, JSON.stringify({ g, want }));
});

test("STL is not always better: for q narrower than √½ of the posterior sd its ∂λ variance exceeds reparameterisation's", () => {
  const q = qs[2][1];
  const v = closedFormVariances(nn09, q);
  const P = 1 / nn09.posterior.variance;
  assert.ok(P * q.variance < 0.5);
  assert.ok(v.stl.logSd > v.reparam.logSd, JSON.stringify(v));
  const n = 400_000;
  const stl = stlGradient(nn09, q, createRng(9), n);
  const rep = reparamGradient(nn09, q, createRng(9), n);
  assert.ok(stl.variance.logSd > rep.variance.logSd, JSON.stringify({ stl: stl.variance, rep: rep.variance }));
});

test("stlGradient rejects bad input with a message naming it", () => {
  assert.throws(() => stlGradient(nn09, new Normal(0, 1), createRng(1), 1), /stlGradient: n must be an integer >= 2, got 1/);
  assert.throws(() => stlGradient(nn09, new Normal(0, 1), createRng(1), 2.5), /got 2\.5/);
  assert.throws(() => stlGradient(nn09, new Beta(2, 2) as unknown as Normal, createRng(1), 10), /stlGradient: q must be a Normal/);
});
