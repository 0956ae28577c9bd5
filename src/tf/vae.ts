/**
 * A variational autoencoder on binarised MNIST digits, written against raw tfjs ops so that
 * every term of the ELBO is visible.
 *
 *   encoder  x (784) → ReLU(400) → μ(20), log σ²(20)          q(z|x) = N(μ, diag σ²)
 *   decoder  z (20)  → ReLU(400) → logits (784)               p(x|z) = Π Bernoulli(sigmoid(logits))
 *   prior    p(z) = N(0, I)
 *
 * ELBO(x) = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)), reported in nats per image:
 *   reconstruction log p(x|z) = Σ_j [x_j·l_j − softplus(l_j)] with one reparameterised draw
 *     z = μ + σ·ε (the stable form of the Bernoulli log likelihood: never takes log(sigmoid)),
 *   KL = ½ Σ_d (μ_d² + σ_d² − log σ_d² − 1) in closed form.
 * Importance-weighted bound (Burda et al.): L_K = E[log (1/K) Σ_k p(x, z_k)/q(z_k|x)], with
 * L_1 = ELBO ≤ L_5 ≤ L_50 ≤ log p(x) on average.
 *
 * On the wasm backend the dense layers use `matMulT` (explicit-transpose gradient, 4.2x
 * faster per training step). All randomness is seeded: weights (Glorot uniform with a seed
 * per layer), batch order (xoshiro128** permutation), and ε (tfjs seeded randomNormal).
 */
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { backendName, checkBackendChosen, ensureBackend } from "./backend";
import { PackedAdam } from "./adam";
import { dense } from "./matmul";
import { createRng, permutation } from "../random";
import { createAnalyticVaeTrainer, parseKlWeight, parseVaeFirstLayer, type VaeFirstLayer, type VaeTrainer, type VaeTrainerTiming } from "./vae-trainer";
import { createNativeVaeTrainer } from "./vae-native-trainer";
import { DigitSet, MNIST_PIXELS } from "./mnist";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export interface VaeConfig {
  inputDim: number;
  hiddenDim: number;
  latentDim: number;
  /** Seed of the weight initialisation. */
  seed: number;
}

export const VAE_DEFAULT_CONFIG: VaeConfig = { inputDim: MNIST_PIXELS, hiddenDim: 400, latentDim: 20, seed: 1 };

/** Names of the weight tensors, in the order they are created, saved and loaded. */
export const VAE_WEIGHT_NAMES = [
  "enc.w1", "enc.b1", "enc.wMu", "enc.bMu", "enc.wLogVar", "enc.bLogVar",
  "dec.w1", "dec.b1", "dec.w2", "dec.b2",
] as const;
export type VaeWeightName = (typeof VAE_WEIGHT_NAMES)[number];

export interface Vae {
  config: VaeConfig;
  weights: Record<VaeWeightName, tf.Variable>;
  /** Frees the weight variables. */
  dispose(): void;
}

function weightShapes(c: VaeConfig): Record<VaeWeightName, number[]> {
  return {
    "enc.w1": [c.inputDim, c.hiddenDim], "enc.b1": [c.hiddenDim],
    "enc.wMu": [c.hiddenDim, c.latentDim], "enc.bMu": [c.latentDim],
    "enc.wLogVar": [c.hiddenDim, c.latentDim], "enc.bLogVar": [c.latentDim],
    "dec.w1": [c.latentDim, c.hiddenDim], "dec.b1": [c.hiddenDim],
    "dec.w2": [c.hiddenDim, c.inputDim], "dec.b2": [c.inputDim],
  };
}

/** Counter that keeps tfjs variable names unique across VAEs in one process. */
let vaeCount = 0;

function makeVae(config: VaeConfig, init: (name: VaeWeightName, shape: number[], i: number) => tf.Tensor): Vae {
  checkBackendChosen();
  const shapes = weightShapes(config);
  const weights = {} as Record<VaeWeightName, tf.Variable>;
  const id = vaeCount++;
  VAE_WEIGHT_NAMES.forEach((name, i) => {
    const t = init(name, shapes[name], i);
    weights[name] = tf.variable(t, true, `vae${id}.${name}`);
    t.dispose();
  });
  return {
    config,
    weights,
    dispose: () => VAE_WEIGHT_NAMES.forEach((n) => weights[n].dispose()),
  };
}

