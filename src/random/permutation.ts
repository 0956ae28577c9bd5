import type { Rng } from "./rng";

/**
 * A uniformly random permutation of 0, …, n − 1: Fisher–Yates, swapping position i with a
 * position drawn by `rng.int(i + 1)` (unbiased), for i = n − 1 down to 1.
 *
 * Edge cases: n = 0 gives an empty array, n = 1 gives [0] (no draws); n must be a
 * non-negative safe integer, else a RangeError names it.
 *
 * @example
 * permutation(5, createRng(1));   // an Int32Array holding 0…4 in an order fixed by seed 1
 */
export function permutation(n: number, rng: Rng): Int32Array {
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new RangeError(`permutation: n must be a non-negative integer, got ${String(n)}`);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
