import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose, assertRel, EPS } from "../testing/assert-close";
import { HALF_LOG_2PI } from "../math/constants";
import { Normal } from "../dists/normal";
import { Beta } from "../dists/beta";
import { NormalMixture } from "../dists/normal-mixture";
import { Categorical } from "../dists/categorical";
import { gk15, XGK, WG } from "./gauss-kronrod";
import { integrate, logIntegrate } from "./integrate";
import { expectation } from "./expectation";

test("G7–K15 nodes and weights: Kronrod exact to degree 22, Gauss to degree 13", () => {
  // ∫_{-1}^{1} x^d dx = 2/(d+1) for even d, 0 for odd d; 16 eps relative covers the 15-term sum.
  for (let d = 0; d <= 22; d++) {
    const exact = d % 2 === 0 ? 2 / (d + 1) : 0;
    assertClose(gk15((x) => x ** d, -1, 1).value, exact, 16 * EPS, { degree: d });
  }
  for (let d = 0; d <= 13; d++) {
    let g = WG[3] * 0 ** d;
    for (let j = 0; j < 3; j++) g += WG[j] * (XGK[2 * j + 1] ** d + (-XGK[2 * j + 1]) ** d);
    const exact = d % 2 === 0 ? 2 / (d + 1) : 0;
    assertClose(g, exact, 16 * EPS, { gaussDegree: d });
  }
});

test("integrate: known integrals on finite, half-infinite and infinite intervals (1e-12 relative)", () => {
  const cases: Array<[string, (x: number) => number, number, number, number]> = [
    ["exp(-x^2)", (x) => Math.exp(-x * x), -Infinity, Infinity, Math.sqrt(Math.PI)],
    ["1/(1+x^2)", (x) => 1 / (1 + x * x), -Infinity, Infinity, Math.PI],
    ["exp(-x) on [0,inf)", (x) => Math.exp(-x), 0, Infinity, 1],
    ["sin on [0,pi]", Math.sin, 0, Math.PI, 2],
    ["sqrt on [0,1] (end-point singular derivative)", Math.sqrt, 0, 1, 2 / 3],
    ["x^4 on (-inf, -1]", (x) => 1 / x ** 4, -Infinity, -1, 1 / 3],
  ];
  for (const [name, f, a, b, exact] of cases) {
    const r = integrate(f, a, b);
    assert.ok(r.converged, name);
    assertRel(r.value, exact, 1e-12, name);
  }
  assert.equal(integrate(Math.exp, 1, 1).value, 0);
  assertRel(integrate(Math.exp, 1, 0).value, -(Math.E - 1), 1e-13);
  assert.throws(() => integrate(() => NaN, 0, 1), /integrand is NaN at x = /);
});

test("logIntegrate: log-scale Gaussians, spikes of width 1e-7 and far-away peaks to <= 1e-12", () => {
  for (const [m, s, shift] of [[0, 1, 0], [1, 1e-7, -1e4], [50, 0.3, 800], [-3e3, 20, -1e6]]) {
    const r = logIntegrate((x) => shift - 0.5 * ((x - m) / s) ** 2, -Infinity, Infinity, { peaks: [m] });
    // exact: shift + ln(s·√2π). The integrand is computed from rounded x, which limits a spike
    // of width s at position m to ~eps·|m|/s relative accuracy; 1e-12 + that.
    const exact = shift + Math.log(s) + HALF_LOG_2PI;
    assertClose(r.logValue, exact, 1e-12 + 4 * EPS * Math.abs(shift) + (10 * EPS * Math.abs(m)) / s, { m, s, shift });
    assert.ok(r.converged);
  }
  // no peak given: the scan finds a single mode
  const r = logIntegrate((x) => -0.5 * ((x - 3) / 0.5) ** 2, -Infinity, Infinity);
  assertClose(r.logValue, Math.log(0.5) + HALF_LOG_2PI, 1e-12);
  // two narrow modes given as peaks: both found (a bimodal density with equal weights)
  const logf = (x: number) => Math.log(0.5 * Math.exp(-0.5 * ((x + 2) / 1e-3) ** 2) + 0.5 * Math.exp(-0.5 * ((x - 2) / 1e-3) ** 2));
  assertClose(logIntegrate(logf, -Infinity, Infinity, { peaks: [-2, 2] }).logValue, Math.log(1e-3) + HALF_LOG_2PI, 1e-11);
  assert.equal(logIntegrate(() => -Infinity, 0, 1).logValue, -Infinity);
});

test("expectation under Normal, Beta (logit substitution), mixture and Categorical", () => {
  const n = new Normal(1, 2);
  assertRel(expectation(n, (z) => z * z).value, 5, 1e-12);
  assertRel(expectation(n, (z) => z ** 4).value, 1 + 6 * 4 + 3 * 16, 1e-12);
  for (const [a, b] of [[2, 3], [0.3, 4], [500, 700], [1, 1]]) {
    const q = new Beta(a, b);
    assertClose(expectation(q, () => 1).value, 1, 1e-12, { a, b });
    assertClose(expectation(q, Math.log).value, q.meanLog, 1e-11 * Math.max(1, Math.abs(q.meanLog)), { a, b });
    assertClose(expectation(q, (z) => Math.log1p(-z)).value, q.meanLog1m, 1e-11 * Math.max(1, Math.abs(q.meanLog1m)), { a, b });
  }
  const m = new NormalMixture([0.3, 0.7], [-5, 5], [0.01, 2]);
  assertRel(expectation(m, (z) => z).value, m.mean, 1e-12);
  const c = new Categorical([0.2, 0.3, 0.5]);
  assertRel(expectation(c, (k) => k).value, c.mean, 4 * EPS);
});