/**
 * A new VAE: Glorot-uniform weights (seed `config.seed + layer index`), zero biases.
 * `createVae({ latentDim: 2 })` is the 2-D variant used for pictures of the latent space.
 */
export function createVae(config: Partial<VaeConfig> = {}): Vae {
  const c: VaeConfig = { ...VAE_DEFAULT_CONFIG, ...config };
  return makeVae(c, (_name, shape, i) =>
    shape.length === 1 ? tf.zeros(shape) : tf.initializers.glorotUniform({ seed: c.seed * 100 + i }).apply(shape),
  );
}

/** Whether `matMulT` is used by default: on wasm only, where it is 4.2x faster per step. */
export function defaultTransposeTrick(): boolean {
  return backendName() === "wasm";
}

/** q(z|x): mean and log-variance, each [batch, latentDim]. */
export function vaeEncode(vae: Vae, x: tf.Tensor2D, transposeTrick = defaultTransposeTrick()): { mu: tf.Tensor2D; logVar: tf.Tensor2D } {
  const w = vae.weights;
  // x is data: its gradient is never needed, so the input layer skips computing it.
  const h = tf.relu(dense(x, w["enc.w1"] as tf.Tensor2D, w["enc.b1"] as tf.Tensor1D, transposeTrick, true));
  return {
    mu: dense(h, w["enc.wMu"] as tf.Tensor2D, w["enc.bMu"] as tf.Tensor1D, transposeTrick),
    logVar: dense(h, w["enc.wLogVar"] as tf.Tensor2D, w["enc.bLogVar"] as tf.Tensor1D, transposeTrick),
  };
}

/** p(x|z): Bernoulli logits, [batch, inputDim]. */
export function vaeDecodeLogits(vae: Vae, z: tf.Tensor2D, transposeTrick = defaultTransposeTrick()): tf.Tensor2D {
  const w = vae.weights;
  const h = tf.relu(dense(z, w["dec.w1"] as tf.Tensor2D, w["dec.b1"] as tf.Tensor1D, transposeTrick));
  return dense(h, w["dec.w2"] as tf.Tensor2D, w["dec.b2"] as tf.Tensor1D, transposeTrick);
}

/**
 * log Bernoulli(x | sigmoid(l)) summed over the last axis, computed as x·l − softplus(l)
 * (tfjs softplus is stable for large |l|), so it never evaluates log(0).
 */
export function bernoulliLogLik(x: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  return tf.sum(tf.sub(tf.mul(x, logits), tf.softplus(logits)), -1);
}

/** KL(N(μ, σ²) ‖ N(0, 1)) summed over the last axis: ½ Σ (μ² + σ² − log σ² − 1). */
export function klDiagNormalStdNormal(mu: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  return tf.mul(0.5, tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1)), -1));
}

/** Per-image reconstruction term and KL for a batch, with one reparameterised draw. */
export function vaeElboTerms(
  vae: Vae,
  x: tf.Tensor2D,
  seed: number,
  transposeTrick = defaultTransposeTrick(),
): { rec: tf.Tensor1D; kl: tf.Tensor1D } {
  const { mu, logVar } = vaeEncode(vae, x, transposeTrick);
  const eps = tf.randomNormal(mu.shape, 0, 1, "float32", seed);
  const z = tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), eps)) as tf.Tensor2D;
  const logits = vaeDecodeLogits(vae, z, transposeTrick);
  return { rec: bernoulliLogLik(x, logits) as tf.Tensor1D, kl: klDiagNormalStdNormal(mu, logVar) as tf.Tensor1D };
}

/** ELBO split in nats per image (averages over images). `elbo = rec − kl`. */
export interface VaeElboParts {
  elbo: number;
  rec: number;
  kl: number;
}

