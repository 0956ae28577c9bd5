import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "./backend";
import { BACKEND_UNDER_TEST, initTestBackend } from "./tested-backend";
import {
  elboGaussianMC, fitGaussianVI, gradientEstimates, GradientEstimator, normalNormalTf, squaredNormalTf,
} from "./gradient-vi";
import { gradientViReference } from "../../test/reference/gradient-vi-reference";

const ref = gradientViReference();
const nn = ref.normalNormal;

function meanVar(a: Float64Array): { mean: number; variance: number } {
  let s = 0;
  for (const v of a) s += v;
  const mean = s / a.length;
  let ss = 0;
  for (const v of a) ss += (v - mean) ** 2;
  return { mean, variance: ss / (a.length - 1) };
}

test("normal-normal log joint MC ELBO matches the reference closed-form ELBO (5 standard errors at 1e5 draws)", async () => {
  await initTestBackend();
  // With 1e5 draws the MC ELBO of q = N(0, 1) has standard error ≈ 0.02; 5 se.
  const e = elboGaussianMC(normalNormalTf(nn), nn.probe.q, { samples: 100000, seed: 5 });
  assert.ok(Math.abs(e - nn.probe.elbo) < 0.1, `MC ELBO ${e} vs closed form ${nn.probe.elbo}`);
});

test("all three gradient estimators are unbiased; variance: score > score-baseline > reparam", async () => {
  await initTestBackend();
  const model = normalNormalTf(nn);
  const v: Record<string, number> = {};
  for (const est of ["reparam", "score", "score-baseline"] as GradientEstimator[]) {
    const g = gradientEstimates(model, nn.probe.q, est, { repeats: 4000, samples: 4, seed: 11 });
    const dm = meanVar(g.dMean);
    const ds = meanVar(g.dLogSd);
    // Unbiased: the mean of 4000 estimates is within 5 standard errors of the exact gradient.
    const seM = Math.sqrt(dm.variance / 4000), seS = Math.sqrt(ds.variance / 4000);
    assert.ok(Math.abs(dm.mean - nn.probe.dMean) < 5 * seM + 1e-3, `${est} dMean ${dm.mean} ± ${seM} vs ${nn.probe.dMean}`);
    assert.ok(Math.abs(ds.mean - nn.probe.dLogSd) < 5 * seS + 1e-3, `${est} dLogSd ${ds.mean} ± ${seS} vs ${nn.probe.dLogSd}`);
    v[est] = dm.variance;
  }
  assert.ok(v.score > v["score-baseline"] && v["score-baseline"] > v.reparam, `variances ${JSON.stringify(v)}`);
});

test("stl (sticking the landing) is unbiased, matches the closed-form per-draw variance, and has no noise at the posterior", async () => {
  await initTestBackend();
  const model = normalNormalTf(nn);
  // Per-draw variances on normal-normal (derived by hand, P = 1/τn²): STL Var ∂m = (1 − Ps²)²/s²,
  // reparam Var ∂m = P²s².
  const P = 1 / nn.posteriorSd ** 2;
  const s = Math.exp(nn.probe.q.logSd);
  const u = 1 - P * s * s;
  const R = 20000;
  const stl = gradientEstimates(model, nn.probe.q, "stl", { repeats: R, samples: 1, seed: 21 });
  const dm = meanVar(stl.dMean);
  const ds = meanVar(stl.dLogSd);
  // Unbiased within 5 standard errors (+ float32 on numbers of size ~10).
  assert.ok(Math.abs(dm.mean - nn.probe.dMean) < 5 * Math.sqrt(dm.variance / R) + 1e-3, `stl dMean ${dm.mean} vs ${nn.probe.dMean}`);
  assert.ok(Math.abs(ds.mean - nn.probe.dLogSd) < 5 * Math.sqrt(ds.variance / R) + 1e-3, `stl dLogSd ${ds.mean} vs ${nn.probe.dLogSd}`);
  // ∂m is linear in ε, so its sample variance has relative sd √(2/(R − 1)); 5 of them.
  const vm = (u * u) / (s * s);
  assert.ok(Math.abs(dm.variance - vm) < 5 * Math.sqrt(2 / (R - 1)) * vm, `stl Var ∂m ${dm.variance} vs ${vm}`);
  assert.ok(dm.variance < P * P * s * s, `stl Var ∂m ${dm.variance} not below reparam's ${P * P * s * s}`);
  // At the posterior every draw returns 0 up to float32 rounding (terms of size |ε|/τn ≈ 3, rounding ~1e-6).
  const post = { mean: nn.posteriorMean, logSd: Math.log(nn.posteriorSd) };
  const at = gradientEstimates(model, post, "stl", { repeats: 4000, samples: 1, seed: 22 });
  const rep = gradientEstimates(model, post, "reparam", { repeats: 4000, samples: 1, seed: 22 });
  assert.ok(meanVar(at.dMean).variance < 1e-9 && meanVar(at.dLogSd).variance < 1e-9, `stl at the posterior: ${meanVar(at.dMean).variance}, ${meanVar(at.dLogSd).variance}`);
  assert.ok(meanVar(rep.dMean).variance > 0.5 * P && meanVar(rep.dLogSd).variance > 1, "reparam keeps its noise at the posterior");
});

