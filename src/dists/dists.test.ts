import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose, assertRel, EPS } from "../testing/assert-close";
import { loadReference } from "../testing/reference";
import { createRng } from "../random/rng";
import { Normal, normal } from "./normal";
import { Beta } from "./beta";
import { Bernoulli } from "./bernoulli";
import { Categorical } from "./categorical";
import { DiagNormal } from "./diag-normal";
import { NormalMixture } from "./normal-mixture";
import { InvalidParameterError } from "./errors";

const ref = loadReference().dists;

test("Normal logProb and entropy match scipy.stats.norm", () => {
  for (const c of ref.normal) {
    const d = new Normal(c.mean, c.sd);
    c.x.forEach((x: number, i: number) => assertRel(d.logProb(x), c.logProb[i], 8 * EPS, { ...c, x }, 1));
    assertRel(d.entropy, c.entropy, 4 * EPS, c, 1);
  }
});

test("Beta logProb, moments, E[ln z], entropy match scipy / mpmath", () => {
  for (const c of ref.beta) {
    const d = new Beta(c.a, c.b);
    // logProb sums three terms of size up to |ln B| (6e3 for a, b ~ 5e3): 64 eps of that size
    const scale = Math.max(1, Math.abs(d.logNormalizer));
    c.x.forEach((x: number, i: number) => assertClose(d.logProb(x), c.logProb[i], 64 * EPS * scale, { a: c.a, b: c.b, x }));
    assertRel(d.mean, c.mean, 4 * EPS, c);
    assertRel(d.variance, c.variance, 16 * EPS, c);
    assertClose(d.meanLog, c.meanLog, 64 * EPS * Math.max(1, Math.abs(c.meanLog)), c);
    assertClose(d.meanLog1m, c.meanLog1m, 64 * EPS * Math.max(1, Math.abs(c.meanLog1m)), c);
    // entropy: mpmath reference; absolute accuracy of ψ and ln B at these sizes
    assertClose(d.entropy, c.entropy, 128 * EPS * scale, c);
  }
  assert.equal(new Beta(2, 3).logProb(-0.1), -Infinity);
  assert.equal(new Beta(0.5, 2).logProb(0), Infinity);
});

test("Bernoulli, Categorical, DiagNormal and NormalMixture match scipy", () => {
  for (const c of ref.bernoulli) {
    const d = new Bernoulli(c.p);
    assertRel(d.logProb(0), c.logProb[0], 4 * EPS, c, 1e-300);
    assertRel(d.logProb(1), c.logProb[1], 4 * EPS, c, 1e-300);
    assertRel(d.entropy, c.entropy, 8 * EPS, c, 1e-300);
  }
  for (const c of ref.categorical) {
    const d = new Categorical(c.probs);
    c.probs.forEach((p: number, k: number) => (p > 0 ? assertRel(d.logProb(k), c.logProb[k], 2 * EPS, c) : assert.equal(d.logProb(k), -Infinity)));
    assertRel(d.entropy, c.entropy, 8 * EPS, c);
    assertRel(d.mean, c.mean, 8 * EPS, c);
    assertRel(d.variance, c.variance, 16 * EPS, c);
    assert.equal(d.logProb(1.5), -Infinity);
  }
  for (const c of ref.diagNormal) {
    const d = new DiagNormal(c.mean, c.sd);
    assertRel(d.logProb(c.x), c.logProb, 16 * EPS, c);
    assertRel(d.entropy, c.entropy, 16 * EPS, c);
  }
  for (const c of ref.normalMixture) {
    const d = new NormalMixture(c.weights, c.means, c.sds);
    c.x.forEach((x: number, i: number) => assertRel(d.logProb(x), c.logProb[i], 16 * EPS, { ...c, x }));
    assertRel(d.mean, c.mean, 8 * EPS, c, 1);
    assertRel(d.variance, c.variance, 8 * EPS, c);
    const r = d.responsibilities(0.3);
    assertClose(r.reduce((s, v) => s + v, 0), 1, 8 * EPS);
  }
});

test("invalid parameters throw an error naming the parameter and the value", () => {
  const cases: Array<[() => unknown, string]> = [
    [() => new Normal(0, -1), "Normal: sd must be a finite number > 0, got -1"],
    [() => normal(0, 0), "Normal: sd must be a finite number > 0, got 0"],
    [() => new Normal(NaN, 1), "Normal: mean must be a finite number, got NaN"],
    [() => new Normal(0, Infinity), "Normal: sd must be a finite number > 0, got Infinity"],
    [() => new Beta(0, 1), "Beta: a must be a finite number > 0, got 0"],
    [() => new Beta(1, NaN), "Beta: b must be a finite number > 0, got NaN"],
    [() => new Bernoulli(1.5), "Bernoulli: p must be a number in [0, 1], got 1.5"],
    [() => new Categorical([0.5, 0.6]), "Categorical: probs must be probabilities summing to 1, got [0.5,0.6] (sum 1.1)"],
    [() => new Categorical([1.2, -0.2]), "Categorical: probs[0] must be a number in [0, 1], got 1.2"],
    [() => new DiagNormal([0, 0], [1, 0]), "DiagNormal: sd[1] must be a finite number > 0, got 0"],
    [() => new NormalMixture([0.5, 0.5], [0, 1], [1]), "NormalMixture: sds must be an array of length 2 (as weights), got [1]"],
  ];
  for (const [make, message] of cases) {
    assert.throws(make, (e: unknown) => e instanceof InvalidParameterError && e.message === message, message);
  }
});

test("sample(rng, n) gives the right moments (5 standard errors, fixed seed)", () => {
  const rng = createRng(11);
  const n = 100_000;
  const check = (name: string, xs: Float64Array, mean: number, variance: number) => {
    let s = 0;
    for (const x of xs) s += x;
    assertClose(s / n, mean, 5 * Math.sqrt(variance / n), name);
  };
  check("normal", new Normal(2, 3).sample(rng, n), 2, 9);
  const b = new Beta(2, 5);
  check("beta", b.sample(rng, n), b.mean, b.variance);
  check("bernoulli", new Bernoulli(0.3).sample(rng, n), 0.3, 0.21);
  const c = new Categorical([0.2, 0.3, 0.5]);
  check("categorical", c.sample(rng, n), c.mean, c.variance);
  const m = new NormalMixture([0.3, 0.7], [-2, 1], [0.5, 1]);
  check("mixture", m.sample(rng, n), m.mean, m.variance);
  assert.equal(new DiagNormal([0, 1], [1, 1]).sample(rng, 3).length, 3);
  assert.equal(Categorical.fromLogits([0, 0]).probs[0], 0.5);
});
