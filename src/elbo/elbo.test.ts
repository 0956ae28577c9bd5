import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose, assertFinite, EPS } from "../testing/assert-close";
import { loadReference } from "../testing/reference";
import { createRng } from "../random/rng";
import { Normal } from "../dists/normal";
import { Beta } from "../dists/beta";
import { normalNormalModel } from "../models/normal-normal";
import { betaBernoulliModel } from "../models/beta-bernoulli";
import { gaussianMixtureModel } from "../models/gaussian-mixture";
import { expectation } from "../quadrature/expectation";
import { elboParts, elboPartsByQuadrature } from "./elbo-parts";
import { chibLogEvidence, jensenGap, jensenGapMonteCarlo, pointwiseBayesBound } from "./bounds";
import type { ElboBreakdown } from "./types";
import { modelFromSpec, qFromSpec } from "../spec/spec";

const ref = loadReference().models;

const cases = [...ref.gaussian, ...ref.coin];
const label = (c: { name: string; model: { data: number[] }; q: unknown }) =>
  `${c.name}: ${JSON.stringify({ ...c.model, data: `n=${c.model.data.length}` })}, q=${JSON.stringify(c.q)}`;

/** The largest magnitude among the parts: rounding in the identities scales with it. */
function size(p: ElboBreakdown): number {
  return Math.max(1, ...[p.logEvidence, p.elbo, p.expectedLogLik, p.klToPrior, p.expectedLogJoint, p.entropy, p.klToPosterior].map(Math.abs));
}

test("the identities hold for every reference setting (incl. σ = 1e-4, data 50 sds away, n = 10^4, q far off)", () => {
  for (const c of cases) {
    const p = elboParts(modelFromSpec(c.model), qFromSpec(c.q));
    for (const v of Object.values(p)) if (typeof v === "number") assertFinite(v, label(c));
    const s = size(p);
    // closed-form parts: each is a handful of operations on numbers of size ≤ s → 64 eps·s.
    // squared-normal's ln p(x) and KL(q‖p(z|x)) come from quadrature at 1e-12 relative, so the
    // first identity there gets 1e-11·s.
    const tolEv = p.method === "closed-form" ? 64 * EPS * s : 1e-11 * s;
    assertClose(p.logEvidence, p.elbo + p.klToPosterior, tolEv, label(c) + " [ln p(x) = ELBO + KL(q‖post)]");
    assertClose(p.elbo, p.expectedLogLik - p.klToPrior, 8 * EPS * s, label(c) + " [ELBO = E ln p(x|z) − KL(q‖prior)]");
    assertClose(p.elbo, p.expectedLogJoint + p.entropy, 64 * EPS * s, label(c) + " [ELBO = E ln p(x,z) + H]");
    assert.ok(p.klToPosterior >= 0 && p.klToPrior >= 0, label(c));
    assert.ok(p.elbo <= p.logEvidence + 64 * EPS * s, label(c) + " [ELBO ≤ ln p(x)]");
  }
});

test("every part matches the SciPy/mpmath reference (quadrature of the textbook integrals)", () => {
  for (const c of cases) {
    const p = elboParts(modelFromSpec(c.model), qFromSpec(c.q));
    for (const key of ["expectedLogLik", "klToPrior", "entropy", "expectedLogJoint", "elbo", "klToPosterior", "logEvidence"] as const) {
      const r = c.parts[key];
      // SciPy quad at epsrel 1e-13 per panel; 1e-10 relative to the largest part (the reference's
      // own accuracy for parts of size 1e7 computed by quadrature), and 1e-9 absolute for the
      // quadrature-based ln p(x).
      assertClose(p[key], r, 1e-10 * size(p) + 1e-9, `${label(c)} [${key}]`);
    }
  }
  const coinQuad = ref.coin[0];
  assertClose(elboParts(modelFromSpec(coinQuad.model), qFromSpec(coinQuad.q)).expectedLogLik, coinQuad.expectedLogLikQuad, 1e-12, "coin E ln p(x|z) by scipy quad");
});

test("closed forms agree with the all-quadrature route (1e-9 of the largest part)", () => {
  for (const c of cases.filter((x) => x.model.data.length <= 100)) {
    const m = modelFromSpec(c.model);
    const q = qFromSpec(c.q);
    const a = elboParts(m, q);
    const b = elboPartsByQuadrature(m, q);
    for (const key of ["expectedLogLik", "klToPrior", "entropy", "expectedLogJoint", "elbo", "klToPosterior"] as const) {
      assertClose(a[key], b[key], 1e-9 * size(a), `${label(c)} [${key}]`);
    }
  }
  // a Beta q on the Normal model: its support [0, 1] lies inside ℝ, so the ELBO is defined
  const nn = normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] });
  const p = elboParts(nn, new Beta(8, 2));
  assert.equal(p.method, "quadrature");
  assertClose(p.logEvidence, p.elbo + p.klToPosterior, 1e-10);
});