function rowsTensor(set: DigitSet, start: number, end: number): tf.Tensor2D {
  return tf.tensor2d(set.x.subarray(start * MNIST_PIXELS, end * MNIST_PIXELS), [end - start, MNIST_PIXELS]);
}

/**
 * Test-time ELBO of a set (one draw of z per image, seeded so repeated calls agree exactly).
 * With `perImage: true` it also returns each image's rec − kl (float32 values, in set order), the
 * per-image estimates whose mean is `elbo`: what a paired comparison with another per-image
 * estimate on the same images (iwaeBoundVae's L_1) needs.
 */
export function evaluateVae(
  vae: Vae,
  set: DigitSet,
  options: { seed?: number; batchSize?: number; transposeTrick?: boolean; perImage: true },
): VaeElboParts & { perImage: Float64Array };
export function evaluateVae(
  vae: Vae,
  set: DigitSet,
  options?: { seed?: number; batchSize?: number; transposeTrick?: boolean; perImage?: false },
): VaeElboParts;
export function evaluateVae(
  vae: Vae,
  set: DigitSet,
  options: { seed?: number; batchSize?: number; transposeTrick?: boolean; perImage?: boolean } = {},
): VaeElboParts & { perImage?: Float64Array } {
  const seed = options.seed ?? 7;
  const bs = options.batchSize ?? 500;
  const trick = options.transposeTrick ?? defaultTransposeTrick();
  const perImage = options.perImage ? new Float64Array(set.n) : null;
  let rec = 0;
  let kl = 0;
  for (let start = 0, chunk = 0; start < set.n; start += bs, chunk++) {
    const end = Math.min(set.n, start + bs);
    const sums = tf.tidy(() => {
      const x = rowsTensor(set, start, end);
      const t = vaeElboTerms(vae, x, seed * 1000003 + chunk, trick);
      const totals = tf.stack([tf.sum(t.rec), tf.sum(t.kl)]);
      return perImage ? tf.concat([totals, tf.sub(t.rec, t.kl)]) : totals;
    });
    const v = sums.dataSync();
    sums.dispose();
    rec += v[0];
    kl += v[1];
    if (perImage) for (let i = 0; i < end - start; i++) perImage[start + i] = v[2 + i];
  }
  const parts: VaeElboParts = { elbo: (rec - kl) / set.n, rec: rec / set.n, kl: kl / set.n };
  return perImage ? { ...parts, perImage } : parts;
}

/**
 * Importance-weighted bound L_K per image (nats), with K draws from q(z|x):
 * log w_k = log p(x|z_k) + log p(z_k) − log q(z_k|x), L_K = logSumExp_k(log w_k) − log K.
 * Returns the mean over the set and the per-image values. L_1 is an unbiased ELBO estimate
 * (with a sampled instead of a closed-form KL).
 */
export function iwaeBoundVae(
  vae: Vae,
  set: DigitSet,
  K: number,
  options: { seed?: number; maxRows?: number; transposeTrick?: boolean } = {},
): { mean: number; perImage: Float64Array } {
  const seed = options.seed ?? 11;
  const maxRows = options.maxRows ?? 4096;
  const trick = options.transposeTrick ?? defaultTransposeTrick();
  const bs = Math.max(1, Math.floor(maxRows / K));
  const d = vae.config.latentDim;
  const perImage = new Float64Array(set.n);
  for (let start = 0, chunk = 0; start < set.n; start += bs, chunk++) {
    const end = Math.min(set.n, start + bs);
    const B = end - start;
    const bound = tf.tidy(() => {
      const x = rowsTensor(set, start, end);
      const { mu, logVar } = vaeEncode(vae, x, trick);
      const eps = tf.randomNormal([K, B, d], 0, 1, "float32", seed * 1000003 + chunk);
      const z = tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), eps)); // [K, B, d]
      const logits = vaeDecodeLogits(vae, tf.reshape(z, [K * B, d]) as tf.Tensor2D, trick);
      const xk = tf.tile(x, [K, 1]);
      const logPx = tf.reshape(bernoulliLogLik(xk, logits), [K, B]);
      const logPz = tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), -1)), d * HALF_LOG_2PI);
      const logQz = tf.sub(
        tf.mul(-0.5, tf.sum(tf.add(tf.square(eps), logVar), -1)),
        d * HALF_LOG_2PI,
      );
      const logW = tf.sub(tf.add(logPx, logPz), logQz); // [K, B]
      return tf.sub(tf.logSumExp(logW, 0), Math.log(K));
    });
    const v = bound.dataSync();
    bound.dispose();
    for (let i = 0; i < B; i++) perImage[start + i] = v[i];
  }
  let s = 0;
  for (let i = 0; i < set.n; i++) s += perImage[i];
  return { mean: s / set.n, perImage };
}

