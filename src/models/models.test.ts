import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose, assertFinite, assertRel, EPS } from "../testing/assert-close";
import { loadReference } from "../testing/reference";
import { logIntegrate } from "../quadrature/integrate";
import { normalNormalModel } from "./normal-normal";
import { squaredNormalModel } from "./squared-normal";
import { betaBernoulliModel } from "./beta-bernoulli";
import { gaussianMixtureModel } from "./gaussian-mixture";
import { depressedCubicRoots } from "./squared-normal";
import { hasQuadraticLogJoint } from "./quadratic";
import { modelFromSpec } from "../spec/spec";

const ref = loadReference().models;


const describe = (c: { name: string; model: { data: number[] } }) => `${c.name} (${JSON.stringify({ ...c.model, data: `n=${c.model.data.length}` })})`;

test("normal-normal: posterior and log evidence match the precision form and the multivariate-normal marginal", () => {
  for (const c of ref.gaussian.filter((g: { model: { kind: string } }) => g.model.kind === "normal-normal")) {
    const m = normalNormalModel(c.model);
    // Closed forms in two different algebraic arrangements: 1e-12 relative covers n = 10^4 terms
    // summed with compensation, and SciPy's own Cholesky for the MVN reference.
    assertRel(m.logEvidence(), c.logEvidence, 1e-12, describe(c), 1);
    assertRel(m.posterior.mean, c.posterior.mean, 1e-12, describe(c), 1);
    assertRel(m.posterior.sd, c.posterior.sd, 1e-12, describe(c));
  }
});

test("squared-normal: log evidence by quadrature within 1e-9 relative of SciPy quad and mpmath", () => {
  for (const c of ref.gaussian.filter((g: { model: { kind: string } }) => g.model.kind === "squared-normal")) {
    const m = squaredNormalModel(c.model);
    const q = m.evidenceQuadrature();
    assert.ok(q.converged, describe(c));
    // 1e-9 relative on p(x) = 1e-9 absolute on ln p(x); plus the rounding of ln p(x) itself
    // (8 eps·|ln p|, ~1e-11 for ln p = 7.8e4).
    const tol = 1e-9 + 8 * EPS * Math.abs(c.logEvidence);
    assertClose(m.logEvidence(), c.logEvidence, tol, describe(c));
    if (c.logEvidenceMpmath !== undefined) assertClose(m.logEvidence(), c.logEvidenceMpmath, 1e-12 + 8 * EPS * Math.abs(c.logEvidence), describe(c) + " vs mpmath");
    const modes = m.posteriorPeaks().map((p) => p.at);
    c.posteriorModes.forEach((z: number, i: number) => assertClose(modes[i], z, 1e-9 * Math.max(1, Math.abs(z)), describe(c)));
  }
});

test("beta-bernoulli: posterior and log evidence match scipy.special.betaln", () => {
  for (const c of ref.coin) {
    const m = betaBernoulliModel(c.model);
    assertClose(m.logEvidence(), c.logEvidence, 1e-12 * Math.max(1, Math.abs(c.logEvidence)), describe(c));
    assert.equal(m.posterior.a, c.posterior.a);
    assert.equal(m.posterior.b, c.posterior.b);
  }
});

test("quadrature of the joint reproduces the closed-form evidence (normal-normal, coin) to 1e-10", () => {
  for (const c of [...ref.gaussian.filter((g: { model: { kind: string } }) => g.model.kind === "normal-normal"), ...ref.coin]) {
    const m = modelFromSpec(c.model);
    const r = logIntegrate((z) => m.logJoint(z), m.support.lower, m.support.upper, { peaks: m.posteriorPeaks() });
    assertClose(r.logValue, m.logEvidence(), 1e-10 + 16 * EPS * Math.abs(m.logEvidence()), describe(c));
  }
});

test("Chib's identity ln p(x) = ln p(x, z) − ln p(z | x) holds at every z (closed-form posteriors)", () => {
  for (const c of [...ref.gaussian.filter((g: { model: { kind: string } }) => g.model.kind === "normal-normal"), ...ref.coin]) {
    const m = modelFromSpec(c.model);
    const post = m.posterior as { mean: number; variance: number };
    const sd = Math.sqrt(post.variance);
    const zs = m.kind === "beta-bernoulli" ? [0.01, 0.2, post.mean, 0.9] : [post.mean - 5 * sd, post.mean, post.mean + 2 * sd, m.prior.mean];
    for (const z of zs) {
      const chib = m.logJoint(z) - m.logPosterior(z);
      // Two sources of rounding: 64 eps of the terms' size, and the conditioning in z — x̄ and the
      // posterior mean are stored to eps·|z|, and ln p(x, z), ln p(z|x) have slopes up to
      // |d/dz| ~ 1/τₙ (4.5e4 for σ = 1e-4), so differences like (z − μₙ) carry eps·|z|·slope.
      const scale = Math.max(1, Math.abs(m.logJoint(z)), Math.abs(m.logPosterior(z)));
      const slope = Math.abs(m.dLogJoint(z)) + Math.abs((z - post.mean) / post.variance);
      assertClose(chib, m.logEvidence(), 64 * EPS * scale + 8 * EPS * Math.max(1, Math.abs(z)) * slope, { model: describe(c), z });
    }
  }
});

