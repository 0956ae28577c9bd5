import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../testing/assert-close";
import { DiagNormal } from "../dists/diag-normal";
import { klDiagNormal } from "../divergence/kl-diag-normal";
import { normalNormalModel } from "../models/normal-normal";
import { createRng } from "../random/rng";
import { meanWithStderr } from "../math/moments";
import { HALF_LOG_2PI } from "../math/constants";
import { BivariateNormal } from "./bivariate-normal";
import { caviBivariateNormal, klBivariateToFactorised, klFactorisedToBivariate, meanFieldOptimum } from "./mean-field-gaussian";
import { linearRegression2d } from "./linear-regression-2d";
import { gmmLogEvidenceExact } from "./gmm-exact-evidence";
import { caviGmm, gmmCaviElbo, gmmCaviUpdateMeans, gmmCaviUpdatePhi } from "./gmm-cavi";

const p = BivariateNormal.fromCorrelation([1, -0.5], [1.2, 0.7], 0.85);

test("BivariateNormal: Λ·Σ = I, logProb = marginal × conditional, sample moments within 4 s.e., bad covariances named", () => {
  const L = p.precision;
  const S = p.cov;
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) assertClose(L[i][0] * S[0][j] + L[i][1] * S[1][j], i === j ? 1 : 0, 1e-14);
  // ln p(z1, z2) = ln N(z1 | μ1, s1²) + ln N(z2 | μ2 + ρ s2/s1 (z1 − μ1), s2²(1 − ρ²))
  const [z1, z2] = [0.3, 0.4];
  const ln = (z: number, m: number, s: number) => -0.5 * ((z - m) / s) ** 2 - Math.log(s) - HALF_LOG_2PI;
  const cm = p.mean[1] + (p.rho * p.sd[1] * (z1 - p.mean[0])) / p.sd[0];
  assertClose(p.logProb(z1, z2), ln(z1, p.mean[0], p.sd[0]) + ln(z2, cm, p.sd[1] * Math.sqrt(1 - p.rho ** 2)), 1e-14);
  const [a, b] = p.sample(createRng(3), 100_000);
  const cross = meanWithStderr(Array.from(a, (v, i) => (v - p.mean[0]) * (b[i] - p.mean[1])));
  assertClose(cross.estimate, p.cov[0][1], 4 * cross.stderr);
  const e = p.ellipse(1, 8);
  for (let i = 0; i < e.x.length; i++) {
    const d1 = e.x[i] - p.mean[0];
    const d2 = e.y[i] - p.mean[1];
    assertClose(L[0][0] * d1 * d1 + 2 * L[0][1] * d1 * d2 + L[1][1] * d2 * d2, 1, 1e-12);
  }
  assert.throws(() => BivariateNormal.fromCorrelation([0, 0], [1, 1], 1), /positive definite, got \[\[1, 1\], \[1, 1\]\]/);
  assert.throws(() => new BivariateNormal([0, NaN], [[1, 0], [0, 1]]), /two finite numbers, got \[0, NaN\]/);
});

test("klFactorisedToBivariate and klBivariateToFactorised against Monte Carlo (4 s.e.) and against klDiagNormal at ρ = 0", () => {
  const q = new DiagNormal([0.5, 0], [0.6, 0.5]);
  const rng = createRng(5);
  const zq = q.sample(rng, 100_000);
  const rev = meanWithStderr(zq.map((z) => q.logProb(z) - p.logProb(z[0], z[1])));
  assertClose(klFactorisedToBivariate(q, p), rev.estimate, 4 * rev.stderr);
  const [a, b] = p.sample(rng, 100_000);
  const fwd = meanWithStderr(Array.from(a, (v, i) => p.logProb(v, b[i]) - q.logProb([v, b[i]])));
  assertClose(klBivariateToFactorised(p, q), fwd.estimate, 4 * fwd.stderr);
  const p0 = BivariateNormal.fromCorrelation([1, 2], [1.5, 0.5], 0);
  assertClose(klFactorisedToBivariate(q, p0), klDiagNormal(q, new DiagNormal([1, 2], [1.5, 0.5])), 1e-14);
  assertClose(klBivariateToFactorised(p0, q), klDiagNormal(new DiagNormal([1, 2], [1.5, 0.5]), q), 1e-14);
});

test("meanFieldOptimum: sds √(Σⱼⱼ(1 − ρ²)); a stationary point (finite differences) and below every nearby q", () => {
  const opt = meanFieldOptimum(p);
  assertClose(opt.sd[0], p.sd[0] * Math.sqrt(1 - p.rho ** 2), 1e-14);
  assertClose(opt.sd[1], p.sd[1] * Math.sqrt(1 - p.rho ** 2), 1e-14);
  const k0 = klFactorisedToBivariate(opt, p);
  const h = 1e-5;
  const params = [opt.mean[0], opt.mean[1], Math.log(opt.sd[0]), Math.log(opt.sd[1])];
  const kAt = (v: number[]) => klFactorisedToBivariate(new DiagNormal([v[0], v[1]], [Math.exp(v[2]), Math.exp(v[3])]), p);
  for (let j = 0; j < 4; j++) {
    const up = params.slice();
    const dn = params.slice();
    up[j] += h;
    dn[j] -= h;
    assertClose((kAt(up) - kAt(dn)) / (2 * h), 0, 1e-8, { j });
    assert.ok(kAt(up) > k0 && kAt(dn) > k0);
  }
  // The forward KL's factorised minimiser is moment matching: the marginal sds, not these.
  const mm = new DiagNormal(p.mean, p.sd);
  assert.ok(klBivariateToFactorised(p, mm) < klBivariateToFactorised(p, opt));
});

