import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose, assertRel, EPS } from "../testing/assert-close";
import { loadReference } from "../testing/reference";
import { logSumExp, logMeanExp, logAddExp } from "./logsumexp";
import { log1pExp, log1mExp, sigmoid } from "./softplus";
import { expm1mx } from "./expm1mx";
import { logGamma } from "./gamma";
import { digamma } from "./digamma";
import { logBeta } from "./logbeta";
import { neumaierSum, NeumaierSum } from "./sum";
import { RunningMoments, meanWithStderr } from "./moments";

const ref = loadReference().special;

test("logGamma matches scipy.special.gammaln / mpmath.loggamma", () => {
  for (const { x, value } of ref.logGamma) {
    // Absolute error of a few ulps of max(1, |lnΓ(x+k)|) (see the TSDoc): 16·eps·max(1, |value|)
    // relative, plus 8 eps absolute for arguments shifted up to 10 whose result is near 0.
    assertClose(logGamma(x), value, 16 * EPS * Math.max(1, Math.abs(value)) + 8 * EPS * 16, { x });
  }
  assert.equal(logGamma(0), Infinity);
  assert.equal(logGamma(-3), Infinity);
  assert.ok(Number.isNaN(logGamma(NaN)));
});

test("digamma matches mpmath.digamma", () => {
  for (const { x, value } of ref.digamma) {
    // the recurrence sums up to 10 terms of size up to 1/x: 32 eps relative to the largest of them
    assertClose(digamma(x), value, 32 * EPS * Math.max(1, Math.abs(value)), { x });
  }
  assert.ok(Number.isNaN(digamma(0)));
  assert.ok(Number.isNaN(digamma(-2)));
});

test("logBeta matches mpmath at 50 digits, without cancellation for large arguments", () => {
  for (const { a, b, value } of ref.logBetaHighPrecision) {
    // relative 64 eps: the Stirling form keeps the terms of the result's size
    assertClose(logBeta(a, b), value, 64 * EPS * Math.max(1, Math.abs(value)), { a, b });
    assertClose(logBeta(b, a), value, 64 * EPS * Math.max(1, Math.abs(value)), { a: b, b: a });
  }
  assert.ok(Number.isNaN(logBeta(0, 1)));
});

test("logSumExp / logMeanExp / logAddExp match scipy.special.logsumexp", () => {
  for (const { xs, value } of ref.logSumExp) {
    assertClose(logSumExp(xs), value, 4 * EPS * Math.max(1, Math.abs(value)), { n: xs.length, first: xs.slice(0, 3) });
  }
  assert.equal(logSumExp([]), -Infinity);
  assert.equal(logSumExp([-Infinity, -Infinity]), -Infinity);
  assert.equal(logSumExp([1, Infinity]), Infinity);
  assert.ok(Number.isNaN(logSumExp([1, NaN])));
  assertClose(logMeanExp([0, Math.log(3)]), Math.LN2, 2 * EPS);
  assertClose(logAddExp(1000, 1000), 1000 + Math.LN2, 2 * EPS * 1000);
  assert.equal(logAddExp(-Infinity, 3), 3);
  assert.ok(Number.isNaN(logMeanExp([])));
});

test("log1pExp, log1mExp and expm1mx match mpmath (full relative accuracy)", () => {
  for (const { x, value } of ref.log1pExp) assertRel(log1pExp(x), value, 2 * EPS, { x });
  for (const { x, value } of ref.log1mExp) assertRel(log1mExp(x), value, 4 * EPS, { x });
  for (const { x, value } of ref.expm1mx) {
    // the series is relative-accurate to a few ulps; for |x| ≥ 0.5 expm1(x) − x cancels by < 3x
    assertRel(expm1mx(x), value, 8 * EPS, { x });
  }
  assert.equal(log1pExp(-Infinity), 0);
  assert.ok(Number.isNaN(log1mExp(1)));
  assert.equal(sigmoid(800), 1);
  assert.equal(sigmoid(-800), 0);
});

test("Neumaier summation recovers what a plain loop loses", () => {
  assert.equal(neumaierSum([1, 1e100, 1, -1e100]), 2);
  const s = new NeumaierSum();
  s.add(0.1).add(0.2).add(-0.3);
  assert.equal(s.value, 2.7755575615628914e-17);
  assert.ok(Number.isNaN(neumaierSum([1, NaN])));
  assert.equal(neumaierSum([Infinity, 1]), Infinity);
});

test("RunningMoments: shifted sums keep the variance of data far from 0", () => {
  const xs = [1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4];
  const m = new RunningMoments().addAll(xs);
  assert.equal(m.mean, 1e9 + 2.5);
  assertClose(m.variance, 5 / 3, 4 * EPS);
  const r = meanWithStderr([1, 2, 3, 4]);
  assertClose(r.stderr, Math.sqrt(5 / 3 / 4), 2 * EPS);
});
