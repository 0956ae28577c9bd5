/**
 * The VAE's training step with a hand-derived gradient: a forward and a backward pass written
 * out kernel by kernel, laid out so that every large matrix product is the one fast case of
 * tfjs's wasm backend, and Adam on packed parameter blocks (`adam.ts`).
 *
 * Objective of a batch of B images, summed (the update divides by B, so it is the mean):
 *   J = Σ_b [KL(q(z|x_b) ‖ N(0, I)) − log p(x_b|z_b)],  z_b = μ_b + σ_b·ε_b,
 *   log p(x|z) = Σ_j x_j·l_j − softplus(l_j),  KL = ½ Σ_d (μ_d² + σ_d² − log σ_d² − 1).
 * Its gradient, by the chain rule (s = sigmoid(l), ⊙ = element-wise product, 1[·] the ReLU mask):
 *   ∂J/∂l = s − x
 *   ∂J/∂h₂ = W_d2 ∂J/∂l,            ∂J/∂W_d2 = h₂ ∂J/∂lᵀ,         ∂J/∂b_d2 = Σ_b ∂J/∂l
 *   ∂J/∂a₂ = ∂J/∂h₂ ⊙ 1[h₂ > 0]       (a₂ = h₂ before the ReLU)
 *   ∂J/∂z = W_d1 ∂J/∂a₂,             ∂J/∂W_d1, ∂J/∂b_d1 likewise
 *   ∂J/∂μ = ∂J/∂z + μ,   ∂J/∂log σ² = ½(∂J/∂z·ε·σ + σ² − 1)
 *   ∂J/∂h₁ = W_e ∂J/∂e,  ∂J/∂a₁ = ∂J/∂h₁ ⊙ 1[h₁ > 0],  ∂J/∂W₁ = x ∂J/∂a₁ᵀ   (e = [μ, log σ²])
 * (no gradient for the data x). It is checked against tfjs's autodiff of the same loss in
 * `vae-trainer.test.ts`.
 *
 * Why this layout (measured on the wasm backend; see bench/VAE-PROFILE.md):
 *  - XNNPACK computes C = A·B fast only without transpose flags, and it repacks B every time
 *    B is a new tensor (1.1 ms for a 784×400 weight, more than a third of the product). So the
 *    weights are always the A operand and activations are kept feature-major, [features × B]:
 *    h₁ᵀ = W₁ᵀ·xᵀ, logitsᵀ = W_d2ᵀ·h₂ᵀ, ∂h₂ᵀ = W_d2·∂lᵀ, ∂W_d2ᵀ = ∂lᵀ·h₂, ∂W₁ᵀ = ∂a₁ᵀ·x.
 *  - Biases ride in the products as an extra column of the weight and a row of ones in the
 *    input (xᵀ and the latent z are built in JS with that row; h₂ᵀ gets it by one concat), so
 *    their gradients come out of the weight-gradient products too.
 *  - The 20-dimensional latent part (reparameterisation, KL and their gradients, 2560 numbers)
 *    is a JS loop over the kernel's output, read in place on the wasm heap: a dozen tiny kernels
 *    cost more than the arithmetic.
 *  - The reconstruction term is summed from the logits l and s = sigmoid(l) that the gradient
 *    needs anyway, without a softplus kernel (1.5 ms on wasm): softplus(l) = relu(l) −
 *    log sigmoid(|l|) and sigmoid(|l|) = max(s, 1 − s) ∈ [½, 1], which both s and 1 − s give
 *    accurately where they are the larger; the logs are taken of float64 products of up to 512
 *    such factors (≥ 2⁻⁵¹², far from underflow). On wasm one pass of `wasm-kernels.ts` does it
 *    and writes s − x; elsewhere a JS loop and a Sub kernel.
 * The VAE's tf.Variables keep their usual layout; `syncWeights` writes the trained weights back.
 */
import * as tf from "@tensorflow/tfjs";
import { PackedAdam } from "./adam";
import type { DigitSet } from "./mnist";
import type { Vae, VaeConfig, VaeWeightName } from "./vae";
import { readFloat32, wasmHeap, type WasmHeap } from "./wasm-heap";
import { BERNOULLI_CHUNK, wasmKernels } from "./wasm-kernels";

