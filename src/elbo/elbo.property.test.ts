import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { EPS } from "../testing/assert-close";
import { Normal } from "../dists/normal";
import { Beta } from "../dists/beta";
import { normalNormalModel } from "../models/normal-normal";
import { squaredNormalModel } from "../models/squared-normal";
import { betaBernoulliModel } from "../models/beta-bernoulli";
import { klNormalNormal } from "../divergence/kl-normal";
import { klBetaBeta } from "../divergence/kl-beta";
import { elboParts } from "./elbo-parts";
import type { ElboBreakdown } from "./types";

// Property tests over random valid parameters (fast-check, fixed seed so runs are reproducible).
const SEED = 20240601;
const sd = fc.double({ min: 1e-3, max: 1e3, noNaN: true });
const loc = fc.double({ min: -100, max: 100, noNaN: true });
const shape = fc.double({ min: 0.05, max: 1e3, noNaN: true });
const data = fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 0, maxLength: 30 });
const flips = fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 0, maxLength: 200 });

function size(p: ElboBreakdown): number {
  return Math.max(1, ...[p.logEvidence, p.elbo, p.expectedLogLik, p.klToPrior, p.expectedLogJoint, p.entropy, p.klToPosterior].map(Math.abs));
}

function checkParts(p: ElboBreakdown, tolEvidence: number, inputs: unknown): void {
  const s = size(p);
  const msg = (what: string) => `${what}; inputs ${JSON.stringify(inputs)}; parts ${JSON.stringify(p)}`;
  for (const v of Object.values(p)) if (typeof v === "number") assert.ok(Number.isFinite(v), msg("non-finite part"));
  assert.ok(p.klToPrior >= 0 && p.klToPosterior >= 0, msg("negative KL"));
  assert.ok(p.elbo <= p.logEvidence + tolEvidence * s, msg("ELBO > ln p(x)"));
  assert.ok(Math.abs(p.logEvidence - (p.elbo + p.klToPosterior)) <= tolEvidence * s, msg("ln p(x) ≠ ELBO + KL"));
  assert.ok(Math.abs(p.elbo - (p.expectedLogJoint + p.entropy)) <= 64 * EPS * s, msg("ELBO ≠ E ln p(x,z) + H"));
  assert.ok(Math.abs(p.elbo - (p.expectedLogLik - p.klToPrior)) <= 8 * EPS * s, msg("ELBO ≠ E ln p(x|z) − KL"));
}

test("KL ≥ 0 for random Normal and Beta pairs, and 0 only for equal arguments", () => {
  fc.assert(
    fc.property(loc, sd, loc, sd, (m1, s1, m2, s2) => {
      const v = klNormalNormal(new Normal(m1, s1), new Normal(m2, s2));
      return v >= 0 && Number.isFinite(v);
    }),
    { seed: SEED, numRuns: 300 },
  );
  fc.assert(
    fc.property(shape, shape, shape, shape, (a1, b1, a2, b2) => {
      const v = klBetaBeta(new Beta(a1, b1), new Beta(a2, b2));
      // absolute rounding of the ψ/ln B terms can leave −1e-12 when the Betas are nearly equal
      return v >= -1e-10 * Math.max(1, Math.abs(new Beta(a1, b1).logNormalizer)) && Number.isFinite(v);
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test("normal-normal with a random Normal q: the three decompositions agree and ELBO ≤ ln p(x)", () => {
  fc.assert(
    fc.property(loc, sd, sd, data, loc, sd, (priorMean, priorSd, noiseSd, xs, qm, qs) => {
      const m = normalNormalModel({ priorMean, priorSd, noiseSd, data: xs });
      checkParts(elboParts(m, new Normal(qm, qs)), 64 * EPS, { priorMean, priorSd, noiseSd, xs, qm, qs });
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test("coin with a random Beta q: the decompositions agree and ELBO ≤ ln p(x)", () => {
  fc.assert(
    fc.property(shape, shape, flips, shape, shape, (priorA, priorB, xs, a, b) => {
      const m = betaBernoulliModel({ priorA, priorB, data: xs });
      // ψ and ln B are absolute-accurate: 1e-12 relative to the largest part
      checkParts(elboParts(m, new Beta(a, b)), 1e-12, { priorA, priorB, xs, a, b });
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test("squared-normal with a random Normal q (quadrature evidence): decompositions agree to 1e-10", () => {
  const small = fc.double({ min: 0.05, max: 5, noNaN: true });
  fc.assert(
    fc.property(fc.double({ min: -3, max: 3, noNaN: true }), small, small, fc.array(fc.double({ min: -3, max: 5, noNaN: true }), { maxLength: 10 }), fc.double({ min: -3, max: 3, noNaN: true }), small, (priorMean, priorSd, noiseSd, xs, qm, qs) => {
      const m = squaredNormalModel({ priorMean, priorSd, noiseSd, data: xs });
      checkParts(elboParts(m, new Normal(qm, qs)), 1e-10, { priorMean, priorSd, noiseSd, xs, qm, qs });
    }),
    { seed: SEED, numRuns: 60 },
  );
});
