import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose, assertRel, EPS } from "../testing/assert-close";
import { RunningMoments, meanWithStderr } from "../math/moments";
import { logSumExp } from "../math/logsumexp";
import { createRng } from "../random/rng";
import { Normal } from "../dists/normal";
import { Beta } from "../dists/beta";
import { normalNormalModel } from "../models/normal-normal";
import { squaredNormalModel } from "../models/squared-normal";
import { betaBernoulliModel } from "../models/beta-bernoulli";
import type { ScalarModel } from "../models/types";
import { elboParts } from "../elbo/elbo-parts";
import { mcElbo } from "./mc-elbo";
import { iwaeBound } from "./iwae";
import { reparamGradient, scoreGradient } from "./gradients";
import { exactElboGradient } from "./exact-gradient";
import { quadraticLogWeights, sampleLogWeights } from "./log-weights";

/**
 * Monte Carlo tolerance: k = 5 standard errors. The seeds are fixed, so these tests are
 * deterministic; 5σ leaves room for the ~40 comparisons below (a bias of 5σ would be a real bug,
 * chance ≈ 6e-7 per comparison otherwise).
 */
const K = 5;

const settings: Array<[string, ScalarModel, Normal | Beta]> = [
  ["normal-normal basic", normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] }), new Normal(0.3, 0.4)],
  ["normal-normal far q", normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 1, data: [50.3, 49.1, 50.8] }), new Normal(0, 1)],
  ["normal-normal σ=1e-4", normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 1e-4, data: [0.70001, 0.69998] }), new Normal(0.7, 1e-4)],
  ["squared-normal", squaredNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] }), new Normal(0.3, 0.4)],
  ["coin", betaBernoulliModel({ priorA: 2, priorB: 3, data: [1, 0, 1, 1, 1] }), new Beta(3, 2)],
];

test("mcElbo is within 5 standard errors of the exact ELBO", () => {
  const rng = createRng(101);
  for (const [name, model, q] of settings) {
    const r = mcElbo(model, q, rng, 100_000);
    const exact = elboParts(model, q).elbo;
    assert.ok(Number.isFinite(r.stderr) && r.stderr > 0, name);
    assertClose(r.estimate, exact, K * r.stderr, { name, ...r, exact });
  }
});

/** The same model without its QuadraticLogJoint declaration, so the estimators take the per-draw path. */
function generic(model: ScalarModel): ScalarModel {
  return Object.create(model, { logJointCurvature: { value: undefined } }) as ScalarModel;
}

test("quadratic fast path: log-weights a + bε + cε² equal ln p(x, z) − ln q(z) per draw, same stream", () => {
  const quadSettings = settings.filter(([, model, q]) => q instanceof Normal && model.kind === "normal-normal") as Array<[string, ScalarModel, Normal]>;
  assert.equal(quadSettings.length, 3);
  for (const [name, model, q] of quadSettings) {
    const quad = quadraticLogWeights(model, q);
    assert.ok(quad !== undefined, name);
    assert.equal(quadraticLogWeights(generic(model), q), undefined);
    const fast = sampleLogWeights(model, q, createRng(11), new Float64Array(5000));
    const slow = sampleLogWeights(generic(model), q, createRng(11), new Float64Array(5000));
    const eps = createRng(11).normals(5000);
    for (let i = 0; i < eps.length; i++) {
      // independent of both paths: ln p(x, z) from logPrior + logLik and ln q(z) from logProb
      const z = q.mean + q.sd * eps[i];
      const direct = model.logPrior(z) + model.logLik(z) - q.logProb(z);
      // rounding: a few eps of the terms, plus the rounding of z times the slope of ln p there
      const tol = 64 * EPS * (Math.abs(quad.a) + Math.abs(quad.b * eps[i]) + Math.abs(quad.c * eps[i] ** 2) + Math.abs(direct)) + 4 * EPS * Math.abs(z * model.dLogJoint(z)) + 4 * EPS * Math.abs(z * (z - q.mean)) / q.variance;
      assertClose(fast[i], direct, tol, { name, i, eps: eps[i], slow: slow[i] });
      assertClose(slow[i], direct, tol, { name, i, eps: eps[i], fast: fast[i] });
    }
  }
  // a Beta q or a non-quadratic model has no fast path
  assert.equal(quadraticLogWeights(settings[3][1], settings[3][2]), undefined);
  assert.equal(quadraticLogWeights(settings[4][1], settings[4][2]), undefined);
});