export interface VaeStepInfo {
  epoch: number;
  /** Step within the epoch, from 0. */
  step: number;
  stepsPerEpoch: number;
  /** Batch ELBO, reconstruction and KL in nats per image (before this step's update). */
  elbo: number;
  rec: number;
  kl: number;
  ms: number;
}

export interface VaeEpochStats {
  epoch: number;
  train: VaeElboParts;
  test: VaeElboParts;
  /** Test importance-weighted bounds by K (only the Ks asked for in `iwaeKs`). */
  testIwae: Record<number, number>;
  /** The KL weight β of the epoch's last step (1 unless `klWeight` says otherwise). */
  klWeight: number;
  /** Training time of this epoch (without evaluation), and mean time per step. */
  trainSeconds: number;
  msPerStep: number;
  numTensors: number;
}

export interface TrainVaeOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Seed of the batch order and of the ε draws. */
  seed?: number;
  /** Use `matMulT` (default: on wasm only); only with `gradient: "autodiff"`. */
  transposeTrick?: boolean;
  /**
   * "analytic" (default): the hand-derived forward/backward pass (`vae-trainer.ts`); "autodiff":
   * tfjs's `variableGrads`. Same loss, same ε draws, same Adam update.
   */
  gradient?: VaeGradientMode;
  /**
   * How the analytic step computes the first layer h₁ = relu([x, 1]·[W₁; b₁]) and its weight
   * gradient: "sparse" (default) sums, per image, the rows of [W₁; b₁] of its set pixels, which
   * is exact for binarized MNIST and ~5 ms per step faster on wasm (12.9 against 17.7 ms);
   * "dense" takes the two full [B, D+1]×[D+1, H] products a dense layer (PyTorch's `nn.Linear`)
   * computes, for a like-for-like comparison (bench/VAE-PROFILE.md). Both give the same step up to float32
   * rounding. Only with `gradient: "analytic"`: the autodiff step is always dense, and any
   * `firstLayer` with it throws, as does any value other than "sparse" or "dense".
   */
  firstLayer?: VaeFirstLayer;
  /**
   * The weight β of the KL term in the training objective β·KL − rec (default 1, the negative
   * ELBO): a number, or a schedule `(epoch, step, stepsPerEpoch) => β` called before every step
   * (epoch from 1, step from 0), e.g. a linear KL warm-up
   * `(e, s, n) => Math.min(1, ((e - 1) * n + s + 1) / (3 * n))` over the first 3 epochs
   * (Bowman et al. 2016; Sønderby et al. 2016). Each β must be a finite number ≥ 0 (else the step
   * throws, naming it). Only training sees β: the reported train and test ELBO, KL and bounds
   * are always those of β = 1.
   */
  klWeight?: number | KlWeightSchedule;
  /** Importance-weighted test bounds computed after each epoch (e.g. [1, 5, 50]; default none). */
  iwaeKs?: number[];
  /** Compute them every this many epochs, and always after the last (default 1). */
  iwaeEvery?: number;
  /** Tiny run for CI: 256 training and 256 test images, 1 epoch (unless `epochs` is given). */
  smoke?: boolean;
  /** After every step. With the analytic gradient the VAE's variables are written at the end of each epoch, so read weights in `onEpoch`. */
  onStep?: (info: VaeStepInfo) => void;
  onEpoch?: (stats: VaeEpochStats) => void | Promise<void>;
}