test("q = posterior makes the bound tight: KL(q ‖ p(z|x)) = 0 and ELBO = ln p(x)", () => {
  const nn = normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] });
  const p = elboParts(nn, nn.posterior);
  assert.equal(p.klToPosterior, 0);
  assertClose(p.elbo, p.logEvidence, 16 * EPS * 4);
  const coin = betaBernoulliModel({ priorA: 2, priorB: 3, data: [1, 0, 1, 1] });
  const c = elboParts(coin, coin.posterior);
  assertClose(c.elbo, c.logEvidence, 64 * EPS * 4);
});

test("a support mismatch is an error (Normal q for the coin)", () => {
  const coin = betaBernoulliModel({ priorA: 1, priorB: 1, data: [1] });
  assert.throws(() => elboParts(coin, new Normal(0.5, 0.1)), /outside the beta-bernoulli model's latent support \[0, 1\]/);
});

test("pointwise Bayes-rule bound: ≤ ln p(x) at every z, gap = u − 1 − ln u, expectation = ELBO", () => {
  for (const c of cases.filter((x) => x.model.kind !== "squared-normal" || x.model.data.length <= 100)) {
    const m = modelFromSpec(c.model);
    const q = qFromSpec(c.q);
    const qsd = Math.sqrt(q.variance);
    const zs = q instanceof Beta ? [0.001, 0.1, 0.3, 0.5, 0.7, 0.999] : [-3, -1, 0, 0.5, 1, 3].map((k) => q.mean + k * qsd);
    for (const z of zs) {
      const b = pointwiseBayesBound(m, q, z);
      const scale = Math.max(1, Math.abs(b.logJoint), Math.abs(b.logQ), Math.abs(b.logEvidence));
      assert.ok(b.bound <= b.logEvidence + 64 * EPS * scale, `bound ${b.bound} > ln p(x) ${b.logEvidence}; ${label(c)}, z=${z}`);
      assert.ok(b.gap >= 0);
      if (Number.isFinite(b.gap) && b.gap < 1e6) assertClose(b.logEvidence - b.bound, b.gap, 64 * EPS * scale * Math.max(1, b.ratio), { z, case: c.name });
    }
    // Quadrature under q only sees the posterior where q puts nodes: skip posteriors far narrower
    // than q (nn-tiny-noise) or far outside it (data 50 sds away), which the q-centred quadrature
    // of the "1 − u" term cannot resolve.
    const postSd = m.posterior ? Math.sqrt(m.posterior.variance) : 0;
    const postMean = m.posterior ? m.posterior.mean : NaN;
    if (m.kind !== "squared-normal" && postSd > qsd / 100 && Math.abs(postMean - q.mean) < 5 * qsd) {
      // E_q[bound] = ELBO + 1 − ∫ p(z|x) dz = ELBO (quadrature; the +1 − u term integrates to 0)
      const p = elboParts(m, q);
      const e = expectation(q, (z) => pointwiseBayesBound(m, q, z).bound).value;
      assertClose(e, p.elbo, 1e-8 * size(p), label(c) + " [E_q bound = ELBO]");
    }
  }
  const nn = normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] });
  assert.equal(pointwiseBayesBound(nn, nn.posterior, 0.3).gap, 0);
});

test("Chib's identity and the Jensen gap (exact = KL(q ‖ posterior); Monte Carlo within 5 standard errors)", () => {
  const nn = normalNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] });
  for (const z of [-2, 0, 0.84, 3]) assertClose(chibLogEvidence(nn, z), nn.logEvidence(), 64 * EPS * 10, { z });
  const q = new Normal(0.3, 0.4);
  const g = jensenGap(nn, q);
  assertClose(g.gap, g.klToPosterior, 64 * EPS * 4);
  // k = 5 standard errors (delta method) at a fixed seed; q is moderately far from the posterior,
  // so the weights are well behaved (KL = 1.37)
  const mc = jensenGapMonteCarlo(nn, q, createRng(8), 200_000);
  assertClose(mc.gap, g.gap, 5 * mc.gapStderr, mc);
  assertClose(mc.meanLogWeight, g.meanLogWeight, 5 * mc.meanLogWeightStderr, mc);
  // a Beta q inside ℝ: the gap is KL + ln P(z ∈ [0,1] | x), smaller than the KL
  const gb = jensenGap(nn, new Beta(8, 2));
  assert.ok(gb.gap < gb.klToPosterior);
});

test("gaussian mixture: ELBO parts with per-point q; q = responsibilities gives ELBO = ln p(x)", () => {
  const c = ref.mixture;
  const m = gaussianMixtureModel(c.model);
  const p = elboParts(m, c.q);
  for (const key of ["expectedLogLik", "klToPrior", "klToPosterior", "entropy", "elbo"] as const) assertClose(p[key], c.parts[key], 32 * EPS * size(p), key);
  assertClose(p.logEvidence, p.elbo + p.klToPosterior, 32 * EPS * size(p));
  const e = elboParts(m, m.responsibilities());
  assertClose(e.elbo, e.logEvidence, 32 * EPS * size(e));
  assertClose(e.klToPosterior, 0, 32 * EPS);
});