test("mcElbo: the fused quadratic path gives the per-draw path's mean and standard error up to rounding", () => {
  for (const [name, model, q] of settings.filter(([, m, q]) => q instanceof Normal && m.kind === "normal-normal")) {
    // n not a multiple of the block size, so the last partial block is exercised
    const n = 100_003;
    const fast = mcElbo(model, q, createRng(5), n);
    const slow = mcElbo(generic(model), q, createRng(5), n);
    assert.equal(fast.n, n);
    // both are means of the same n log-weights (same ε); they differ by the rounding of the
    // weights (see the test above) and of the sums: 1e-10 of the weights' scale is far above
    // that and far below one standard error
    assertClose(fast.estimate, slow.estimate, 1e-10 * (1 + Math.abs(slow.estimate)), { name, fast, slow });
    assertRel(fast.stderr, slow.stderr, 1e-7, { name, fast, slow });
  }
  // at q = the posterior every weight equals p(x): the fused path sees c = 0 and b = 0 exactly up
  // to rounding, so the estimate is ln p(x) and the spread vanishes
  const nn = settings[0][1];
  const post = nn.posterior as Normal;
  const atPost = mcElbo(nn, post, createRng(6), 10_000);
  assertClose(atPost.estimate, nn.logEvidence(), 1e-13, atPost);
  assert.ok(atPost.stderr < 1e-13, JSON.stringify(atPost));
});

test("iwaeBound: closed-form log-weights and the grouped log-sum-exp give the per-draw, Math.exp result up to rounding", () => {
  for (const [name, model, q] of settings.filter(([, m, q]) => q instanceof Normal && m.kind === "normal-normal") as Array<[string, ScalarModel, Normal]>) {
    for (const [k, groups] of [[1, 3000], [7, 1001], [100, 700], [5000, 20]]) {
      const fast = iwaeBound(model, q, createRng(12), k, groups);
      // reference: the same draws, ln w per draw from logPrior + logLik − logProb, logSumExp per group
      const rng = createRng(12);
      const terms: number[] = [];
      for (let j = 0; j < groups; j++) {
        const lw = Array.from(rng.normals(k), (e) => {
          const z = q.mean + q.sd * e;
          return model.logPrior(z) + model.logLik(z) - q.logProb(z);
        });
        terms.push(logSumExp(lw) - Math.log(k));
      }
      const ref = meanWithStderr(terms);
      // same draws, so the difference is rounding in the weights (see above): far below 1e-9
      assertClose(fast.estimate, ref.estimate, 1e-9 * (1 + Math.abs(ref.estimate)), { name, k, fast, ref });
      assertRel(fast.stderr, ref.stderr, 1e-6, { name, k, fast, ref });
    }
  }
});

test("RunningMoments.addShiftedSums: blocks given as sums about their own shift equal addAll of the values", () => {
  const rng = createRng(8);
  const vs = rng.normals(1000, -1e4, 3);
  const ref = new RunningMoments().addAll(vs);
  const m = new RunningMoments();
  for (const [from, to, shift] of [[0, 1, -1e4], [1, 400, -9990], [400, 400, 5], [400, 1000, -1.0001e4]]) {
    let s1 = 0;
    let s2 = 0;
    for (let i = from; i < to; i++) {
      s1 += vs[i] - shift;
      s2 += (vs[i] - shift) ** 2;
    }
    m.addShiftedSums(to - from, shift, s1, s2);
  }
  assert.equal(m.n, 1000);
  // values near −1e4 with spread 3: rounding of v − shift is ~1e4·eps per value
  assertClose(m.mean, ref.mean, 1e4 * 64 * EPS, { got: m.result(), ref: ref.result() });
  assertRel(m.variance, ref.variance, 1e-9, { got: m.result(), ref: ref.result() });
  // a plain block about 10 (the doc example): 1, 2, 3, 4 → mean 2.5, variance 5/3
  const ex = new RunningMoments().addShiftedSums(4, 10, -30, 230);
  assert.equal(ex.mean, 2.5);
  assertClose(ex.variance, 5 / 3, 4 * EPS);
});