export interface TrainVaeResult {
  history: VaeEpochStats[];
  backend: string;
  transposeTrick: boolean;
  gradient: VaeGradientMode;
  /** How the first layer was computed ("dense" with `gradient: "autodiff"`, which is always dense). */
  firstLayer: VaeFirstLayer;
}

function limitSet(set: DigitSet, n: number): DigitSet {
  if (set.n <= n) return set;
  return {
    x: set.x.subarray(0, n * MNIST_PIXELS),
    labels: set.labels.subarray(0, n),
    indices: set.indices.subarray(0, n),
    n,
  };
}

/** A KL weight per training step: `(epoch, step, stepsPerEpoch) => β` (epoch from 1, step from 0). */
export type KlWeightSchedule = (epoch: number, step: number, stepsPerEpoch: number) => number;

/** How `trainVae` computes the gradient: the hand-derived backward pass, or tfjs autodiff. */
export type VaeGradientMode = "analytic" | "autodiff";

export type { VaeFirstLayer } from "./vae-trainer";

/**
 * The analytic step's first layer when none is asked for: "dense" on native TensorFlow (its
 * matrix products are fast and the whole step stays in TensorFlow, `vae-native-trainer.ts`),
 * "sparse" elsewhere (the wasm kernels' fast path; on cpu the sparse JS loop beats a dense product).
 */
export function defaultFirstLayer(): VaeFirstLayer {
  return backendName() === "tensorflow" ? "dense" : "sparse";
}

/**
 * The first-layer mode of a trainer with gradient `gradient`: `firstLayer` checked
 * (`defaultFirstLayer()` when unset) for the analytic step; "dense" for autodiff, which rejects any `firstLayer`.
 */
function resolveFirstLayer(where: string, gradient: VaeGradientMode, firstLayer: unknown): VaeFirstLayer {
  if (gradient !== "autodiff") return firstLayer === undefined ? defaultFirstLayer() : parseVaeFirstLayer(firstLayer, where);
  if (firstLayer === undefined) return "dense";
  const v = parseVaeFirstLayer(firstLayer, where);
  throw new Error(
    `${where}: firstLayer "${v}" applies only to gradient "analytic"; the "autodiff" step always computes the first layer dense ` +
      `(tfjs differentiates the full x·W₁ product), so leave firstLayer unset with gradient "autodiff"`,
  );
}

/**
 * A trainer for `vae` on `train` with Adam (learning rate `learningRate`, default 1e-3).
 * `gradient: "analytic"` (default): the hand-derived backward pass of `vae-trainer.ts`, about
 * twice as fast on wasm, with the first layer "sparse" (default) or "dense" (`firstLayer`, as
 * in `TrainVaeOptions`); the variables are written by `syncWeights()`. `"autodiff"`: tfjs's
 * `variableGrads` of the same loss (with `matMulT` when `transposeTrick`; always dense, no
 * `firstLayer`), the variables are updated after every step.
 */