test("caviBivariateNormal: KL falls at every half-sweep, mean error shrinks by ρ² per sweep, limit = meanFieldOptimum", () => {
  const steps = caviBivariateNormal(p, new DiagNormal([-2, 2], [1, 1]), 60);
  for (let t = 1; t < steps.length; t++) {
    assert.ok(steps[t].klAfterFirst <= steps[t - 1].kl + 1e-15, `sweep ${t}, first half`);
    assert.ok(steps[t].kl <= steps[t].klAfterFirst + 1e-15, `sweep ${t}, second half`);
  }
  const err = (t: number) => steps[t].q.mean[1] - p.mean[1];
  for (let t = 2; t < 10; t++) assertClose(err(t) / err(t - 1), p.rho ** 2, 1e-9, { t });
  const opt = meanFieldOptimum(p);
  const last = steps[steps.length - 1].q;
  for (let j = 0; j < 2; j++) {
    assertClose(last.mean[j], opt.mean[j], 1e-6);
    assertClose(last.sd[j], opt.sd[j], 1e-15);
  }
  assert.throws(() => caviBivariateNormal(p, new DiagNormal([0], [1]), 1), /dimension 2, got 1/);
});

/** ln N(y | 0, C) for an n×n covariance, by a Cholesky written here (independent of the 2×2 algebra). */
function logMvnZeroMean(y: number[], C: number[][]): number {
  const n = y.length;
  const Lc = C.map((r) => r.map(() => 0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = C[i][j];
      for (let k = 0; k < j; k++) s -= Lc[i][k] * Lc[j][k];
      Lc[i][j] = i === j ? Math.sqrt(s) : s / Lc[j][j];
    }
  }
  const u = new Array(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = y[i];
    for (let k = 0; k < i; k++) s -= Lc[i][k] * u[k];
    u[i] = s / Lc[i][i];
  }
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += 2 * Math.log(Lc[i][i]);
  return -0.5 * u.reduce((a, v) => a + v * v, 0) - 0.5 * logDet - n * HALF_LOG_2PI;
}

test("linearRegression2d: ln p(y) = ln N(y | 0, σ²I + α²FFᵀ) (n×n Cholesky); posterior mean solves the normal equations", () => {
  const features = [[1, 0.9], [0.5, 0.6], [-1, -0.8], [2, 1.7], [0.1, 0.3]];
  const y = [1.2, 0.4, -1.1, 2.6, 0.2];
  const m = linearRegression2d({ features, y, noiseSd: 0.5, priorSd: 2 });
  const C = features.map((fi, i) => features.map((fj, j) => 4 * (fi[0] * fj[0] + fi[1] * fj[1]) + (i === j ? 0.25 : 0)));
  assertClose(m.logEvidence, logMvnZeroMean(y, C), 1e-12);
  // Gradient of the log joint vanishes at the posterior mean.
  const h = 1e-6;
  const [w1, w2] = m.posterior.mean;
  assertClose((m.logJoint(w1 + h, w2) - m.logJoint(w1 - h, w2)) / (2 * h), 0, 1e-6);
  assertClose((m.logJoint(w1, w2 + h) - m.logJoint(w1, w2 - h)) / (2 * h), 0, 1e-6);
  assert.ok(m.posterior.rho < -0.5, `correlated features give correlated weights, ρ = ${m.posterior.rho}`);
  assert.throws(() => linearRegression2d({ features, y, noiseSd: 0, priorSd: 1 }), /noiseSd must be a finite number > 0, got 0/);
  assert.throws(() => linearRegression2d({ features: [[1, 2, 3]], y: [1], noiseSd: 1, priorSd: 1 }), /row 0 must be two finite features/);
});

const gmmData = [-3.1, -2.4, -2.9, -3.6, 0.2, 0.9, 0.4, -0.1, 3.8, 4.4, 3.5, 4.1, 0.6, -2.7];

