import { test } from "node:test";
import assert from "node:assert/strict";
import { permutation } from "./permutation";
import { createRng } from "./rng";

test("permutation holds every index once; the same seed gives the same order", () => {
  const p = permutation(1000, createRng(1));
  assert.deepEqual(Array.from(p).sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(permutation(1000, createRng(1)), p);
  assert.notDeepEqual(permutation(1000, createRng(2)), p);
  assert.deepEqual(permutation(0, createRng(1)), new Int32Array(0));
  assert.deepEqual(permutation(1, createRng(1)), Int32Array.of(0));
  assert.throws(() => permutation(-1, createRng(1)), /n must be a non-negative integer, got -1/);
});

test("every position is uniform: where element 0 lands, over 60,000 permutations of 6 (chi-square, 5 dof, below the 99.9% point 20.5)", () => {
  const rng = createRng(3);
  const N = 60000, n = 6;
  const counts = new Array<number>(n).fill(0);
  for (let r = 0; r < N; r++) counts[permutation(n, rng).indexOf(0)]++;
  const expected = N / n;
  const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  assert.ok(chi2 < 20.5, `chi-square ${chi2.toFixed(2)}, counts ${counts.join(", ")}`);
});
