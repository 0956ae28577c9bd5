import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../testing/assert-close";
import { normalNormalModel } from "../models/normal-normal";
import { squaredNormalModel } from "../models/squared-normal";
import { Normal } from "../dists/normal";
import { elboParts } from "./elbo-parts";
import { bestNormalQ } from "./best-normal-q";
import { squaredNormalElboTerms } from "./squared-normal-elbo";
import { expectation } from "../quadrature/expectation";

test("bestNormalQ on a conjugate model finds the closed-form posterior, with a zero gap", () => {
  const model = normalNormalModel({ priorMean: 0.5, priorSd: 2, noiseSd: 0.7, data: [0.3, 1.4, 0.9] });
  const r = bestNormalQ(model);
  // The ELBO is flat to second order at its maximum: Nelder–Mead's 1e-14 stop on it puts the parameters within ~1e-7.
  assertClose(r.q.mean, model.posterior.mean, 1e-6);
  assertClose(r.q.sd, model.posterior.sd, 1e-6);
  assertClose(r.gap, 0, 1e-11);
});

test("bestNormalQ on a bimodal squared-normal posterior: one mode, a gap near ln 2, no q nearby does better", () => {
  const model = squaredNormalModel({ priorMean: 0, priorSd: 1, noiseSd: 0.3, data: [1.1, 0.7, 1.6, 0.9, 1.3] });
  const r = bestNormalQ(model);
  assert.ok(Math.abs(r.q.mean) > 0.8, `q sits on a mode, mean ${r.q.mean}`);
  assertClose(r.gap, Math.LN2, 0.05); // two near-disjoint mirror modes: q covers one, losing ≈ ln 2
  for (const [dm, ds] of [[0.01, 0], [-0.01, 0], [0, 0.01], [0, -0.01]]) {
    const e = elboParts(model, new Normal(r.q.mean + dm, r.q.sd * Math.exp(ds))).elbo;
    assert.ok(e < r.elbo, `perturbation ${dm}, ${ds}`);
  }
});

test("squaredNormalElboTerms: E_q[ln p(x|z)] against quadrature under q, and the terms elboParts reports", () => {
  const model = squaredNormalModel({ priorMean: 0.2, priorSd: 1.3, noiseSd: 0.6, data: [0.4, 1.2, -0.3, 0.9] });
  for (const q of [new Normal(0.7, 0.4), new Normal(-1.1, 0.2), new Normal(0, 1.5)]) {
    const t = squaredNormalElboTerms(model, q);
    const quad = expectation(q, (z) => model.logLik(z)).value;
    assertClose(t.expectedLogLik, quad, 1e-10 * Math.abs(quad), q.toJSON());
    const parts = elboParts(model, q);
    assertClose(t.expectedLogLik - t.klToPrior, parts.elbo, 1e-14 * Math.abs(parts.elbo));
  }
});