test("IWAE: K = 1 is the ELBO; the bound rises with K (on average) and approaches ln p(x)", () => {
  for (const [name, model, q] of settings) {
    const parts = elboParts(model, q);
    const ks = [1, 4, 16, 64, 256];
    const rng = createRng(202);
    const est = ks.map((k) => iwaeBound(model, q, rng, k, Math.max(200, Math.floor(100_000 / k))));
    assertClose(est[0].estimate, parts.elbo, K * est[0].stderr, { name, ...est[0], elbo: parts.elbo });
    for (let i = 1; i < ks.length; i++) {
      // monotone in K up to noise: L_{K'} ≥ L_K − 5·√(se² + se'²)
      const slack = K * Math.hypot(est[i].stderr, est[i - 1].stderr);
      assert.ok(est[i].estimate >= est[i - 1].estimate - slack, `${name}: L_${ks[i]} = ${est[i].estimate} < L_${ks[i - 1]} = ${est[i - 1].estimate} − ${slack}`);
      // and never above ln p(x) beyond noise
      assert.ok(est[i].estimate <= parts.logEvidence + K * est[i].stderr, `${name}: L_${ks[i]} = ${est[i].estimate} > ln p(x) = ${parts.logEvidence}`);
    }
  }
  // convergence where q is reasonable: L_1000 within 0.01 + 5 se of ln p(x) (KL(q‖post) = 1.37 here)
  const [, model, q] = settings[0];
  const big = iwaeBound(model, q, createRng(303), 1000, 300);
  assertClose(big.estimate, model.logEvidence(), 0.01 + K * big.stderr, big);
});

test("gradients: reparameterisation and score-function estimators agree with the exact gradient", () => {
  const cases = settings.filter(([, , q]) => q instanceof Normal) as Array<[string, ScalarModel, Normal]>;
  for (const [name, model, q] of cases) {
    const exact = exactElboGradient(model, q);
    const rng = createRng(404);
    const n = 20_000;
    const rep = reparamGradient(model, q, rng, n);
    const sf = scoreGradient(model, q, rng, n);
    const sfb = scoreGradient(model, q, rng, n, { baseline: "loo" });
    for (const [label, g] of [["reparam", rep], ["score", sf], ["score+loo", sfb]] as const) {
      assertClose(g.grad.mean, exact.mean, K * g.stderr.mean, { name, label, grad: g.grad, stderr: g.stderr, exact });
      assertClose(g.grad.logSd, exact.logSd, K * g.stderr.logSd, { name, label, grad: g.grad, stderr: g.stderr, exact });
    }
    // A baseline always helped here; reparameterisation beats both on the teaching settings. (Not
    // a theorem: with σ = 1e-4 the pathwise derivative n(x̄ − z)/σ² is so steep that its variance,
    // 4e8, exceeds the baselined score estimator's — which is why this is checked per setting.)
    const v = JSON.stringify({ reparam: rep.variance, scoreLoo: sfb.variance, score: sf.variance });
    assert.ok(sfb.variance.mean < sf.variance.mean && sfb.variance.logSd < sf.variance.logSd, `${name}: ${v}`);
    if (!name.includes("1e-4")) assert.ok(rep.variance.mean < sfb.variance.mean && rep.variance.logSd < sfb.variance.logSd, `${name}: ${v}`);
  }
});

test("exact gradient equals a central finite difference of the exact ELBO", () => {
  for (const [name, model, q] of settings.filter(([, , q]) => q instanceof Normal) as Array<[string, ScalarModel, Normal]>) {
    const g = exactElboGradient(model, q);
    const f = (m: number, l: number) => elboParts(model, Normal.fromLogSd(m, l)).elbo;
    const h = 1e-5 * Math.max(q.sd, 1e-3);
    const fdMean = (f(q.mean + h, q.logSd) - f(q.mean - h, q.logSd)) / (2 * h);
    const hl = 1e-5;
    const fdLog = (f(q.mean, q.logSd + hl) - f(q.mean, q.logSd - hl)) / (2 * hl);
    // central differences: truncation O(h²) plus rounding eps·|ELBO|/h; 1e-5 relative to the larger of the pair
    const scale = (v: number) => 1e-5 * Math.max(1, Math.abs(v)) + (1e-15 * Math.abs(f(q.mean, q.logSd))) / h;
    assertClose(g.mean, fdMean, scale(g.mean), { name, g, fdMean });
    assertClose(g.logSd, fdLog, scale(g.logSd) + (1e-15 * Math.abs(f(q.mean, q.logSd))) / hl, { name, g, fdLog });
  }
  const nn = normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] });
  const atPost = exactElboGradient(nn, nn.posterior);
  assertClose(atPost.mean, 0, 1e-13);
  assertClose(atPost.logSd, 0, 1e-13);
  assert.throws(() => exactElboGradient(betaBernoulliModel({ priorA: 1, priorB: 1, data: [1] }), new Normal(0.5, 0.1)), /no closed form/);
});