test("hard settings give finite values: sigma = 1e-4 with x̄ < 0 (ln p ~ -5e11), empty data, huge prior sd", () => {
  const data = Array.from({ length: 10_000 }, (_, i) => -1 + 1e-4 * Math.sin(i));
  const m = squaredNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 1e-4, data });
  const r = m.evidenceQuadrature();
  assertFinite(r.logValue, "sq x̄=-1");
  assert.ok(r.converged && r.relError < 1e-11, JSON.stringify(r));
  // the peak is at 0 with width σ/√(2n|x̄|) and the evidence ≈ Laplace approximation there
  const d2 = m.d2LogJoint(0);
  const laplace = m.logJoint(0) + 0.5 * Math.log((2 * Math.PI) / -d2);
  assertClose(r.logValue, laplace, 1e-6 * Math.abs(laplace), "Laplace check");
  const e = normalNormalModel({ priorMean: 1, priorSd: 2, noiseSd: 1, data: [] });
  assert.equal(e.logEvidence(), 0);
  assert.equal(e.posterior.mean, 1);
  const wide = normalNormalModel({ priorMean: 0, priorSd: 1e200, noiseSd: 1, data: [1, 2] });
  assertFinite(wide.logEvidence(), "priorSd 1e200");
  assertRel(wide.posterior.mean, 1.5, 4 * EPS);
  assert.throws(() => normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0, data: [1] }), /normalNormalModel: noiseSd must be a finite number > 0, got 0/);
  assert.throws(() => betaBernoulliModel({ priorA: 1, priorB: 1, data: [1, 0, 2] }), /betaBernoulliModel: data\[2\] must be 0 or 1, got 2/);
  assert.throws(() => squaredNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 1, data: [1, NaN] }), /squaredNormalModel: data\[1\] must be a finite number, got NaN/);
});

test("normal-normal declares a quadratic log-joint: the second-order expansion is exact, with κ = −1/τ₀² − n/σ²", () => {
  const cases = [
    { priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] },
    { priorMean: 0, priorSd: 1, noiseSd: 1, data: [50.3, 49.1, 50.8] },
    { priorMean: 0, priorSd: 1, noiseSd: 1e-4, data: [0.70001, 0.69998] },
    { priorMean: 3, priorSd: 0.2, noiseSd: 2, data: [] },
  ];
  for (const spec of cases) {
    const m = normalNormalModel(spec);
    assert.ok(hasQuadraticLogJoint(m), JSON.stringify(spec));
    // κ written out from the spec (prior precision plus n likelihood precisions)
    const kappa = -(1 / spec.priorSd ** 2 + spec.data.length / spec.noiseSd ** 2);
    assertRel(m.logJointCurvature, kappa, 4 * EPS, spec);
    const w = m.posterior.sd;
    for (const z0 of [m.posterior.mean, spec.priorMean - 3, m.posterior.mean + 7 * w]) {
      for (const h of [-5 * w, -0.3 * w, 0.01 * w, 2 * w, 40 * w]) {
        const direct = m.logJoint(z0 + h);
        const taylor = m.logJoint(z0) + h * m.dLogJoint(z0) + 0.5 * h * h * m.logJointCurvature;
        // the two arrangements round differently: a few eps times the largest term involved, plus
        // the rounding of the argument z0 + h itself times the slope there (which dominates for
        // σ = 1e-4, where ℓ′ ~ 1e4 at z ≈ 0.7)
        const scale = Math.abs(m.logJoint(z0)) + Math.abs(h * m.dLogJoint(z0)) + Math.abs(0.5 * h * h * m.logJointCurvature) + Math.abs(direct);
        const argRounding = Math.abs(z0 + h) * (Math.abs(m.dLogJoint(z0 + h)) + Math.abs(m.dLogJoint(z0)));
        assertClose(taylor, direct, 64 * EPS * scale + 4 * EPS * argRounding, { spec, z0, h });
      }
    }
  }
  // the models whose log-joint is not quadratic in z do not declare it
  assert.equal(hasQuadraticLogJoint(squaredNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] })), false);
  assert.equal(hasQuadraticLogJoint(betaBernoulliModel({ priorA: 2, priorB: 3, data: [1, 0] })), false);
});

test("depressedCubicRoots: three, one and repeated roots", () => {
  assert.deepEqual(depressedCubicRoots(-1, 0), [-1, 0, 1]);
  const r = depressedCubicRoots(3, -4); // (z - 1)(z² + z + 4)
  assert.equal(r.length, 1);
  assertClose(r[0], 1, 4 * EPS);
  const small = depressedCubicRoots(1e6, -1e-6); // root ≈ 1e-12, where Cardano's textbook form cancels
  assertRel(small[0], 1e-12, 1e-12);
});

test("gaussian mixture: log likelihood and responsibilities match scipy", () => {
  const c = ref.mixture;
  const m = gaussianMixtureModel(c.model);
  assertRel(m.logEvidence(), c.logEvidence, 8 * EPS, c.model);
  const r = m.responsibilities();
  c.responsibilities.forEach((row: number[], i: number) => row.forEach((v, k) => assertClose(r[i][k], v, 8 * EPS, { i, k })));
  c.pointLogLik.forEach((v: number, i: number) => assertRel(m.pointLogLik[i], v, 8 * EPS, { i }));
  // Chib for the discrete latent: ln p(x) = ln p(x, z) − ln p(z | x) for any assignment
  for (const z of [[0, 0, 0, 0], [1, 1, 1, 0], [0, 1, 1, 1]]) assertClose(m.logJoint(z) - m.logPosterior(z), m.logEvidence(), 64 * EPS * 20, { z });
  assert.throws(() => m.logJoint([0, 2, 0, 0]), /z\[1\] must be an integer in \[0, 1\], got 2/);
});

test("betaBernoulliModel: a tiny prior b keeps its value in the posterior (b0 + (n − k), not b0 + n − k, which rounds to 0)", () => {
  const m = betaBernoulliModel({ priorA: 1, priorB: 1e-17, data: [1] });
  assert.equal(m.posterior.b, 1e-17); // n − k = 0 tails: the posterior's b is the prior's, exactly
  assert.equal(m.posterior.a, 2);
});