test("Adam with the stl estimator lands on the posterior to float32 precision, and frees its tensors", async () => {
  await initTestBackend();
  const before = tf.memory().numTensors;
  const r = fitGaussianVI(normalNormalTf(nn), { estimator: "stl", steps: 1500, samples: 16, seed: 4 });
  assert.equal(tf.memory().numTensors, before, "fitGaussianVI freed its tensors");
  assert.ok(Math.abs(r.q.mean - nn.posteriorMean) < 1e-3 * nn.posteriorSd, `mean ${r.q.mean} vs ${nn.posteriorMean}`);
  assert.ok(Math.abs(r.q.sd / nn.posteriorSd - 1) < 1e-3, `sd ${r.q.sd} vs ${nn.posteriorSd}`);
});

test("Adam with reparameterised gradients converges to the exact posterior and ELBO → log p(x)", async () => {
  await initTestBackend();
  const model = normalNormalTf(nn);
  const before = tf.memory().numTensors;
  const r = fitGaussianVI(model, { estimator: "reparam", steps: 2000, samples: 16, learningRate: 0.05, seed: 3 });
  assert.equal(tf.memory().numTensors, before, "fitGaussianVI freed its tensors");
  // Tolerance: mean within 5% of the posterior sd, sd within 5% (Adam's jitter at lr 0.05, averaged).
  assert.ok(Math.abs(r.q.mean - nn.posteriorMean) < 0.05 * nn.posteriorSd, `mean ${r.q.mean} vs ${nn.posteriorMean}`);
  assert.ok(Math.abs(r.q.sd / nn.posteriorSd - 1) < 0.05, `sd ${r.q.sd} vs ${nn.posteriorSd}`);
  const elbo = elboGaussianMC(model, r.q, { samples: 100000, seed: 9 });
  assert.ok(elbo <= nn.logEvidence + 1e-4, `ELBO ${elbo} must not exceed log p(x) ${nn.logEvidence}`);
  assert.ok(nn.logEvidence - elbo < 0.01, `gap ${nn.logEvidence - elbo} (ELBO ${elbo}, log p(x) ${nn.logEvidence})`);
  // The ELBO estimates rise from the start to the end.
  assert.ok(r.history[r.history.length - 1].elbo > r.history[0].elbo);
});

test("score function with a leave-one-out baseline also converges (tolerance 5% of sd)", async () => {
  await initTestBackend();
  const r = fitGaussianVI(normalNormalTf(nn), { estimator: "score-baseline", steps: 1500, samples: 16, seed: 4 });
  assert.ok(Math.abs(r.q.mean - nn.posteriorMean) < 0.05 * nn.posteriorSd, `mean ${r.q.mean}`);
  assert.ok(Math.abs(r.q.sd / nn.posteriorSd - 1) < 0.05, `sd ${r.q.sd}`);
});

test("squared-normal: q lands in one of the two modes and the gap stays ≈ log 2 > 0", async () => {
  await initTestBackend();
  const sq = ref.squaredNormal;
  const model = squaredNormalTf(sq);
  const xbar = sq.x.reduce((a, b) => a + b, 0) / sq.x.length;
  for (const sign of [1, -1]) {
    const r = fitGaussianVI(model, { steps: 1500, seed: 4, init: { mean: sign, logSd: -1 } });
    assert.equal(Math.sign(r.q.mean), sign, `mode chosen from init ${sign}: mean ${r.q.mean}`);
    assert.ok(Math.abs(Math.abs(r.q.mean) - Math.sqrt(xbar)) < 0.1, `mean ${r.q.mean} near ±√x̄ = ${Math.sqrt(xbar)}`);
    const elbo = elboGaussianMC(model, r.q, { samples: 100000, seed: 9 });
    const gap = sq.logEvidence - elbo;
    // Half the posterior mass is in the other mode, so KL(q‖p) ≥ about log 2.
    assert.ok(gap > 0.6 && gap < 0.8, `gap ${gap} (ELBO ${elbo}, log p(x) ${sq.logEvidence}), expected ≈ log 2`);
  }
});

test(`${BACKEND_UNDER_TEST} and cpu agree at float32 tolerance on gradient estimates`, async () => {
  const out: Record<string, { dMean: Float64Array; dLogSd: Float64Array }> = {};
  for (const b of [BACKEND_UNDER_TEST, "cpu"] as const) {
    await initBackend({ prefer: b });
    out[b] = gradientEstimates(normalNormalTf(nn), nn.probe.q, "reparam", { repeats: 200, samples: 4, seed: 2 });
  }
  for (let i = 0; i < 200; i++) {
    for (const k of ["dMean", "dLogSd"] as const) {
      const a = out[BACKEND_UNDER_TEST][k][i], c = out.cpu[k][i];
      assert.ok(Math.abs(a - c) <= 1e-3 * (1 + Math.abs(c)), `${k}[${i}]: ${BACKEND_UNDER_TEST} ${a} cpu ${c}`);
    }
  }
  await initTestBackend();
});
