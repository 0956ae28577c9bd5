import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose, EPS } from "../testing/assert-close";
import { createRng } from "../random/rng";
import { logSumExp } from "../math/logsumexp";
import { expNonPositive, logSumExpGroups } from "./log-sum-exp-groups";

/** The gap from a positive double to the next one up. */
function ulp(x: number): number {
  const f = new Float64Array([x]);
  const i = new BigInt64Array(f.buffer);
  i[0] += 1n;
  return f[0] - x;
}

test("expNonPositive is within 2 ulp of Math.exp on [−708, 0] (and exactly it elsewhere)", () => {
  const rng = createRng(99);
  const xs: number[] = [0, -0, -1e-300, -1e-17, -1e-9, -0.5, -1, -Math.LN2, -64 * Math.LN2, -700, -707.999, -708];
  // arguments at and next to the reduction's switch points x = −n·ln 2/64 ± ln 2/128
  for (let n = 0; n < 65_000; n += 997) for (const off of [-0.5, -0.4999999, 0, 0.4999999, 0.5]) xs.push(Math.min(0, -(n + off) * (Math.LN2 / 64)));
  // and random ones, uniform on a log scale of |x| from 1e-12 to 708
  for (let i = 0; i < 200_000; i++) xs.push(-Math.exp(Math.log(1e-12) + rng.uniform() * Math.log(708 / 1e-12)));
  let worst = 0;
  for (const x of xs) {
    const got = expNonPositive(x);
    const want = Math.exp(x);
    const err = Math.abs(got - want) / ulp(want);
    if (err > worst) worst = err;
    if (!(err <= 2)) assert.fail(`expNonPositive(${x}) = ${got}, Math.exp = ${want}: ${err} ulp apart`);
  }
  assert.ok(worst >= 1, `worst ${worst}: a kernel identical to Math.exp everywhere would be a surprise; is the test reaching it?`);
  assert.equal(expNonPositive(0), 1);
  for (const x of [1e-300, 0.5, 3, 710, -708.0001, -745, -746, -Infinity, Infinity]) assert.equal(expNonPositive(x), Math.exp(x), `x = ${x}`);
  assert.ok(Number.isNaN(expNonPositive(NaN)));
});

test("logSumExpGroups equals logSumExp group by group (to a few ulp), and exactly on edge cases", () => {
  const rng = createRng(7);
  for (const k of [1, 2, 3, 100, 1000]) {
    const groups = Math.max(3, Math.floor(20_000 / k));
    // log-weights like the estimators': a quadratic in a normal draw, around −20 and −1e5
    const eps = rng.normals(groups * k);
    const xs = eps.map((e, i) => (i % 2 === 0 ? -20 : -1e5) + 1.96 * e - 0.22 * e * e);
    const out = logSumExpGroups(xs, k, new Float64Array(groups));
    for (let j = 0; j < groups; j++) {
      const want = logSumExp(xs.subarray(j * k, (j + 1) * k));
      // the terms are within 2 ulp each and the sum is compensated: 8 eps of the result's scale
      assertClose(out[j], want, 8 * EPS * (1 + Math.abs(want)), { k, j });
    }
  }
  // groups the fast loop must not handle: non-finite values, or a spread beyond 708
  const odd = [
    [NaN, 1, 2],
    [1, NaN, 2],
    [1, 2, NaN],
    [Infinity, 1, 2],
    [1, 2, Infinity],
    [-Infinity, 1, 2],
    [1, -Infinity, 2],
    [-Infinity, -Infinity, -Infinity],
    [0, -708.5, -1],
    [-1000, 0, -2000],
    [5, 5, 5],
  ];
  const flat = Float64Array.from(odd.flat());
  const got = logSumExpGroups(flat, 3, new Float64Array(odd.length));
  odd.forEach((g, j) => assert.ok(Object.is(got[j], logSumExp(g)) || Math.abs(got[j] - logSumExp(g)) <= 4 * EPS * Math.abs(logSumExp(g)), `${JSON.stringify(g)}: ${got[j]} vs ${logSumExp(g)}`));
  assert.throws(() => logSumExpGroups(new Float64Array(5), 0, new Float64Array(1)), /k must be an integer >= 1, got 0/);
  assert.throws(() => logSumExpGroups(new Float64Array(5), 3, new Float64Array(2)), /2 groups of 3 need 6 values, got 5/);
});