/** Milliseconds spent in each phase of the steps taken so far (for profiling). */
export interface VaeTrainerTiming {
  steps: number;
  /** Forward and backward pass, including the loss. */
  gradientMs: number;
  /** The optimizer update (and writing the weights it produces). */
  updateMs: number;
  /** Reading the batch's reconstruction and KL back to JS (where that is a separate phase). */
  readMs: number;
}

/** One Adam step at a time on minibatches of a fixed training set (the inner loop of `trainVae`). */
export interface VaeTrainer {
  /**
   * One step on the images `rows` (indices into the training set), with ε drawn by
   * `tf.randomNormal([rows.length, latentDim], 0, 1, "float32", epsSeed)`. Returns the batch's
   * mean reconstruction term and KL (nats per image) before the update.
   */
  step(rows: Int32Array, epsSeed: number): { rec: number; kl: number };
  /** Writes the current weights to the VAE's tf.Variables (a no-op where they are always current). */
  syncWeights(): void;
  /** Cumulative phase times. */
  readonly timing: VaeTrainerTiming;
  /** Frees the trainer's own tensors and memory (not the VAE's weights). */
  dispose(): void;
}

/** Canonical weights by name, as in `Vae.weights` (row-major [in, out] matrices). */
export type VaeWeightArrays = Record<VaeWeightName, Float32Array>;

/**
 * The five packed blocks, row-major:
 *   0  W₁ᵀ with b₁ as last column          [H, D+1]
 *   1  W_e = [W_μ | W_logσ²]                [H, 2L]
 *   2  b_e = [b_μ | b_logσ²]                [2L]
 *   3  W_d1ᵀ with b_d1 as last column       [H, L+1]
 *   4  W_d2ᵀ with b_d2 as last column       [D, H+1]
 */
export function packVaeWeights(c: VaeConfig, w: VaeWeightArrays): Float32Array[] {
  const { inputDim: D, hiddenDim: H, latentDim: L } = c;
  const w1t = new Float32Array(H * (D + 1));
  for (let r = 0; r < H; r++) {
    for (let j = 0; j < D; j++) w1t[r * (D + 1) + j] = w["enc.w1"][j * H + r];
    w1t[r * (D + 1) + D] = w["enc.b1"][r];
  }
  const we = new Float32Array(H * 2 * L);
  for (let r = 0; r < H; r++) {
    for (let d = 0; d < L; d++) {
      we[r * 2 * L + d] = w["enc.wMu"][r * L + d];
      we[r * 2 * L + L + d] = w["enc.wLogVar"][r * L + d];
    }
  }
  const be = new Float32Array(2 * L);
  be.set(w["enc.bMu"], 0);
  be.set(w["enc.bLogVar"], L);
  const wd1t = new Float32Array(H * (L + 1));
  for (let r = 0; r < H; r++) {
    for (let d = 0; d < L; d++) wd1t[r * (L + 1) + d] = w["dec.w1"][d * H + r];
    wd1t[r * (L + 1) + L] = w["dec.b1"][r];
  }
  const wd2t = new Float32Array(D * (H + 1));
  for (let j = 0; j < D; j++) {
    for (let r = 0; r < H; r++) wd2t[j * (H + 1) + r] = w["dec.w2"][r * D + j];
    wd2t[j * (H + 1) + H] = w["dec.b2"][j];
  }
  return [w1t, we, be, wd1t, wd2t];
}