test("caviGmm: the ELBO never falls (each half-sweep), and the converged state is a fixed point", () => {
  const r = caviGmm(gmmData, { K: 3, priorSd: 5, tol: 1e-14, maxSweeps: 1000 });
  assert.ok(r.converged);
  for (let t = 1; t < r.elbo.length; t++) {
    assert.ok(r.elboAfterPhi[t - 1] >= r.elbo[t - 1] - 1e-12, `sweep ${t}: φ half`);
    assert.ok(r.elbo[t] >= r.elboAfterPhi[t - 1] - 1e-12, `sweep ${t}: μ half`);
  }
  const state = { m: r.m.slice(), v: r.v.slice(), phi: Float64Array.from(r.phi) };
  gmmCaviUpdatePhi(gmmData, state);
  gmmCaviUpdateMeans(gmmData, state, 5);
  // The stop rule is on the ELBO (1e-14 relative), which is flat to second order at the optimum: the
  // parameters are then settled to about √1e-12 = 1e-6.
  for (let k = 0; k < 3; k++) assertClose(state.m[k], r.m[k], 1e-6);
  const means = r.m.slice().sort((a, b) => a - b);
  assertClose(means[0], -2.94, 0.2);
  assertClose(means[2], 3.95, 0.2);
});

test("gmmCaviElbo equals a Monte Carlo estimate of E_q[ln p(x, c, μ) − ln q(c, μ)] (4 s.e.)", () => {
  const r = caviGmm(gmmData, { K: 3, priorSd: 5, maxSweeps: 3 }); // not converged: any q will do
  const K = 3;
  const rng = createRng(9);
  const vals: number[] = [];
  const lnN = (z: number, m: number, s: number) => -0.5 * ((z - m) / s) ** 2 - Math.log(s) - HALF_LOG_2PI;
  for (let s = 0; s < 20_000; s++) {
    const mu = r.m.map((m, k) => m + Math.sqrt(r.v[k]) * rng.normal());
    let lp = 0;
    let lq = 0;
    for (let k = 0; k < K; k++) {
      lp += lnN(mu[k], 0, 5);
      lq += lnN(mu[k], r.m[k], Math.sqrt(r.v[k]));
    }
    for (let i = 0; i < gmmData.length; i++) {
      let u = rng.uniform();
      let c = 0;
      while (c < K - 1 && u >= r.phi[i * K + c]) u -= r.phi[i * K + c++];
      lp += Math.log(1 / K) + lnN(gmmData[i], mu[c], 1);
      lq += Math.log(r.phi[i * K + c]);
    }
    vals.push(lp - lq);
  }
  const est = meanWithStderr(vals);
  assertClose(gmmCaviElbo(gmmData, r, 5), est.estimate, 4 * est.stderr);
});

test("caviGmm with K = 1: q(μ) is the exact conjugate posterior and the ELBO is ln p(x) of the normal–normal model", () => {
  const r = caviGmm(gmmData, { K: 1, priorSd: 5, componentSd: 2 });
  const nn = normalNormalModel({ priorMean: 0, priorSd: 5, noiseSd: 2, data: gmmData });
  assertClose(r.m[0], nn.posterior!.mean, 1e-12);
  assertClose(Math.sqrt(r.v[0]), nn.posterior!.sd, 1e-12);
  assertClose(r.elbo[r.elbo.length - 1], nn.logEvidence(), 1e-10);
  assert.throws(() => caviGmm(gmmData, { K: 0, priorSd: 1 }), /K must be an integer >= 1, got 0/);
  assert.throws(() => caviGmm([1, NaN], { K: 1, priorSd: 1 }), /x\[1\] must be finite, got NaN/);
});

test("gmmLogEvidenceExact: K = 1 is the normal–normal evidence; small cases against Monte Carlo over the prior (4 s.e.)", () => {
  const nn = normalNormalModel({ priorMean: 0, priorSd: 2, noiseSd: 0.8, data: [0.3, -1.2, 2.0] });
  assertClose(gmmLogEvidenceExact([0.3, -1.2, 2.0], 1, 2, 0.8), nn.logEvidence(), 1e-12);
  // p(x) = E_{μ ~ prior}[Πᵢ Σₖ (1/K) N(xᵢ | μₖ, s²)], estimated with 400 000 prior draws.
  const x = [-1.5, -1.0, 1.2, 1.6, 0.1];
  const K = 2;
  const rng = createRng(13);
  const lnN = (z: number, m: number, s: number) => -0.5 * ((z - m) / s) ** 2 - Math.log(s) - HALF_LOG_2PI;
  const vals: number[] = [];
  for (let s = 0; s < 400_000; s++) {
    const mu = [1.5 * rng.normal(), 1.5 * rng.normal()];
    let l = 0;
    for (const xi of x) l += Math.log(0.5 * Math.exp(lnN(xi, mu[0], 1)) + 0.5 * Math.exp(lnN(xi, mu[1], 1)));
    vals.push(Math.exp(l));
  }
  const est = meanWithStderr(vals);
  const exact = Math.exp(gmmLogEvidenceExact(x, K, 1.5, 1));
  assertClose(est.estimate, exact, 4 * est.stderr);
  assert.throws(() => gmmLogEvidenceExact(new Array(30).fill(0), 3, 1), /3\^30 assignments is too many/);
  // and CAVI's ELBO is below it
  const r = caviGmm(x, { K, priorSd: 1.5 });
  assert.ok(r.elbo[r.elbo.length - 1] <= Math.log(exact));
});
