import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { BACKEND_UNDER_TEST, initTestBackend } from "./tested-backend";
import { loadMnistSplit } from "./mnist";
import { createVae, vaeReconstruct } from "./vae";
import { elboDrawsAtQ, iwaeAtQ, klDiagGaussianToStdNormal, refineDiagGaussianQ, vaeEncoderQ, vaeLogLik, type BatchLogLik, type DiagGaussianQ } from "./refine-q";

/*
 * A linear-Gaussian model whose posterior is known exactly and is a diagonal Gaussian:
 *   z ~ N(0, I₂),  x | z ~ N(W z, σ² I₃),  W = [[1, 1], [1, −1], [0, 1]]  (orthogonal columns, WᵀW = diag(2, 3)),
 * so the posterior precision I + WᵀW/σ² is diagonal: p(z | x) = N(Λ⁻¹ Wᵀx/σ², Λ⁻¹), Λ = diag(1 + 2/σ², 1 + 3/σ²),
 * and log p(x) = log N(x; 0, WWᵀ + σ²I₃). Everything on this side is float64 JS, written here.
 */
const W = [[1, 1], [1, -1], [0, 1]];
const SIGMA = 0.7;
const XS = [[0.9, -0.3, 0.5], [-1.2, 0.4, 2.0]]; // two data points, each its own q

function exactPosterior(x: number[]): { mean: number[]; sd: number[] } {
  const mean: number[] = [], sd: number[] = [];
  for (let d = 0; d < 2; d++) {
    const prec = 1 + (W[0][d] ** 2 + W[1][d] ** 2 + W[2][d] ** 2) / SIGMA ** 2;
    const wx = W[0][d] * x[0] + W[1][d] * x[1] + W[2][d] * x[2];
    mean.push(wx / SIGMA ** 2 / prec);
    sd.push(1 / Math.sqrt(prec));
  }
  return { mean, sd };
}

function logEvidence(x: number[]): number {
  // C = WWᵀ + σ²I (3×3), log N(x; 0, C) by the cofactor inverse and determinant.
  const C = [0, 1, 2].map((i) => [0, 1, 2].map((j) => W[i][0] * W[j][0] + W[i][1] * W[j][1] + (i === j ? SIGMA ** 2 : 0)));
  const det = C[0][0] * (C[1][1] * C[2][2] - C[1][2] * C[2][1]) - C[0][1] * (C[1][0] * C[2][2] - C[1][2] * C[2][0]) + C[0][2] * (C[1][0] * C[2][1] - C[1][1] * C[2][0]);
  const cof = (i: number, j: number) => {
    const r = [0, 1, 2].filter((k) => k !== i), c = [0, 1, 2].filter((k) => k !== j);
    return (-1) ** (i + j) * (C[r[0]][c[0]] * C[r[1]][c[1]] - C[r[0]][c[1]] * C[r[1]][c[0]]);
  };
  let quad = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) quad += x[i] * (cof(j, i) / det) * x[j];
  return -0.5 * quad - 0.5 * Math.log(det) - 1.5 * Math.log(2 * Math.PI);
}

/** log N(x_b; W z, σ² I) for rows s·n + b, in tfjs. */
const linearLogLik: BatchLogLik = (z) => {
  const n = XS.length;
  const S = z.shape[0] / n;
  const x = tf.tile(tf.tensor2d(XS), [S, 1]);
  const mean = tf.matMul(z, tf.transpose(tf.tensor2d(W)));
  return tf.sub(tf.mul(-0.5 / SIGMA ** 2, tf.sum(tf.square(tf.sub(x, mean)), -1)), 3 * (Math.log(SIGMA) + 0.5 * Math.log(2 * Math.PI))) as tf.Tensor1D;
};

const posteriorQ = (): DiagGaussianQ => {
  const ps = XS.map(exactPosterior);
  return { n: XS.length, dim: 2, mu: Float32Array.from(ps.flatMap((p) => p.mean)), logSd: Float32Array.from(ps.flatMap((p) => p.sd.map(Math.log))) };
};

// Adam with a fixed learning rate on a noisy gradient does not stop at the optimum; it hovers around
// it, with a spread that shrinks like √lr (measured here: up to 0.023 in log σ after 1500 steps at lr
// 0.002, 64 draws a step). So three stages from the prior N(0, I), 300 steps at lr 0.05, 300 at 0.005,
// 600 at 0.0005, 64 draws a step; tolerance 0.02 in μ and log σ (their distance from the prior's
// values is 0.5–1.2); measured errors at most 0.0067 on both backends.
test(`refineDiagGaussianQ: from the prior, refinement converges to the exact posterior of a linear-Gaussian model (${BACKEND_UNDER_TEST}; μ and log σ within 0.02)`, async () => {
  await initTestBackend();
  const before = tf.memory().numTensors;
  const prior: DiagGaussianQ = { n: 2, dim: 2, mu: new Float32Array(4), logSd: new Float32Array(4) };
  const coarse = refineDiagGaussianQ(linearLogLik, prior, { steps: 300, samples: 64, learningRate: 0.05, seed: 3 });
  const middle = refineDiagGaussianQ(linearLogLik, coarse.q, { steps: 300, samples: 64, learningRate: 0.005, seed: 4 });
  const fine = refineDiagGaussianQ(linearLogLik, middle.q, { steps: 600, samples: 64, learningRate: 0.0005, seed: 5 });
  const exact = posteriorQ();
  for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(fine.q.mu[i] - exact.mu[i]) < 0.02, `μ[${i}]: refined ${fine.q.mu[i]}, exact ${exact.mu[i]}`);
    assert.ok(Math.abs(fine.q.logSd[i] - exact.logSd[i]) < 0.02, `log σ[${i}]: refined ${fine.q.logSd[i]}, exact ${exact.logSd[i]}`);
  }
  // The traced ELBO rose from the prior's toward the mean log evidence.
  const meanLogEv = XS.map(logEvidence).reduce((a, b) => a + b) / XS.length;
  assert.ok(coarse.trace[0] < meanLogEv - 1 && Math.abs(fine.trace[fine.trace.length - 1] - meanLogEv) < 0.2, `trace from ${coarse.trace[0]} to ${fine.trace[fine.trace.length - 1]}, mean log p(x) ${meanLogEv}`);
  assert.equal(tf.memory().numTensors, before, "tensors left behind");
});