/** The inverse of `packVaeWeights`. */
export function unpackVaeWeights(c: VaeConfig, p: Float32Array[]): VaeWeightArrays {
  const { inputDim: D, hiddenDim: H, latentDim: L } = c;
  const [w1t, we, be, wd1t, wd2t] = p;
  const out = {
    "enc.w1": new Float32Array(D * H), "enc.b1": new Float32Array(H),
    "enc.wMu": new Float32Array(H * L), "enc.bMu": be.slice(0, L),
    "enc.wLogVar": new Float32Array(H * L), "enc.bLogVar": be.slice(L, 2 * L),
    "dec.w1": new Float32Array(L * H), "dec.b1": new Float32Array(H),
    "dec.w2": new Float32Array(H * D), "dec.b2": new Float32Array(D),
  } satisfies VaeWeightArrays;
  for (let r = 0; r < H; r++) {
    for (let j = 0; j < D; j++) out["enc.w1"][j * H + r] = w1t[r * (D + 1) + j];
    out["enc.b1"][r] = w1t[r * (D + 1) + D];
    for (let d = 0; d < L; d++) {
      out["enc.wMu"][r * L + d] = we[r * 2 * L + d];
      out["enc.wLogVar"][r * L + d] = we[r * 2 * L + L + d];
      out["dec.w1"][d * H + r] = wd1t[r * (L + 1) + d];
    }
    out["dec.b1"][r] = wd1t[r * (L + 1) + L];
  }
  for (let j = 0; j < D; j++) {
    for (let r = 0; r < H; r++) out["dec.w2"][r * D + j] = wd2t[j * (H + 1) + r];
    out["dec.b2"][j] = wd2t[j * (H + 1) + H];
  }
  return out;
}

