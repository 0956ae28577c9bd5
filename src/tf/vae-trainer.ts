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
 *    input, so their gradients come out of the weight-gradient products too. xᵀ and the latent
 *    z are built in JS with that row; h₂ᵀ gets it from one more row (0, …, 0, 1) of W_d1ᵀ, whose
 *    ReLU output is 1 (no concat kernel), and ∂h₂ᵀ keeps the matching extra row rather than
 *    being sliced.
 *  - The first layer sees only the pixels that are not zero in every image of the batch (about
 *    490 of 784 for MNIST batches of 128; `skipZeroPixels`): exact, and it shrinks the two
 *    784-wide products of that layer by about 38 %. W₁ᵀ's active columns are gathered before
 *    the product and its gradient scattered back after it (`wasm-kernels.ts`).
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

/** [rows, cols] row-major → [usedCols, rows], keeping columns < usedCols (small matrices). */
function transposeArray(a: Float32Array, rows: number, cols: number, usedCols = cols): Float32Array {
  const out = new Float32Array(usedCols * rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < usedCols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

/** The tensors and arrays one forward/backward pass reads (the current weights). */
interface StepWeights {
  /** W₁ᵀ with b₁ as last column, only the columns of the batch's active pixels and b₁: [H, k]. */
  w1t: tf.Tensor2D;
  we: tf.Tensor2D; // [H, 2L]
  weT: tf.Tensor2D; // [2L, H]
  be: Float32Array; // [2L]
  /** W_d1ᵀ with b_d1 as last column, and one more row (0, …, 0, 1) that makes h₂'s ones row: [H+1, L+1]. */
  wd1ext: tf.Tensor2D;
  /** W_d1 with a zero last column: [L, H+1]. */
  wd1pad: tf.Tensor2D;
  wd2t: tf.Tensor2D; // [D, H+1]
}

/**
 * A batch of B images restricted to its k − 1 active pixels (those not zero in every image)
 * plus a constant 1 for the bias: x [B, k] and xᵀ [k, B]; the full xᵀ [D, B] for the loss;
 * ε [B, L].
 */
interface StepBatch {
  B: number;
  /** Active pixel indices in increasing order, then D (the bias input): length k. */
  active: Int32Array;
  xs: Float32Array;
  xTs: Float32Array;
  xT: Float32Array;
  eps: Float32Array;
}

/**
 * Gradients of the summed objective J: block 0 only at the active columns ([H, k], to be
 * scattered), blocks 1, 3, 4 as tensors in the packed layout, block 2 in JS; Σ_b rec, Σ_b KL.
 */
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
  const { B, xs, xTs, xT, eps } = batch;
  const k = batch.active.length;
  const L2 = 2 * L;

  // Encoder, feature-major: h₁ᵀ = relu(W₁ᵀ·xᵀ + b₁) over the active pixels, eᵀ = W_eᵀ·h₁ᵀ (+ b_e below, in JS).
  const h1T = tf.relu(tf.matMul(p.w1t, tf.tensor2d(xTs, [k, B])));
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
        const i = b * L + d;
        mu[i] = m;
        std[i] = s;
        const z = m + s * eps[i];
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

  // Decoder: h₂ᵀ (with its ones row, [H+1, B]) = relu(W_d1ext·zᵀ), logitsᵀ = W_d2ᵀ·h₂ᵀ + b_d2, s = sigmoid(logits).
  const h2T = tf.relu(tf.matMul(p.wd1ext, tf.tensor2d(zta, [L + 1, B])));
  const lT = tf.matMul(p.wd2t, h2T); // [D, B]
  const sT = tf.sigmoid(lT);

  // ∂J/∂lᵀ = s − x, and Σ_b log p(x_b|z_b) = Σ x·l − relu(l) + log max(s, 1 − s) in float64.
  let dlT: tf.Tensor;
  let recSum = 0;
  const kernels = heap ? wasmKernels(heap.memory) : null;
  if (heap && kernels) {
    const n = D * B;
    const chunks = Math.floor(n / BERNOULLI_CHUNK) + 1;
    const xTt = tf.tensor2d(xT, [D, B]);
    dlT = heap.empty([D, B]);
    const prods = heap.malloc(8 * chunks);
    recSum = kernels.bernoulli(heap.offset(lT), heap.offset(sT), heap.offset(xTt), heap.offset(dlT), n, prods);
    for (const q of new Float64Array(heap.f32().buffer, prods, chunks)) recSum += Math.log(q);
    heap.free(prods);
  } else {
    dlT = tf.sub(sT, tf.tensor2d(xT, [D, B]));
    const lv = readFloat32(lT, heap);
    const sv = readFloat32(sT, heap);
    const n = D * B;
    let prod = 1;
    for (let j = 0; j < n; ) {
      const end = Math.min(n, j + BERNOULLI_CHUNK);
      for (; j < end; j++) {
        const l = lv[j], s = sv[j];
        recSum += xT[j] * l - Math.max(l, 0);
        prod *= Math.max(s, 1 - s);
      }
      recSum += Math.log(prod);
      prod = 1;
    }
  }

  // Decoder backward. Row H of ∂h₂ᵀ (the ones row's "gradient", b_d2·∂lᵀ) is computed and
  // carried along rather than sliced off: it meets only W_d1pad's zero column and the extra
  // row of ∂W_d1ext, which is dropped.
  const gWd2t = tf.matMul(dlT, tf.transpose(h2T)); // [D, H+1] = ∂lᵀ·[h₂, 1]
  const da2T = tf.mul(tf.matMul(tf.transpose(p.wd2t), dlT), tf.step(h2T)); // [H+1, B]
  const gWd1t = tf.slice(tf.matMul(da2T, tf.tensor2d(za, [B, L + 1])), [0, 0], [H, L + 1]); // [H, L+1]
  const dzT = tf.matMul(p.wd1pad, da2T); // [L, B]

  // Latent backward, in JS: ∂J/∂μ = ∂z + μ, ∂J/∂log σ² = ½(∂z·ε·σ + σ² − 1).
  const dE = new Float32Array(B * L2); // [B, 2L]
  const dET = new Float32Array(L2 * B); // [2L, B]
  const gBe = new Float32Array(L2);
  {
    const dzv = readFloat32(dzT, heap);
    for (let d = 0; d < L; d++) {
      let sMu = 0, sLv = 0;
      for (let b = 0; b < B; b++) {
        const i = b * L + d;
        const dz = dzv[d * B + b];
        const s = std[i];
        const dMu = dz + mu[i];
        const dLv = 0.5 * (dz * eps[i] * s + s * s - 1);
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

  // Encoder backward (W₁ only at the active columns: the others multiply zeros).
  const gWe = tf.matMul(h1T, tf.tensor2d(dE, [B, L2])); // [H, 2L]
  const da1T = tf.mul(tf.matMul(p.we, tf.tensor2d(dET, [L2, B])), tf.step(h1T)); // [H, B]
  const gW1ts = tf.matMul(da1T, tf.tensor2d(xs, [B, k])); // [H, k]
  return { grads: [gW1ts, gWe, gBe, gWd1t, gWd2t], recSum, klSum };
}

/** Nonzero pixels of every image (index and value), so a batch is assembled in O(nonzeros). */
interface SparseImages {
  start: Int32Array; // image i's entries are [start[i], start[i+1])
  index: Int32Array;
  value: Float32Array;
}

function sparseImages(set: DigitSet, D: number): SparseImages {
  let nnz = 0;
  for (let i = 0; i < set.n * D; i++) if (set.x[i] !== 0) nnz++;
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

/** Work arrays of `assembleBatch`, reused across steps (tensors made from them copy them). */
interface BatchArrays {
  pos: Int32Array;
  xs: Float32Array;
  xTs: Float32Array;
  xT: Float32Array;
}

/**
 * The batch of images `rows`. With `skipZeroPixels`, the first layer sees only the pixels that
 * are not zero in every image of the batch (about 490 of 784 for MNIST batches of 128): the
 * others contribute exactly nothing to x·W₁ and get exactly zero gradient, so dropping them
 * changes no number but the order of some float32 sums. `work` holds reusable arrays (made
 * larger when needed).
 */
function assembleBatch(sp: SparseImages, rows: ArrayLike<number>, D: number, eps: Float32Array, skipZeroPixels: boolean, work: Partial<BatchArrays> = {}): StepBatch {
  const B = rows.length;
  const size = B * (D + 1);
  if (!work.pos || work.pos.length < D + 1) work.pos = new Int32Array(D + 1);
  if (!work.xs || work.xs.length < size) {
    work.xs = new Float32Array(size);
    work.xTs = new Float32Array(size);
    work.xT = new Float32Array(size);
  }
  // Active pixels: marked by any image of the batch, then numbered in increasing order.
  const pos = work.pos.fill(-1, 0, D + 1);
  let k = 0;
  if (skipZeroPixels) {
    for (let b = 0; b < B; b++) for (let q = sp.start[rows[b]]; q < sp.start[rows[b] + 1]; q++) pos[sp.index[q]] = 0;
    for (let j = 0; j < D; j++) if (pos[j] === 0) pos[j] = k++;
  } else {
    for (let j = 0; j < D; j++) pos[j] = k++;
  }
  pos[D] = k++;
  const active = new Int32Array(k);
  for (let j = 0; j <= D; j++) if (pos[j] >= 0) active[pos[j]] = j;
  const xs = work.xs.subarray(0, B * k).fill(0);
  const xTs = work.xTs!.subarray(0, k * B).fill(0);
  const xT = work.xT!.subarray(0, D * B).fill(0);
  for (let b = 0; b < B; b++) {
    const i = rows[b];
    for (let q = sp.start[i]; q < sp.start[i + 1]; q++) {
      const j = sp.index[q], v = sp.value[q], t = pos[j];
      xs[b * k + t] = v;
      xTs[t * B + b] = v;
      xT[j * B + b] = v;
    }
    xs[b * k + k - 1] = 1;
    xTs[(k - 1) * B + b] = 1;
  }
  return { B, active, xs, xTs, xT, eps };
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

/** The small weight tensors of a step, built in JS from blocks 1–3. */
function smallWeights(c: VaeConfig, we: Float32Array, be: Float32Array, wd1t: Float32Array): Omit<StepWeights, "w1t" | "wd2t"> {
  const { hiddenDim: H, latentDim: L } = c;
  const ext = new Float32Array((H + 1) * (L + 1));
  ext.set(wd1t);
  ext[H * (L + 1) + L] = 1;
  return {
    we: tf.tensor2d(we, [H, 2 * L]),
    weT: tf.tensor2d(transposeArray(we, H, 2 * L), [2 * L, H]),
    be,
    wd1ext: tf.tensor2d(ext, [H + 1, L + 1]),
    wd1pad: tf.tensor2d(transposeArray(ext, H + 1, L + 1, L), [L, H + 1]),
  };
}

/** JS column gather/scatter for the paths without the wasm kernels. */
function gatherColsJs(src: Float32Array, rows: number, cols: number, idx: Int32Array): Float32Array {
  const k = idx.length;
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) for (let t = 0; t < k; t++) out[r * k + t] = src[r * cols + idx[t]];
  return out;
}

function scatterColsJs(src: ArrayLike<number>, rows: number, cols: number, idx: Int32Array): Float32Array {
  const k = idx.length;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let t = 0; t < k; t++) out[r * cols + idx[t]] = src[r * k + t];
  return out;
}

/**
 * Gradients of the batch's mean loss mean_b(KL_b − rec_b) with respect to every weight
 * (canonical layout), and the mean rec and KL, from the hand-derived backward pass — the same
 * code the trainer runs. For checking it against autodiff.
 */
export function vaeAnalyticGradients(
  vae: Vae,
  x: Float32Array,
  epsSeed: number,
  options: { skipZeroPixels?: boolean } = {},
): { grads: VaeWeightArrays; rec: number; kl: number } {
  const c = vae.config;
  const { inputDim: D, hiddenDim: H, latentDim: L } = c;
  const B = x.length / D;
  const blocks = packVaeWeights(c, canonicalWeights(vae));
  const sp = sparseImages({ x, n: B, labels: new Int32Array(B), indices: new Int32Array(B) }, D);
  const batch = assembleBatch(sp, Int32Array.from({ length: B }, (_, i) => i), D, drawEps(B, L, epsSeed), options.skipZeroPixels ?? true);
  let packed: Float32Array[] = [];
  let rec = NaN, kl = NaN;
  tf.tidy(() => {
    const p: StepWeights = {
      ...smallWeights(c, blocks[1], blocks[2], blocks[3]),
      w1t: tf.tensor2d(gatherColsJs(blocks[0], H, D + 1, batch.active), [H, batch.active.length]),
      wd2t: tf.tensor2d(blocks[4], [D, H + 1]),
    };
    const r = forwardBackward(c, p, batch, wasmHeap());
    packed = r.grads.map((g, i) => {
      const v = g instanceof Float32Array ? g : (g.dataSync() as Float32Array);
      const a = i === 0 ? scatterColsJs(v, H, D + 1, batch.active) : Float32Array.from(v);
      for (let j = 0; j < a.length; j++) a[j] /= B;
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
 * (trainVae calls it after every epoch), not after every step. `skipZeroPixels` (default true):
 * see `assembleBatch`.
 */
export function createAnalyticVaeTrainer(
  vae: Vae,
  train: DigitSet,
  options: { learningRate?: number; useWasm?: boolean; skipZeroPixels?: boolean } = {},
): VaeTrainer {
  const c = vae.config;
  const { inputDim: D, hiddenDim: H, latentDim: L } = c;
  const skipZeroPixels = options.skipZeroPixels ?? true;
  const adam = new PackedAdam(packVaeWeights(c, canonicalWeights(vae)), {
    learningRate: options.learningRate ?? 1e-3,
    useWasm: options.useWasm,
  });
  const heap = adam.usesWasm ? wasmHeap() : null;
  const kernels = heap ? wasmKernels(heap.memory) : null;
  // The active-column indices of a batch, on the heap for gatherCols/scatterCols.
  const idxPtr = heap ? heap.malloc(4 * (D + 1)) : 0;
  const sp = sparseImages(train, D);
  const timing: VaeTrainerTiming = { steps: 0, gradientMs: 0, updateMs: 0, readMs: 0 };
  let dirty = false;
  let disposed = false;
  const work: Partial<BatchArrays> = {};
  return {
    timing,
    step(rows: Int32Array, epsSeed: number): { rec: number; kl: number } {
      if (disposed) throw new Error("VaeTrainer: used after dispose()");
      const t0 = performance.now();
      const B = rows.length;
      const batch = assembleBatch(sp, rows, D, drawEps(B, L, epsSeed), skipZeroPixels, work);
      const k = batch.active.length;
      const readHeap = wasmHeap();
      let t1 = t0;
      let recSum = NaN, klSum = NaN;
      tf.tidy(() => {
        let w1t: tf.Tensor2D;
        if (heap && kernels) {
          new Int32Array(heap.f32().buffer, idxPtr, k).set(batch.active);
          w1t = heap.empty([H, k]) as tf.Tensor2D;
          kernels.gatherCols(adam.heapOffset(0)!, heap.offset(w1t), H, D + 1, idxPtr, k);
        } else {
          w1t = tf.tensor2d(gatherColsJs(adam.read(0), H, D + 1, batch.active), [H, k]);
        }
        const p: StepWeights = { ...smallWeights(c, adam.read(1), adam.read(2), adam.read(3)), w1t, wd2t: adam.tensor(4, [D, H + 1]) as tf.Tensor2D };
        const r = forwardBackward(c, p, batch, readHeap);
        let g0: tf.Tensor | Float32Array;
        if (heap && kernels) {
          const full = heap.empty([H, D + 1]);
          const off = heap.offset(full);
          heap.f32().fill(0, off / 4, off / 4 + H * (D + 1));
          kernels.scatterCols(heap.offset(r.grads[0] as tf.Tensor), off, H, D + 1, idxPtr, k);
          g0 = full;
        } else {
          g0 = scatterColsJs((r.grads[0] as tf.Tensor).dataSync(), H, D + 1, batch.active);
        }
        t1 = performance.now();
        adam.step([g0, r.grads[1], r.grads[2], r.grads[3], r.grads[4]], 1 / B);
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
    dispose(): void {
      if (disposed) return;
      disposed = true;
      if (heap) heap.free(idxPtr);
      adam.dispose();
    },
  };
}