export function createVaeTrainer(
  vae: Vae,
  train: DigitSet,
  options: { learningRate?: number; transposeTrick?: boolean; gradient?: VaeGradientMode; firstLayer?: VaeFirstLayer } = {},
): VaeTrainer {
  const gradient = options.gradient ?? "analytic";
  const firstLayer = resolveFirstLayer("createVaeTrainer", gradient, options.firstLayer);
  if (gradient === "analytic") {
    // On native TensorFlow the dense step runs as TensorFlow ops end to end (vae-native-trainer.ts).
    if (firstLayer === "dense" && backendName() === "tensorflow") return createNativeVaeTrainer(vae, train, { learningRate: options.learningRate });
    return createAnalyticVaeTrainer(vae, train, { learningRate: options.learningRate, firstLayer });
  }
  const trick = options.transposeTrick ?? defaultTransposeTrick();
  const varList = VAE_WEIGHT_NAMES.map((n) => vae.weights[n]);
  // The JS update (float32 arrays, one pass per weight), as this step has always used; the
  // wasm SIMD update belongs to the analytic trainer.
  const optimizer = new PackedAdam(varList.map((v) => Float32Array.from(v.dataSync() as Float32Array)), { learningRate: options.learningRate ?? 1e-3, useWasm: false });
  const xAll = tf.tensor2d(train.x, [train.n, MNIST_PIXELS]);
  const timing: VaeTrainerTiming = { steps: 0, gradientMs: 0, updateMs: 0, readMs: 0 };
  return {
    timing,
    syncWeights: () => undefined,
    step(rows: Int32Array, epsSeed: number, klWeight = 1): { rec: number; kl: number } {
      parseKlWeight(klWeight, "VaeTrainer.step");
      const t0 = performance.now();
      let parts: tf.Tensor | null = null;
      const grads = tf.tidy(() => {
        const idx = tf.tensor1d(rows, "int32");
        const x = tf.gather(xAll, idx) as tf.Tensor2D;
        return tf.variableGrads(() => {
          const t = vaeElboTerms(vae, x, epsSeed, trick);
          const rec = tf.mean(t.rec);
          const kl = tf.mean(t.kl);
          parts = tf.keep(tf.stack([rec, kl]));
          return tf.sub(klWeight === 1 ? kl : tf.mul(kl, klWeight), rec) as tf.Scalar;
        }, varList);
      });
      const t1 = performance.now();
      optimizer.step(varList.map((v) => grads.grads[v.name]));
      tf.dispose([grads.value, ...Object.values(grads.grads)]);
      varList.forEach((v, i) => {
        const next = optimizer.tensor(i, v.shape);
        v.assign(next);
        next.dispose();
      });
      const t2 = performance.now();
      const held = parts as tf.Tensor | null;
      const [rec, kl] = held ? held.dataSync() : [NaN, NaN];
      held?.dispose();
      const t3 = performance.now();
      timing.steps++;
      timing.gradientMs += t1 - t0;
      timing.updateMs += t2 - t1;
      timing.readMs += t3 - t2;
      return { rec, kl };
    },
    dispose: () => {
      xAll.dispose();
      optimizer.dispose();
    },
  };
}

/**
 * Trains `vae` with Adam on minibatches of `data.train` (shuffled each epoch by a seeded
 * permutation; the last batch may be smaller), evaluates train/test ELBO after each epoch,
 * and frees every intermediate tensor (the tensor count is the same after every step).
 *
 * `firstLayer` (analytic gradient only): "sparse" (default) computes the first layer and its
 * weight gradient over each image's set pixels; "dense" computes them as the full matrix
 * products a dense layer does (as PyTorch does), for like-for-like speed comparisons — same
 * result up to float32 rounding, slower. It rejects values other than "sparse" and "dense",
 * and any value with `gradient: "autodiff"` (that step is always dense).
 *
 * @example
 * await trainVae(vae, data, { epochs: 2, firstLayer: "dense" });      // r.firstLayer === "dense"
 * await trainVae(vae, data, { gradient: "autodiff", firstLayer: "sparse" });
 * // rejects: trainVae: firstLayer "sparse" applies only to gradient "analytic"; the "autodiff" step always computes the first layer dense …
 */
