import { test } from "node:test";
import assert from "node:assert/strict";
import { emGmm1d, gmm1dElbo, gmm1dResponsibilities, Gmm1dParams, sampleGmm1d } from "./gmm1d";

const truth: Gmm1dParams = { weights: [0.3, 0.5, 0.2], means: [-4, 0, 3.5], sds: [1, 0.7, 1.3] };

/** log p(x | θ) written out directly (density, then log), independent of the module's logSumExp. */
function directLogLik(x: ArrayLike<number>, p: Gmm1dParams): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    let dens = 0;
    for (let k = 0; k < p.weights.length; k++) {
      dens += (p.weights[k] / (p.sds[k] * Math.sqrt(2 * Math.PI))) * Math.exp(-0.5 * ((x[i] - p.means[k]) / p.sds[k]) ** 2);
    }
    s += Math.log(dens);
  }
  return s;
}

test("sampling is seeded and follows the weights (5 standard errors at n = 20000)", () => {
  const a = sampleGmm1d(truth, 20000, 1);
  const b = sampleGmm1d(truth, 20000, 1);
  assert.deepEqual(a.x, b.x);
  for (let k = 0; k < 3; k++) {
    const frac = a.z.filter((z) => z === k).length / 20000;
    const se = Math.sqrt((truth.weights[k] * (1 - truth.weights[k])) / 20000);
    assert.ok(Math.abs(frac - truth.weights[k]) < 5 * se, `component ${k}: ${frac}`);
  }
});

test("EM is coordinate ascent on the ELBO: E-step closes the gap, M-step raises the ELBO, nothing decreases", () => {
  const { x } = sampleGmm1d(truth, 600, 7);
  const r = emGmm1d(x, { K: 3, seed: 3 });
  assert.ok(r.converged, `converged after ${r.history.length} iterations`);
  assert.ok(r.history.length > 5);
  // Tolerances: 1e-11 relative (float64 sums of 600 terms) for equalities, 1e-9 absolute slack for ≥.
  const tol = (a: number) => 1e-11 * Math.abs(a);
  let prevElbo = -Infinity;
  for (const it of r.history) {
    const ll = directLogLik(x, it.params);
    assert.ok(Math.abs(it.logLik - ll) < tol(ll), `iteration ${it.iteration}: logLik ${it.logLik} vs direct ${ll}`);
    assert.ok(Math.abs(it.elboAfterE - ll) < tol(ll), `iteration ${it.iteration}: ELBO after E ${it.elboAfterE} ≠ log p(x) ${ll}`);
    assert.ok(it.elboAfterM >= it.elboAfterE - 1e-9, `iteration ${it.iteration}: M-step lowered the ELBO`);
    assert.ok(it.logLikAfterM >= it.elboAfterM - 1e-9, `iteration ${it.iteration}: ELBO above log p(x)`);
    assert.ok(it.elboAfterE >= prevElbo - 1e-9, `iteration ${it.iteration}: ELBO decreased from ${prevElbo} to ${it.elboAfterE}`);
    assert.ok(it.elboAfterM >= it.elboAfterE - 1e-9);
    prevElbo = it.elboAfterM;
    const w = it.paramsAfterM.weights.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(w - 1) < 1e-12, `weights sum to ${w}`);
  }
  // Recovery of the truth (components sorted by mean); n = 600 so a loose tolerance.
  const order = r.params.means.map((m, k) => [m, k]).sort((a, b) => a[0] - b[0]).map((p) => p[1]);
  order.forEach((k, j) => {
    assert.ok(Math.abs(r.params.means[k] - truth.means[j]) < 0.3, `mean ${j}: ${r.params.means[k]}`);
    assert.ok(Math.abs(r.params.weights[k] - truth.weights[j]) < 0.06, `weight ${j}: ${r.params.weights[k]}`);
    assert.ok(Math.abs(r.params.sds[k] / truth.sds[j] - 1) < 0.2, `sd ${j}: ${r.params.sds[k]}`);
  });
});

test("the ELBO with any other q is below log p(x), by the KL to the posterior", () => {
  const { x } = sampleGmm1d(truth, 200, 2);
  const post = gmm1dResponsibilities(x, truth);
  const uniform = new Float64Array(post.length).fill(1 / 3);
  const ll = directLogLik(x, truth);
  assert.ok(Math.abs(gmm1dElbo(x, truth, post) - ll) < 1e-10 * Math.abs(ll));
  assert.ok(gmm1dElbo(x, truth, uniform) < ll - 1);
});