test(`iwaeAtQ and elboDrawsAtQ at the exact posterior: every importance weight is p(x), so L_K = log p(x) (float32, 1e-4 relative); the ELBO draws average to log p(x) within 4 standard errors (${BACKEND_UNDER_TEST})`, async () => {
  await initTestBackend();
  const q = posteriorQ();
  const iw = iwaeAtQ(linearLogLik, q, 50, { seed: 5, maxRows: 30 }); // maxRows 30: 15 draws per chunk, 4 chunks
  const draws = 4000;
  const e = elboDrawsAtQ(linearLogLik, q, draws, { seed: 6 });
  XS.forEach((x, b) => {
    const lp = logEvidence(x);
    assert.ok(Math.abs(iw[b] - lp) <= 1e-4 * Math.abs(lp), `point ${b}: L_50 ${iw[b]}, log p(x) ${lp}`);
    const row = e.subarray(b * draws, (b + 1) * draws);
    const m = row.reduce((a, v) => a + v, 0) / draws;
    const se = Math.sqrt(row.reduce((a, v) => a + (v - m) ** 2, 0) / (draws - 1) / draws);
    assert.ok(se > 0 && Math.abs(m - lp) <= 4 * se, `point ${b}: ELBO ${m} ± ${se}, log p(x) ${lp}`);
  });
});

test("elboDrawsAtQ: the same seed gives the same ε for any q (common random numbers): with log p(x | z) = Σ_d z_d, the draws of q and of q with μ shifted by δ differ by exactly dim·δ − ΔKL, draw by draw (float32, 1e-5)", async () => {
  await initTestBackend();
  const sumLogLik: BatchLogLik = (z) => tf.sum(z, -1) as tf.Tensor1D;
  const q = posteriorQ();
  const delta = 0.25;
  const shifted: DiagGaussianQ = { ...q, mu: q.mu.map((v) => v + delta) };
  const draws = 50;
  const a = elboDrawsAtQ(sumLogLik, q, draws, { seed: 9, maxRows: 40 });
  const b = elboDrawsAtQ(sumLogLik, shifted, draws, { seed: 9, maxRows: 40 });
  const klA = klDiagGaussianToStdNormal(q), klB = klDiagGaussianToStdNormal(shifted);
  for (let i = 0; i < a.length; i++) {
    const p = Math.floor(i / draws);
    const want = q.dim * delta - (klB[p] - klA[p]);
    assert.ok(Math.abs(b[i] - a[i] - want) < 1e-5, `point ${p}, draw ${i % draws}: difference ${b[i] - a[i]}, expected ${want}`);
  }
  const c = elboDrawsAtQ(sumLogLik, q, draws, { seed: 10, maxRows: 40 });
  assert.ok(c.some((v, i) => Math.abs(v - a[i]) > 0.1), "another seed must give other draws");
});

test("vaeLogLik at z = μ(x) equals Σ x log s + (1 − x) log(1 − s) from vaeReconstruct's pixel probabilities s (float64 here; 1e-3 nats)", async () => {
  await initTestBackend();
  const { test: set } = loadMnistSplit({ limitTrain: 8, limitTest: 4 });
  const vae = createVae({ seed: 3, latentDim: 5 });
  const q = vaeEncoderQ(vae, set);
  const ll = tf.tidy(() => vaeLogLik(vae, set)(tf.tensor2d(q.mu, [q.n, q.dim])).dataSync());
  const s = vaeReconstruct(vae, set);
  for (let b = 0; b < set.n; b++) {
    let ref = 0;
    for (let j = 0; j < 784; j++) {
      const x = set.x[b * 784 + j], p = s[b * 784 + j];
      ref += x * Math.log(p) + (1 - x) * Math.log(1 - p);
    }
    assert.ok(Math.abs(ll[b] - ref) < 1e-3, `image ${b}: vaeLogLik ${ll[b]}, from probabilities ${ref}`);
  }
  vae.dispose();
});

test("refine-q: bad input is rejected naming the value", async () => {
  await initTestBackend();
  const q = posteriorQ();
  assert.throws(() => refineDiagGaussianQ(linearLogLik, q, { steps: -1 }), /refineDiagGaussianQ: steps must be an integer ≥ 0, got -1/);
  assert.throws(() => refineDiagGaussianQ(linearLogLik, q, { samples: 0 }), /refineDiagGaussianQ: samples must be a positive integer, got 0/);
  assert.throws(() => refineDiagGaussianQ(linearLogLik, q, { learningRate: NaN }), /learningRate must be a finite number > 0, got NaN/);
  assert.throws(() => iwaeAtQ(linearLogLik, { ...q, logSd: new Float32Array(3) }, 5), /iwaeAtQ: q.mu and q.logSd must hold n·dim = 4 values, got 4 and 3/);
  assert.throws(() => elboDrawsAtQ(linearLogLik, q, 2.5), /elboDrawsAtQ: draws must be a positive integer, got 2.5/);
});