export async function trainVae(
  vae: Vae,
  data: { train: DigitSet; test: DigitSet },
  options: TrainVaeOptions = {},
): Promise<TrainVaeResult> {
  const gradient = options.gradient ?? "analytic";
  await ensureBackend();
  const firstLayer = resolveFirstLayer("trainVae", gradient, options.firstLayer);
  const smoke = options.smoke ?? false;
  const train = smoke ? limitSet(data.train, 256) : data.train;
  const test = smoke ? limitSet(data.test, 256) : data.test;
  const epochs = options.epochs ?? (smoke ? 1 : 10);
  const bs = options.batchSize ?? 128;
  const trick = options.transposeTrick ?? defaultTransposeTrick();
  const rng = createRng(options.seed ?? 3);
  const iwaeKs = options.iwaeKs ?? [];
  const iwaeEvery = options.iwaeEvery ?? 1;
  const klOption = options.klWeight ?? 1;
  if (typeof klOption !== "function") parseKlWeight(klOption, "trainVae");
  const klAt = (epoch: number, step: number, n: number): number =>
    typeof klOption === "function" ? parseKlWeight(klOption(epoch, step, n), `trainVae: klWeight(${epoch}, ${step}, ${n})`) : klOption;
  const trainer = createVaeTrainer(vae, train, {
    learningRate: options.learningRate,
    transposeTrick: trick,
    gradient,
    firstLayer: gradient === "analytic" ? firstLayer : undefined,
  });
  const stepsPerEpoch = Math.ceil(train.n / bs);
  const history: VaeEpochStats[] = [];
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = permutation(train.n, rng);
      let recSum = 0;
      let klSum = 0;
      let klWeight = 1;
      const t0 = Date.now();
      for (let step = 0; step < stepsPerEpoch; step++) {
        const ts = Date.now();
        const rows = order.subarray(step * bs, Math.min(train.n, (step + 1) * bs));
        const epsSeed = rng.nextUint32();
        klWeight = klAt(epoch, step, stepsPerEpoch);
        const { rec, kl } = trainer.step(rows, epsSeed, klWeight);
        recSum += rec * rows.length;
        klSum += kl * rows.length;
        options.onStep?.({ epoch, step, stepsPerEpoch, elbo: rec - kl, rec, kl, ms: Date.now() - ts });
      }
      const trainSeconds = (Date.now() - t0) / 1000;
      trainer.syncWeights();
      const trainParts: VaeElboParts = { elbo: (recSum - klSum) / train.n, rec: recSum / train.n, kl: klSum / train.n };
      const testParts = evaluateVae(vae, test, { transposeTrick: trick });
      const testIwae: Record<number, number> = {};
      if (iwaeKs.length > 0 && (epoch % iwaeEvery === 0 || epoch === epochs)) {
        for (const K of iwaeKs) testIwae[K] = iwaeBoundVae(vae, test, K, { transposeTrick: trick }).mean;
      }
      const stats: VaeEpochStats = {
        epoch,
        train: trainParts,
        test: testParts,
        testIwae,
        klWeight,
        trainSeconds,
        msPerStep: (trainSeconds * 1000) / stepsPerEpoch,
        numTensors: tf.memory().numTensors,
      };
      history.push(stats);
      if (options.onEpoch) await options.onEpoch(stats);
      await new Promise((r) => setImmediate(r)); // let a notebook's display update
    }
  } finally {
    trainer.dispose();
  }
  return { history, backend: backendName(), transposeTrick: trick, gradient, firstLayer };
}

/** Bernoulli means (pixel probabilities) of the reconstructions at z = μ(x), n·784. */
export function vaeReconstruct(vae: Vae, set: DigitSet): Float32Array {
  return tf.tidy(() => {
    const x = rowsTensor(set, 0, set.n);
    const { mu } = vaeEncode(vae, x);
    return tf.sigmoid(vaeDecodeLogits(vae, mu)).dataSync() as Float32Array;
  });
}

/** μ(x) for every image of the set, n·latentDim (row-major), e.g. for a 2-D latent scatter. */
export function vaeEncodeMeans(vae: Vae, set: DigitSet, batchSize = 1000): Float32Array {
  const d = vae.config.latentDim;
  const out = new Float32Array(set.n * d);
  for (let start = 0; start < set.n; start += batchSize) {
    const end = Math.min(set.n, start + batchSize);
    const v = tf.tidy(() => vaeEncode(vae, rowsTensor(set, start, end)).mu.dataSync());
    out.set(v, start * d);
  }
  return out;
}

/** Pixel probabilities decoded from latent points `z` (n·latentDim, row-major), n·784. */
export function vaeDecode(vae: Vae, z: Float32Array | number[]): Float32Array {
  const d = vae.config.latentDim;
  const n = z.length / d;
  return tf.tidy(() => tf.sigmoid(vaeDecodeLogits(vae, tf.tensor2d(z, [n, d]))).dataSync() as Float32Array);
}

