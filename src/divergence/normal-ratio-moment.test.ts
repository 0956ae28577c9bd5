import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../testing/assert-close";
import { Normal } from "../dists/normal";
import { integrate } from "../quadrature/integrate";
import { createRng } from "../random/rng";
import { meanWithStderr } from "../math/moments";
import { klNormalNormal } from "./kl-normal";
import { logExpectedNormalRatio } from "./normal-ratio-moment";

test("logExpectedNormalRatio matches adaptive quadrature of r·p/q (relative 1e-10)", () => {
  const cases: Array<[number, number, number, number, number, number]> = [
    [0, 1, 0, 1, 0, 1],
    [0.3, 0.7, 0.95, 0.41, 0.3, 0.7],
    [0.95, 0.41, 0.95, 0.41, 0.3, 0.7],
    [-1, 0.5, 2, 0.8, 0.5, 1.5],
    [3, 0.2, 2.5, 0.3, 0, 4],
  ];
  for (const [mr, sr, mp, sp, mq, sq] of cases) {
    const r = new Normal(mr, sr);
    const p = new Normal(mp, sp);
    const q = new Normal(mq, sq);
    const quad = integrate((z) => Math.exp(r.logProb(z) + p.logProb(z) - q.logProb(z)), -Infinity, Infinity, {
      peaks: [{ at: mr, width: sr }, { at: mp, width: sp }],
    });
    const v = Math.exp(logExpectedNormalRatio(r, p, q));
    assertClose(v, quad.value, 1e-10 * quad.value, { mr, sr, mp, sp, mq, sq });
  }
});

test("E_q[p/q] = 1 and E_p[p/q] = 1 + χ²: the textbook χ² of two Normals", () => {
  const p = new Normal(0.95, 0.41);
  const q = new Normal(0.3, 0.7);
  assertClose(logExpectedNormalRatio(q, p, q), 0, 1e-14);
  // χ²(p ‖ q) + 1 = σq² / (σp √(2σq² − σp²)) · exp((μp − μq)²/(2σq² − σp²)) (integrating N(μp,σp²)²/N(μq,σq²)).
  const den = 2 * q.variance - p.variance;
  const chi2p1 = (q.variance / (p.sd * Math.sqrt(den))) * Math.exp(((p.mean - q.mean) ** 2) / den);
  assertClose(Math.exp(logExpectedNormalRatio(p, p, q)), chi2p1, 1e-13 * chi2p1);
});

test("Jensen: ln E_r[p/q] ≥ E_r[ln p/q] = KL(r‖q) − KL(r‖p)", () => {
  const r = new Normal(-0.2, 0.6);
  const p = new Normal(0.95, 0.41);
  const q = new Normal(0.3, 0.7);
  assert.ok(logExpectedNormalRatio(r, p, q) >= klNormalNormal(r, q) - klNormalNormal(r, p));
});

test("Monte Carlo mean of p/q under r agrees within 4 standard errors", () => {
  const r = new Normal(0.5, 0.5);
  const p = new Normal(0.95, 0.41);
  const q = new Normal(0.3, 0.7);
  const rng = createRng(7);
  const zs = r.sample(rng, 200_000);
  const est = meanWithStderr(Array.from(zs, (z) => Math.exp(p.logProb(z) - q.logProb(z))));
  assertClose(est.estimate, Math.exp(logExpectedNormalRatio(r, p, q)), 4 * est.stderr);
});

test("a divergent integral (q too narrow) is +Infinity", () => {
  assert.equal(logExpectedNormalRatio(new Normal(0, 1), new Normal(0, 1), new Normal(0, 0.5)), Infinity);
  assert.equal(logExpectedNormalRatio(new Normal(0, 1), new Normal(0, 2), new Normal(0, 0.8)), Infinity);
});