/** [rows, cols] row-major → [cols, rows] (small matrices). */
function transposeArray(a: Float32Array, rows: number, cols: number, usedCols = cols): Float32Array {
  const out = new Float32Array(usedCols * rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < usedCols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

/** The tensors and arrays one forward/backward pass reads (the current weights). */
interface StepWeights {
  w1t: tf.Tensor2D; // [H, D+1]
  we: tf.Tensor2D; // [H, 2L]
  weT: tf.Tensor2D; // [2L, H]
  be: Float32Array; // [2L]
  wd1t: tf.Tensor2D; // [H, L+1]
  wd1: tf.Tensor2D; // [L, H]
  wd2t: tf.Tensor2D; // [D, H+1]
}

/** A batch: x with a column of ones [B, D+1], its transpose with a row of ones [D+1, B], and ε [B, L]. */
interface StepBatch {
  B: number;
  xa: Float32Array;
  xta: Float32Array;
  eps: Float32Array;
}

/** Gradients of the summed objective J in the packed layout (block 2 in JS), and Σ_b rec, Σ_b KL. */
interface StepResult {
  grads: [tf.Tensor, tf.Tensor, Float32Array, tf.Tensor, tf.Tensor];
  recSum: number;
  klSum: number;
}

/**
 * One forward and backward pass (see the module comment). Call it inside `tf.tidy`: every
 * tensor it makes, gradients included, belongs to the caller's scope.
 */
function forwardBackward(c: VaeConfig, p: StepWeights, batch: StepBatch, heap: WasmHeap | null): StepResult {
  const { inputDim: D, hiddenDim: H, latentDim: L } = c;
  const { B, xa, xta, eps } = batch;
  const L2 = 2 * L;

  // Encoder, feature-major: h₁ᵀ = relu(W₁ᵀ·xᵀ + b₁), eᵀ = W_eᵀ·h₁ᵀ (+ b_e below, in JS).
  const xT = tf.tensor2d(xta, [D + 1, B]);
  const h1T = tf.relu(tf.matMul(p.w1t, xT));
  const eT = tf.matMul(p.weT, h1T);

  // Latent, in JS: μ, log σ², z = μ + σ·ε and the KL, on 2·L·B numbers.
  const mu = new Float64Array(B * L);
  const std = new Float64Array(B * L);
  const zta = new Float32Array((L + 1) * B); // zᵀ with a row of ones, [L+1, B]
  const za = new Float32Array(B * (L + 1)); // z with a column of ones, [B, L+1]
  let klSum = 0;
  {
    const ev = readFloat32(eT, heap);
    for (let d = 0; d < L; d++) {
      const bMu = p.be[d], bLv = p.be[L + d];
      for (let b = 0; b < B; b++) {
        const m = ev[d * B + b] + bMu;
        const lv = ev[(L + d) * B + b] + bLv;
        const s = Math.exp(0.5 * lv);
        const k = b * L + d;
        mu[k] = m;
        std[k] = s;
        const z = m + s * eps[k];
        zta[d * B + b] = z;
        za[b * (L + 1) + d] = z;
        klSum += 0.5 * (m * m + s * s - lv - 1);
      }
    }
    for (let b = 0; b < B; b++) {
      zta[L * B + b] = 1;
      za[b * (L + 1) + L] = 1;
    }
  }

  // Decoder: h₂ᵀ = relu(W_d1ᵀ·zᵀ + b_d1), logitsᵀ = W_d2ᵀ·h₂ᵀ + b_d2, s = sigmoid(logits).
  const h2T = tf.relu(tf.matMul(p.wd1t, tf.tensor2d(zta, [L + 1, B])));
  const h2Ta = tf.concat([h2T, tf.tensor2d(new Float32Array(B).fill(1), [1, B])], 0); // [H+1, B]
  const lT = tf.matMul(p.wd2t, h2Ta); // [D, B]
  const sT = tf.sigmoid(lT);

  // ∂J/∂lᵀ = s − x, and Σ_b log p(x_b|z_b) = Σ x·l − relu(l) + log max(s, 1 − s) in float64.
  let dlT: tf.Tensor;
  let recSum = 0;
  const kernels = heap ? wasmKernels(heap.memory) : null;
  if (heap && kernels) {
    const n = D * B;
    const chunks = Math.floor(n / BERNOULLI_CHUNK) + 1;
    dlT = heap.empty([D, B]);
    const prods = heap.malloc(8 * chunks);
    // xᵀ is the first D·B values of the [D+1, B] tensor.
    recSum = kernels.bernoulli(heap.offset(lT), heap.offset(sT), heap.offset(xT), heap.offset(dlT), n, prods);
    for (const p of new Float64Array(heap.f32().buffer, prods, chunks)) recSum += Math.log(p);
    heap.free(prods);
  } else {
    dlT = tf.sub(sT, tf.slice(xT, [0, 0], [D, B]));
    const lv = readFloat32(lT, heap);
    const sv = readFloat32(sT, heap);
    const n = D * B;
    let prod = 1;
    for (let j = 0; j < n; ) {
      const end = Math.min(n, j + BERNOULLI_CHUNK);
      for (; j < end; j++) {
        const l = lv[j], s = sv[j];
        recSum += xta[j] * l - Math.max(l, 0);
        prod *= Math.max(s, 1 - s);
      }
      recSum += Math.log(prod);
      prod = 1;
    }
  }

  // Decoder backward.
  const gWd2t = tf.matMul(dlT, tf.transpose(h2Ta)); // [D, H+1] = ∂lᵀ·[h₂, 1]
  const wd2 = tf.slice(tf.transpose(p.wd2t), [0, 0], [H, D]); // [H, D]
  const da2T = tf.mul(tf.matMul(wd2, dlT), tf.step(h2T)); // [H, B]
  const gWd1t = tf.matMul(da2T, tf.tensor2d(za, [B, L + 1])); // [H, L+1]
  const dzT = tf.matMul(p.wd1, da2T); // [L, B]

  // Latent backward, in JS: ∂J/∂μ = ∂z + μ, ∂J/∂log σ² = ½(∂z·ε·σ + σ² − 1).
  const dE = new Float32Array(B * L2); // [B, 2L]
  const dET = new Float32Array(L2 * B); // [2L, B]
  const gBe = new Float32Array(L2);
  {
    const dzv = readFloat32(dzT, heap);
    for (let d = 0; d < L; d++) {
      let sMu = 0, sLv = 0;
      for (let b = 0; b < B; b++) {
        const k = b * L + d;
        const dz = dzv[d * B + b];
        const s = std[k];
        const dMu = dz + mu[k];
        const dLv = 0.5 * (dz * eps[k] * s + s * s - 1);
        dE[b * L2 + d] = dMu;
        dE[b * L2 + L + d] = dLv;
        dET[d * B + b] = dMu;
        dET[(L + d) * B + b] = dLv;
        sMu += dMu;
        sLv += dLv;
      }
      gBe[d] = sMu;
      gBe[L + d] = sLv;
    }
  }

  // Encoder backward.
  const gWe = tf.matMul(h1T, tf.tensor2d(dE, [B, L2])); // [H, 2L]
  const da1T = tf.mul(tf.matMul(p.we, tf.tensor2d(dET, [L2, B])), tf.step(h1T)); // [H, B]
  const gW1t = tf.matMul(da1T, tf.tensor2d(xa, [B, D + 1])); // [H, D+1]
  return { grads: [gW1t, gWe, gBe, gWd1t, gWd2t], recSum, klSum };
}

/** Nonzero pixels of every image (index and value), so a batch is assembled in O(nonzeros). */
interface SparseImages {
  start: Int32Array; // image i's entries are [start[i], start[i+1])
  index: Int32Array;
  value: Float32Array;
}

function sparseImages(set: DigitSet, D: number): SparseImages {
  let nnz = 0;
  for (let k = 0; k < set.n * D; k++) if (set.x[k] !== 0) nnz++;
  const start = new Int32Array(set.n + 1);
  const index = new Int32Array(nnz);
  const value = new Float32Array(nnz);
  let at = 0;
  for (let i = 0; i < set.n; i++) {
    start[i] = at;
    for (let j = 0; j < D; j++) {
      const v = set.x[i * D + j];
      if (v !== 0) {
        index[at] = j;
        value[at++] = v;
      }
    }
  }
  start[set.n] = at;
  return { start, index, value };
}

/**
 * x with a column of ones [B, D+1] and xᵀ with a row of ones [D+1, B] for the images `rows`.
 * Pass the arrays of the previous call as `reuse` to fill them again instead of allocating
 * (tensors made from them hold their own copy).
 */
function assembleBatch(sp: SparseImages, rows: ArrayLike<number>, D: number, reuse?: { xa: Float32Array; xta: Float32Array }): { xa: Float32Array; xta: Float32Array } {
  const B = rows.length;
  let xa: Float32Array, xta: Float32Array;
  if (reuse && reuse.xa.length === B * (D + 1)) {
    xa = reuse.xa.fill(0);
    xta = reuse.xta.fill(0);
  } else {
    xa = new Float32Array(B * (D + 1));
    xta = new Float32Array((D + 1) * B);
  }
  for (let b = 0; b < B; b++) {
    const i = rows[b];
    for (let k = sp.start[i]; k < sp.start[i + 1]; k++) {
      const j = sp.index[k], v = sp.value[k];
      xa[b * (D + 1) + j] = v;
      xta[j * B + b] = v;
    }
    xa[b * (D + 1) + D] = 1;
    xta[D * B + b] = 1;
  }
  return { xa, xta };
}

function drawEps(B: number, L: number, seed: number): Float32Array {
  // Not inside tf.tidy: tidy would walk every element of a returned typed array.
  const t = tf.randomNormal([B, L], 0, 1, "float32", seed);
  const eps = Float32Array.from(t.dataSync() as Float32Array);
  t.dispose();
  return eps;
}

function canonicalWeights(vae: Vae): VaeWeightArrays {
  const out = {} as VaeWeightArrays;
  for (const [name, v] of Object.entries(vae.weights) as [VaeWeightName, tf.Variable][]) out[name] = Float32Array.from(v.dataSync() as Float32Array);
  return out;
}

/** The step's weight tensors from packed blocks (`tensor(i, shape)` makes block i a tensor, `read(i)` copies it). */
function stepWeights(c: VaeConfig, tensor: (i: number, shape: number[]) => tf.Tensor, read: (i: number) => Float32Array): StepWeights {
  const { inputDim: D, hiddenDim: H, latentDim: L } = c;
  const we = read(1);
  const wd1t = read(3);
  return {
    w1t: tensor(0, [H, D + 1]) as tf.Tensor2D,
    we: tf.tensor2d(we, [H, 2 * L]),
    weT: tf.tensor2d(transposeArray(we, H, 2 * L), [2 * L, H]),
    be: read(2),
    wd1t: tf.tensor2d(wd1t, [H, L + 1]),
    wd1: tf.tensor2d(transposeArray(wd1t, H, L + 1, L), [L, H]),
    wd2t: tensor(4, [D, H + 1]) as tf.Tensor2D,
  };
}

/**
 * Gradients of the batch's mean loss mean_b(KL_b − rec_b) with respect to every weight
 * (canonical layout), and the mean rec and KL, from the hand-derived backward pass — the same
 * code the trainer runs. For checking it against autodiff.
 */
export function vaeAnalyticGradients(vae: Vae, x: Float32Array, epsSeed: number): { grads: VaeWeightArrays; rec: number; kl: number } {
  const c = vae.config;
  const B = x.length / c.inputDim;
  const blocks = packVaeWeights(c, canonicalWeights(vae));
  const sp = sparseImages({ x, n: B, labels: new Int32Array(B), indices: new Int32Array(B) }, c.inputDim);
  const rows = Int32Array.from({ length: B }, (_, i) => i);
  const { xa, xta } = assembleBatch(sp, rows, c.inputDim);
  const eps = drawEps(B, c.latentDim, epsSeed);
  let packed: Float32Array[] = [];
  let rec = NaN, kl = NaN;
  tf.tidy(() => {
    const p = stepWeights(c, (i, shape) => tf.tensor(blocks[i], shape), (i) => blocks[i].slice());
    const r = forwardBackward(c, p, { B, xa, xta, eps }, wasmHeap());
    packed = r.grads.map((g) => {
      const a = Float32Array.from(g instanceof Float32Array ? g : (g.dataSync() as Float32Array));
      for (let i = 0; i < a.length; i++) a[i] /= B;
      return a;
    });
    rec = r.recSum / B;
    kl = r.klSum / B;
  });
  return { grads: unpackVaeWeights(c, packed), rec, kl };
}

/**
 * A trainer with the hand-derived gradient and packed Adam (learning rate `learningRate`,
 * default 1e-3; tfjs's defaults otherwise). The VAE's variables are updated by `syncWeights()`
 * (trainVae calls it after every epoch), not after every step.
 */
export function createAnalyticVaeTrainer(
  vae: Vae,
  train: DigitSet,
  options: { learningRate?: number; useWasm?: boolean } = {},
): VaeTrainer {
  const c = vae.config;
  const { inputDim: D, latentDim: L } = c;
  const adam = new PackedAdam(packVaeWeights(c, canonicalWeights(vae)), {
    learningRate: options.learningRate ?? 1e-3,
    useWasm: options.useWasm,
  });
  const sp = sparseImages(train, D);
  const timing: VaeTrainerTiming = { steps: 0, gradientMs: 0, updateMs: 0, readMs: 0 };
  let dirty = false;
  let batchArrays: { xa: Float32Array; xta: Float32Array } | undefined;
  return {
    timing,
    step(rows: Int32Array, epsSeed: number): { rec: number; kl: number } {
      const t0 = performance.now();
      const B = rows.length;
      const { xa, xta } = (batchArrays = assembleBatch(sp, rows, D, batchArrays));
      const eps = drawEps(B, L, epsSeed);
      const heap = wasmHeap();
      let t1 = t0;
      let recSum = NaN, klSum = NaN;
      tf.tidy(() => {
        const p = stepWeights(c, (i, shape) => adam.tensor(i, shape), (i) => adam.read(i));
        const r = forwardBackward(c, p, { B, xa, xta, eps }, heap);
        t1 = performance.now();
        adam.step(r.grads, 1 / B);
        recSum = r.recSum;
        klSum = r.klSum;
      });
      dirty = true;
      const t2 = performance.now();
      timing.steps++;
      timing.gradientMs += t1 - t0;
      timing.updateMs += t2 - t1;
      return { rec: recSum / B, kl: klSum / B };
    },
    syncWeights(): void {
      if (!dirty) return;
      const w = unpackVaeWeights(c, [0, 1, 2, 3, 4].map((i) => adam.read(i)));
      for (const [name, v] of Object.entries(vae.weights) as [VaeWeightName, tf.Variable][]) {
        const t = tf.tensor(w[name], v.shape, "float32");
        v.assign(t);
        t.dispose();
      }
      dirty = false;
    },
    dispose: () => adam.dispose(),
  };
}