/** n images decoded from prior draws z ~ N(0, I) (seeded). */
export function vaeSample(vae: Vae, n: number, seed = 5): Float32Array {
  const d = vae.config.latentDim;
  const rng = createRng(seed);
  const z = new Float32Array(n * d);
  for (let i = 0; i < z.length; i++) z[i] = rng.normal();
  return vaeDecode(vae, z);
}

/**
 * For a 2-D latent space: a side×side grid of decoded images at z = (Φ⁻¹(u), Φ⁻¹(v)),
 * u, v evenly spaced in (0, 1) (so the grid covers the prior's mass), row-major from the
 * top-left (largest z₂ first). Returns the grid points and side²·784 pixel probabilities.
 */
export function vaeLatentGrid(vae: Vae, side: number): { z: Float32Array; images: Float32Array } {
  if (vae.config.latentDim !== 2) throw new Error("vaeLatentGrid needs latentDim = 2");
  const q = (p: number) => normalQuantile(p);
  const z = new Float32Array(side * side * 2);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const k = r * side + c;
      z[2 * k] = q((c + 0.5) / side);
      z[2 * k + 1] = q(1 - (r + 0.5) / side);
    }
  }
  return { z, images: vaeDecode(vae, z) };
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const qq = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * qq + c[1]) * qq + c[2]) * qq + c[3]) * qq + c[4]) * qq + c[5]) / ((((d[0] * qq + d[1]) * qq + d[2]) * qq + d[3]) * qq + 1);
  }
  if (p > 1 - pl) return -normalQuantile(1 - p);
  const qq = p - 0.5;
  const r = qq * qq;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * qq) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

interface SavedVae {
  format: "elbo-lab-vae/1";
  config: VaeConfig;
  weights: { name: VaeWeightName; shape: number[]; offset: number; length: number }[];
  meta?: Record<string, unknown>;
}

/**
 * Saves the weights to `dir` (created if needed) as `model.json` (config, names, shapes,
 * float offsets) and `weights.bin` (float32, little-endian, concatenated).
 */
export function saveVae(vae: Vae, dir: string, meta: Record<string, unknown> = {}): void {
  fs.mkdirSync(dir, { recursive: true });
  const entries: SavedVae["weights"] = [];
  const arrays: Float32Array[] = [];
  let offset = 0;
  for (const name of VAE_WEIGHT_NAMES) {
    const v = vae.weights[name];
    const data = v.dataSync() as Float32Array;
    entries.push({ name, shape: v.shape, offset, length: data.length });
    arrays.push(data);
    offset += data.length;
  }
  const all = new Float32Array(offset);
  arrays.forEach((a, i) => all.set(a, entries[i].offset));
  const buf = Buffer.alloc(all.length * 4);
  for (let i = 0; i < all.length; i++) buf.writeFloatLE(all[i], i * 4);
  fs.writeFileSync(path.join(dir, "weights.bin"), buf);
  const doc: SavedVae = { format: "elbo-lab-vae/1", config: vae.config, weights: entries, meta };
  fs.writeFileSync(path.join(dir, "model.json"), JSON.stringify(doc, null, 2));
}

/** Loads a VAE written by `saveVae`. */
export function loadVae(dir: string): Vae & { meta: Record<string, unknown> } {
  const doc = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8")) as SavedVae;
  if (doc.format !== "elbo-lab-vae/1") throw new Error(`${dir}: not an elbo-lab VAE (format ${String(doc.format)})`);
  const buf = fs.readFileSync(path.join(dir, "weights.bin"));
  const byName = new Map(doc.weights.map((w) => [w.name, w]));
  const vae = makeVae(doc.config, (name) => {
    const e = byName.get(name);
    if (!e) throw new Error(`${dir}: weight ${name} missing`);
    const a = new Float32Array(e.length);
    for (let i = 0; i < e.length; i++) a[i] = buf.readFloatLE((e.offset + i) * 4);
    return tf.tensor(a, e.shape);
  });
  return { ...vae, meta: doc.meta ?? {} };
}
