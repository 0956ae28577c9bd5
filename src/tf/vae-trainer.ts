/**
 * The VAE's training step with a hand-derived gradient: a forward and a backward pass written
 * out kernel by kernel, laid out so that every large matrix product is the one fast case of
 * tfjs's wasm backend, and Adam on packed parameter blocks (`adam.ts`).
 *
 * Objective of a batch of B images, summed (the update divides by B, so it is the mean):
 *   J = Σ_b [β·KL(q(z|x_b) ‖ N(0, I)) − log p(x_b|z_b)],  z_b = μ_b + σ_b·ε_b,
 * with the KL weight β = 1 (the ELBO) unless a step is given another (KL warm-up, β-VAE),
 *   log p(x|z) = Σ_j x_j·l_j − softplus(l_j),  KL = ½ Σ_d (μ_d² + σ_d² − log σ_d² − 1).
 * Its gradient, by the chain rule (s = sigmoid(l), ⊙ = element-wise product, 1[·] the ReLU mask):
 *   ∂J/∂l = s − x
 *   ∂J/∂h₂ = W_d2 ∂J/∂l,            ∂J/∂W_d2 = h₂ ∂J/∂lᵀ,         ∂J/∂b_d2 = Σ_b ∂J/∂l
 *   ∂J/∂a₂ = ∂J/∂h₂ ⊙ 1[h₂ > 0]       (a₂ = h₂ before the ReLU)
 *   ∂J/∂z = W_d1 ∂J/∂a₂,             ∂J/∂W_d1, ∂J/∂b_d1 likewise
 *   ∂J/∂μ = ∂J/∂z + β·μ,   ∂J/∂log σ² = ½(∂J/∂z·ε·σ + β·(σ² − 1))
 *   ∂J/∂h₁ = W_e ∂J/∂e,  ∂J/∂a₁ = ∂J/∂h₁ ⊙ 1[h₁ > 0],  ∂J/∂W₁ = x ∂J/∂a₁ᵀ   (e = [μ, log σ²])
 * (no gradient for the data x). It is checked against tfjs's autodiff of the same loss in
 * `vae-trainer.test.ts`.
 *
 * Why this layout (measured on the wasm backend; see bench/VAE-PROFILE.md):
 *  - XNNPACK computes C = A·B fast only without transpose flags, and it repacks B every time
 *    B is a new tensor (1.1 ms for a 784×400 weight, more than a third of the product). So in
 *    the decoder the weight is always the A operand and activations are feature-major,
 *    [features × B]: logitsᵀ = W_d2ᵀ·h₂ᵀ, ∂h₂ᵀ = W_d2·∂lᵀ, ∂W_d2ᵀ = ∂lᵀ·h₂.
 *  - The first layer is a sparse product: binary MNIST images have ~104 of 784 pixels set, so
 *    h₁ = relu(x·W₁ + b₁) is, per image, the sum of ~105 rows of [W₁; b₁], and ∂[W₁; b₁] adds
 *    each image's ∂a₁ row into the rows of its set pixels (a SIMD kernel of `wasm-fast-path.ts`,
 *    ~0.5 ms each way instead of two 50–80 MFLOP dense products). Exact: the skipped terms are
 *    products with 0. The encoder is batch-major ([B × features]) to match.
 *    `firstLayer: "dense"` computes the same layer as a dense implementation (PyTorch's
 *    `nn.Linear`) does, for like-for-like benchmarks: h₁ᵀ = relu(W₁extᵀ·x_extᵀ) over the whole
 *    [D+1, B] batch (x with its ones row; W₁extᵀ by the SIMD transpose, so the weight is the A
 *    operand) and ∂W₁ext = x_extᵀ·∂a₁, two ~80 MFLOP products (`firstLayerDense`).
 *  - Biases ride in the products: b₁ as an extra row of W₁ hit by a constant pixel 1; in the
 *    decoder as an extra weight column and a row of ones in the input, so their gradients come
 *    out of the weight-gradient products too. z is built in JS with that row; h₂ᵀ gets it from
 *    one more row (0, …, 0, 1) of W_d1ᵀ, whose ReLU output is 1 (no concat kernel), and ∂h₂ᵀ
 *    keeps the matching extra row rather than being sliced.
 *  - The 20-dimensional latent part (reparameterisation, KL and their gradients, 2560 numbers)
 *    is a JS loop over the kernel's output (read by `dataSync`): a dozen tiny kernels
 *    cost more than the arithmetic.
 *  - The reconstruction term is summed from the logits l and s = sigmoid(l) that the gradient
 *    needs anyway, without a softplus kernel (1.5 ms on wasm): softplus(l) = relu(l) −
 *    log sigmoid(|l|) and sigmoid(|l|) = max(s, 1 − s) ∈ [½, 1], which both s and 1 − s give
 *    accurately where they are the larger; the logs are taken of float64 products of up to 512
 *    such factors (≥ 2⁻⁵¹², far from underflow). On wasm one pass of `wasm-fast-path.ts` does it
 *    and writes s − x; elsewhere a JS loop and a Sub kernel.
 * The VAE's tf.Variables keep their usual layout; `syncWeights` writes the trained weights back.
 */
import * as tf from "@tensorflow/tfjs";
import { PackedAdam } from "./adam";
import type { DigitSet } from "./mnist";
import type { Vae, VaeConfig, VaeWeightName } from "./vae";
import { BERNOULLI_CHUNK, wasmFastPath, type WasmBlock, type WasmFastPath } from "./wasm-fast-path";

/** Milliseconds spent in each phase of the steps taken so far (for profiling). */
export interface VaeTrainerTiming {
  steps: number;
  /** Forward and backward pass, including the loss. */
  gradientMs: number;
  /** The optimizer update (and writing the weights it produces). */
  updateMs: number;
  /** Reading the batch's reconstruction and KL back to JS (where that is a separate phase). */
  readMs: number;
  /** Time inside this project's own WebAssembly kernels, by name (analytic trainer on wasm). */
  ownKernelsMs?: Record<string, number>;
}

/** One Adam step at a time on minibatches of a fixed training set (the inner loop of `trainVae`). */
export interface VaeTrainer {
  /**
   * One step on the images `rows` (indices into the training set), with ε drawn by
   * `tf.randomNormal([rows.length, latentDim], 0, 1, "float32", epsSeed)`, descending the
   * gradient of mean(klWeight·KL − rec) (default klWeight 1: the negative ELBO). Returns the
   * batch's mean reconstruction term and (unweighted) KL (nats per image) before the update.
   */
  step(rows: Int32Array, epsSeed: number, klWeight?: number): { rec: number; kl: number };
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
 *   0  W₁ with b₁ as last row               [D+1, H]
 *   1  W_e = [W_μ | W_logσ²]                [H, 2L]
 *   2  b_e = [b_μ | b_logσ²]                [2L]
 *   3  W_d1ᵀ with b_d1 as last column       [H, L+1]
 *   4  W_d2ᵀ with b_d2 as last column       [D, H+1]
 */
export function packVaeWeights(c: VaeConfig, w: VaeWeightArrays): Float32Array[] {
  const { inputDim: D, hiddenDim: H, latentDim: L } = c;
  const w1 = new Float32Array((D + 1) * H);
  w1.set(w["enc.w1"], 0);
  w1.set(w["enc.b1"], D * H);
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
  return [w1, we, be, wd1t, wd2t];
}

/** The inverse of `packVaeWeights`. */
export function unpackVaeWeights(c: VaeConfig, p: Float32Array[]): VaeWeightArrays {
  const { inputDim: D, hiddenDim: H, latentDim: L } = c;
  const [w1, we, be, wd1t, wd2t] = p;
  const out = {
    "enc.w1": w1.slice(0, D * H), "enc.b1": w1.slice(D * H, (D + 1) * H),
    "enc.wMu": new Float32Array(H * L), "enc.bMu": be.slice(0, L),
    "enc.wLogVar": new Float32Array(H * L), "enc.bLogVar": be.slice(L, 2 * L),
    "dec.w1": new Float32Array(L * H), "dec.b1": new Float32Array(H),
    "dec.w2": new Float32Array(H * D), "dec.b2": new Float32Array(D),
  } satisfies VaeWeightArrays;
  for (let r = 0; r < H; r++) {
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

/** The small weight tensors and arrays one forward/backward pass reads (the current weights). */
interface StepWeights {
  we: tf.Tensor2D; // [H, 2L]
  weT: tf.Tensor2D; // [2L, H]
  be: Float32Array; // [2L]
  /** W_d1ᵀ with b_d1 as last column, and one more row (0, …, 0, 1) that makes h₂'s ones row: [H+1, L+1]. */
  wd1ext: tf.Tensor2D;
  /** W_d1 with a zero last column: [L, H+1]. */
  wd1pad: tf.Tensor2D;
  wd2t: tf.Tensor2D; // [D, H+1]
}

/** How the first layer is computed: a sparse product over the set pixels (default) or dense. */
export type VaeFirstLayer = "sparse" | "dense";

/**
 * `value` as a KL weight β of the objective β·KL − rec: a finite number ≥ 0; anything else throws,
 * naming it. β = 1 is the (negative) ELBO; β < 1 early in training is KL warm-up (Bowman et al. 2016,
 * Sønderby et al. 2016).
 */
export function parseKlWeight(value: unknown, where: string): number {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
  throw new Error(`${where}: klWeight must be a finite number ≥ 0, got ${shown}`);
}

/** `value` as a `VaeFirstLayer` ("sparse" when undefined); anything else throws, naming it. */
export function parseVaeFirstLayer(value: unknown, where: string): VaeFirstLayer {
  if (value === undefined) return "sparse";
  if (value === "sparse" || value === "dense") return value;
  const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
  throw new Error(`${where}: firstLayer must be "sparse" or "dense", got ${shown}`);
}

/**
 * A batch of B images: the dense x_extᵀ [D+1, B] (xᵀ with a row of ones, the bias input) and
 * its first D rows xᵀ [D, B] (a view) for the loss, ε [B, L], and for the sparse first layer
 * (null for the dense one) the nonzero pixels by image (compressed rows, each ending with the
 * constant bias input: pixel D, value 1) and by pixel (compressed rows over the pixels that
 * occur, `pixels` listing them, again with pixel D for the bias).
 */
interface StepBatch {
  B: number;
  sparse: {
    byImage: { start: Int32Array; idx: Int32Array; val: Float32Array };
    byPixel: { pixels: Int32Array; start: Int32Array; idx: Int32Array; val: Float32Array };
  } | null;
  xExtT: Float32Array;
  xT: Float32Array;
  eps: Float32Array;
}

function sparseBatch(batch: StepBatch): NonNullable<StepBatch["sparse"]> {
  if (batch.sparse === null) throw new Error("vae-trainer: the sparse first layer needs a batch assembled with its index lists");
  return batch.sparse;
}

/** The first layer, h₁ = relu([x, 1]·[W₁; b₁]) and its weight gradient (sparse or dense). */
interface FirstLayer {
  /** h₁ [B, H]. */
  forward(batch: StepBatch): tf.Tensor2D;
  /** ∂J/∂[W₁; b₁] [D+1, H] from ∂J/∂a₁ [B, H] (zero in the rows of pixels not in the batch). */
  backward(batch: StepBatch, da1: tf.Tensor2D): tf.Tensor | Float32Array;
}

/** Gradients of the summed objective J in the packed layout (block 2 in JS), and Σ_b rec, Σ_b KL. */
interface StepResult {
  grads: [tf.Tensor | Float32Array, tf.Tensor, Float32Array, tf.Tensor, tf.Tensor];
  recSum: number;
  klSum: number;
}

/** A transpose of [rows, cols] float32 tensors: the SIMD kernel on the wasm fast path, else `tf.transpose`. */
function makeTranspose(fast: WasmFastPath | null): (t: tf.Tensor2D) => tf.Tensor2D {
  return fast ? (t) => fast.transpose(t) : (t) => tf.transpose(t);
}

/**
 * One forward and backward pass (see the module comment). Call it inside `tf.tidy`: every
 * tensor it makes, gradients included, belongs to the caller's scope.
 */
function forwardBackward(c: VaeConfig, p: StepWeights, first: FirstLayer, batch: StepBatch, fast: WasmFastPath | null, klWeight = 1): StepResult {
  const { inputDim: D, latentDim: L } = c;
  const { B, xT, eps } = batch;
  const L2 = 2 * L;

  // Encoder, batch-major: h₁ = relu(x·W₁ + b₁) (sparse or dense), e = h₁·W_e (+ b_e below, in JS).
  const h1 = first.forward(batch);
  const e = tf.matMul(h1, p.we); // [B, 2L]

  // Latent, in JS: μ, log σ², z = μ + σ·ε and the KL, on 2·L·B numbers.
  const mu = new Float64Array(B * L);
  const std = new Float64Array(B * L);
  const zta = new Float32Array((L + 1) * B); // zᵀ with a row of ones, [L+1, B]
  const za = new Float32Array(B * (L + 1)); // z with a column of ones, [B, L+1]
  let klSum = 0;
  {
    const ev = e.dataSync() as Float32Array;
    for (let b = 0; b < B; b++) {
      for (let d = 0; d < L; d++) {
        const m = ev[b * L2 + d] + p.be[d];
        const lv = ev[b * L2 + L + d] + p.be[L + d];
        const s = Math.exp(0.5 * lv);
        const i = b * L + d;
        mu[i] = m;
        std[i] = s;
        const z = m + s * eps[i];
        zta[d * B + b] = z;
        za[b * (L + 1) + d] = z;
        klSum += 0.5 * (m * m + s * s - lv - 1);
      }
      zta[L * B + b] = 1;
      za[b * (L + 1) + L] = 1;
    }
  }

  // Decoder, feature-major: h₂ᵀ (with its ones row, [H+1, B]) = relu(W_d1ext·zᵀ), logitsᵀ = W_d2ᵀ·h₂ᵀ + b_d2, s = sigmoid(logits).
  const h2T = tf.relu(tf.matMul(p.wd1ext, tf.tensor2d(zta, [L + 1, B]))) as tf.Tensor2D;
  const lT = tf.matMul(p.wd2t, h2T); // [D, B]
  const sT = tf.sigmoid(lT);

  // ∂J/∂lᵀ = s − x, and Σ_b log p(x_b|z_b) = Σ x·l − relu(l) + log max(s, 1 − s) in float64.
  let dlT: tf.Tensor;
  let recSum = 0;
  const pass = fast ? fast.bernoulli(lT, sT, xT) : null;
  if (pass) {
    ({ dlT, recSum } = pass);
  } else {
    dlT = tf.sub(sT, tf.tensor2d(xT, [D, B]));
    const lv = lT.dataSync() as Float32Array;
    const sv = sT.dataSync() as Float32Array;
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
  const H = c.hiddenDim;
  const transpose = makeTranspose(fast);
  const gWd2t = tf.matMul(dlT, transpose(h2T)); // [D, H+1] = ∂lᵀ·[h₂, 1]
  const da2T = tf.mul(tf.matMul(transpose(p.wd2t), dlT), tf.step(h2T)); // [H+1, B]
  const gWd1t = tf.slice(tf.matMul(da2T, tf.tensor2d(za, [B, L + 1])), [0, 0], [H, L + 1]); // [H, L+1]
  const dzT = tf.matMul(p.wd1pad, da2T); // [L, B]

  // Latent backward, in JS: ∂J/∂μ = ∂z + β·μ, ∂J/∂log σ² = ½(∂z·ε·σ + β·(σ² − 1)), β = klWeight.
  const dE = new Float32Array(B * L2); // [B, 2L]
  const gBe = new Float32Array(L2);
  {
    const dzv = dzT.dataSync() as Float32Array;
    for (let b = 0; b < B; b++) {
      for (let d = 0; d < L; d++) {
        const i = b * L + d;
        const dz = dzv[d * B + b];
        const s = std[i];
        const dMu = dz + klWeight * mu[i];
        const dLv = 0.5 * (dz * eps[i] * s + klWeight * (s * s - 1));
        dE[b * L2 + d] = dMu;
        dE[b * L2 + L + d] = dLv;
        gBe[d] += dMu;
        gBe[L + d] += dLv;
      }
    }
  }

  // Encoder backward.
  const dEt = tf.tensor2d(dE, [B, L2]);
  const gWe = tf.matMul(transpose(h1), dEt); // [H, 2L]
  const da1 = tf.mul(tf.matMul(dEt, p.weT), tf.step(h1)) as tf.Tensor2D; // [B, H]
  const gW1 = first.backward(batch, da1); // [D+1, H]
  return { grads: [gW1, gWe, gBe, gWd1t, gWd2t], recSum, klSum };
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

/**
 * The batch of images `rows` (see StepBatch); the index lists only when `lists` (the sparse
 * first layer), so the dense one does not pay for them. xᵀ is scattered from the nonzero
 * pixels either way (a gather of the batch, shared by the loss).
 */
function assembleBatch(sp: SparseImages, rows: ArrayLike<number>, D: number, eps: Float32Array, lists = true): StepBatch {
  const B = rows.length;
  const xExtT = new Float32Array((D + 1) * B);
  xExtT.fill(1, D * B);
  const xT = xExtT.subarray(0, D * B);
  if (!lists) {
    for (let b = 0; b < B; b++) {
      const i = rows[b];
      for (let k = sp.start[i]; k < sp.start[i + 1]; k++) xT[sp.index[k] * B + b] = sp.value[k];
    }
    return { B, sparse: null, xExtT, xT, eps };
  }
  let nnz = 0;
  for (let b = 0; b < B; b++) nnz += sp.start[rows[b] + 1] - sp.start[rows[b]];
  // By image, with the bias input (pixel D, value 1) last in each row.
  const start = new Int32Array(B + 1);
  const idx = new Int32Array(nnz + B);
  const val = new Float32Array(nnz + B);
  const count = new Int32Array(D + 1);
  let q = 0;
  for (let b = 0; b < B; b++) {
    start[b] = q;
    const i = rows[b];
    for (let k = sp.start[i]; k < sp.start[i + 1]; k++) {
      const j = sp.index[k], v = sp.value[k];
      idx[q] = j;
      val[q++] = v;
      count[j]++;
      xT[j * B + b] = v;
    }
    idx[q] = D;
    val[q++] = 1;
  }
  start[B] = q;
  count[D] = B;
  // By pixel: the same entries grouped by pixel (counting sort), images in increasing order.
  let nPix = 0;
  for (let j = 0; j <= D; j++) if (count[j] > 0) nPix++;
  const pixels = new Int32Array(nPix);
  const pStart = new Int32Array(nPix + 1);
  const slot = new Int32Array(D + 1);
  for (let j = 0, r = 0, at = 0; j <= D; j++) {
    if (count[j] === 0) continue;
    pixels[r] = j;
    pStart[r++] = at;
    slot[j] = at;
    at += count[j];
  }
  pStart[nPix] = q;
  const pIdx = new Int32Array(q);
  const pVal = new Float32Array(q);
  for (let b = 0; b < B; b++) {
    for (let k = start[b]; k < start[b + 1]; k++) {
      const s = slot[idx[k]]++;
      pIdx[s] = b;
      pVal[s] = val[k];
    }
  }
  return { B, sparse: { byImage: { start, idx, val }, byPixel: { pixels, start: pStart, idx: pIdx, val: pVal } }, xExtT, xT, eps };
}

/** dst[rows[r], :] = Σ_q val[q]·src[idx[q], :] over row r's entries, in JS (the path without the wasm kernels). */
function sparseRowsJs(dst: Float32Array, rows: ArrayLike<number>, start: Int32Array, idx: Int32Array, val: Float32Array, src: ArrayLike<number>, H: number, relu: boolean): void {
  for (let r = 0; r < rows.length; r++) {
    const d = rows[r] * H;
    dst.fill(0, d, d + H);
    for (let q = start[r]; q < start[r + 1]; q++) {
      const s = idx[q] * H, v = val[q];
      for (let h = 0; h < H; h++) dst[d + h] += v * src[s + h];
    }
    if (relu) for (let h = 0; h < H; h++) dst[d + h] = Math.max(dst[d + h], 0);
  }
}

/** The first layer in JS on arrays (any backend). `w1` is [W₁; b₁], [D+1, H]. */
function firstLayerJs(c: VaeConfig, w1: () => Float32Array): FirstLayer {
  const { inputDim: D, hiddenDim: H } = c;
  return {
    forward(batch) {
      const out = new Float32Array(batch.B * H);
      const rows = Int32Array.from({ length: batch.B }, (_, b) => b);
      const bi = sparseBatch(batch).byImage;
      sparseRowsJs(out, rows, bi.start, bi.idx, bi.val, w1(), H, true);
      return tf.tensor2d(out, [batch.B, H]);
    },
    backward(batch, da1) {
      const g = new Float32Array((D + 1) * H);
      const bp = sparseBatch(batch).byPixel;
      sparseRowsJs(g, bp.pixels, bp.start, bp.idx, bp.val, da1.dataSync(), H, false);
      return g;
    },
  };
}

/** The first layer with the fast path's sparse-rows kernel; `w1()` is the [W₁; b₁] block ([D+1, H], H a multiple of 4). */
function firstLayerWasm(c: VaeConfig, fast: WasmFastPath, w1: () => WasmBlock): FirstLayer {
  const { inputDim: D, hiddenDim: H } = c;
  return {
    forward: (batch) => fast.sparseFirstLayer(w1(), H, sparseBatch(batch).byImage),
    backward: (batch, da1) => fast.sparseFirstLayerGradient(da1, D + 1, sparseBatch(batch).byPixel),
  };
}

/**
 * The first layer dense, as a dense-layer implementation computes it (no use of the zeros):
 * h₁ = (relu(W₁extᵀ·x_extᵀ))ᵀ and ∂W₁ext = x_extᵀ·∂a₁, W₁ext = [W₁; b₁] and x_ext = [x, 1].
 * Layouts as in the decoder: XNNPACK repacks its B operand when it is a new tensor (1.1 ms for
 * a 785×400 weight, 0.2–0.3 ms for an activation), so the forward product takes W₁extᵀ [H, D+1]
 * (`w1T()`, transposed from the weight block by the SIMD kernel) as A and x_extᵀ as B, and
 * transposes the small [H, B] result; ∂W₁ext [D+1, H] comes out of x_extᵀ·∂a₁ in the block's
 * own layout (measured: 0.5 ms faster forward than x_ext·W₁ext, 0.3 ms faster backward than
 * (∂a₁ᵀ·x_ext)ᵀ).
 */
function firstLayerDense(c: VaeConfig, w1T: () => tf.Tensor2D, transpose: (t: tf.Tensor2D) => tf.Tensor2D): FirstLayer {
  const D = c.inputDim;
  const xExtT = (batch: StepBatch) => tf.tensor2d(batch.xExtT, [D + 1, batch.B]);
  return {
    forward(batch) {
      return transpose(tf.relu(tf.matMul(w1T(), xExtT(batch))) as tf.Tensor2D); // [B, H]
    },
    backward(batch, da1) {
      return tf.matMul(xExtT(batch), da1); // [D+1, H]
    },
  };
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

/** The small weight tensors of a step, built in JS from blocks 1–3, and block 4 as given. */
function stepWeights(c: VaeConfig, we: Float32Array, be: Float32Array, wd1t: Float32Array, wd2t: tf.Tensor2D): StepWeights {
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
    wd2t,
  };
}

/**
 * Gradients of the batch's mean loss mean_b(β·KL_b − rec_b) (β = `klWeight`, default 1) with respect to every weight
 * (canonical layout), and the mean rec and KL, from the hand-derived backward pass — the same
 * code the trainer runs (with the sparse first layer in JS, or with `firstLayer: "dense"` the
 * dense one). For checking it against autodiff, and the two first layers against each other.
 */
export function vaeAnalyticGradients(
  vae: Vae,
  x: Float32Array,
  epsSeed: number,
  options: { firstLayer?: VaeFirstLayer; klWeight?: number } = {},
): { grads: VaeWeightArrays; rec: number; kl: number } {
  const mode = parseVaeFirstLayer(options.firstLayer, "vaeAnalyticGradients");
  const klWeight = parseKlWeight(options.klWeight ?? 1, "vaeAnalyticGradients");
  const c = vae.config;
  const { inputDim: D, hiddenDim: H, latentDim: L } = c;
  const B = x.length / D;
  const blocks = packVaeWeights(c, canonicalWeights(vae));
  const sp = sparseImages({ x, n: B, labels: new Int32Array(B), indices: new Int32Array(B) }, D);
  const batch = assembleBatch(sp, Int32Array.from({ length: B }, (_, i) => i), D, drawEps(B, L, epsSeed), mode === "sparse");
  let packed: Float32Array[] = [];
  let rec = NaN, kl = NaN;
  tf.tidy(() => {
    const p = stepWeights(c, blocks[1], blocks[2], blocks[3], tf.tensor2d(blocks[4], [D, H + 1]));
    const fast = wasmFastPath();
    const transpose = makeTranspose(fast);
    const first = mode === "dense"
      ? firstLayerDense(c, () => transpose(tf.tensor2d(blocks[0], [D + 1, H])), transpose)
      : firstLayerJs(c, () => blocks[0]);
    const r = forwardBackward(c, p, first, batch, fast, klWeight);
    packed = r.grads.map((g) => {
      const a = Float32Array.from(g instanceof Float32Array ? g : (g.dataSync() as Float32Array));
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
 * (trainVae calls it after every epoch), not after every step. `useWasm: false` keeps the
 * optimizer and the first layer in JS even on the wasm backend (for tests). `firstLayer`:
 * "sparse" (default) or "dense" (see the module comment; the same step up to float32 rounding).
 */
export function createAnalyticVaeTrainer(
  vae: Vae,
  train: DigitSet,
  options: { learningRate?: number; useWasm?: boolean; firstLayer?: VaeFirstLayer } = {},
): VaeTrainer {
  const mode = parseVaeFirstLayer(options.firstLayer, "createAnalyticVaeTrainer");
  const c = vae.config;
  const { inputDim: D, hiddenDim: H, latentDim: L } = c;
  const adam = new PackedAdam(packVaeWeights(c, canonicalWeights(vae)), {
    learningRate: options.learningRate ?? 1e-3,
    useWasm: options.useWasm,
  });
  adam.onKernel = (ms) => {
    if (timing.ownKernelsMs) timing.ownKernelsMs.adam = (timing.ownKernelsMs.adam ?? 0) + ms;
  };
  const timing: VaeTrainerTiming = { steps: 0, gradientMs: 0, updateMs: 0, readMs: 0 };
  // The fast path exactly when Adam's blocks are on it (`useWasm: false` keeps both in JS).
  const fast = adam.usesWasm ? wasmFastPath({ timing: (timing.ownKernelsMs = {}) }) : null;
  let first: FirstLayer;
  if (mode === "dense") {
    // W₁extᵀ straight from the weight block: the SIMD transpose reads Adam's heap copy in place.
    const w1T = fast
      ? () => fast.transposeBlock(adam.wasmBlock(0)!, D + 1, H)
      : () => tf.transpose(tf.tensor2d(adam.read(0), [D + 1, H]));
    first = firstLayerDense(c, w1T, makeTranspose(fast));
  } else {
    first = fast && H % 4 === 0
      ? firstLayerWasm(c, fast, () => adam.wasmBlock(0)!)
      : firstLayerJs(c, () => adam.read(0));
  }
  const sp = sparseImages(train, D);
  let dirty = false;
  let disposed = false;
  return {
    timing,
    step(rows: Int32Array, epsSeed: number, klWeight = 1): { rec: number; kl: number } {
      if (disposed) throw new Error("VaeTrainer: used after dispose()");
      parseKlWeight(klWeight, "VaeTrainer.step");
      const t0 = performance.now();
      const B = rows.length;
      const batch = assembleBatch(sp, rows, D, drawEps(B, L, epsSeed), mode === "sparse");
      // With `useWasm: false` on wasm the loss pass and the transposes still take the fast path.
      const stepFast = fast ?? wasmFastPath();
      let t1 = t0;
      let recSum = NaN, klSum = NaN;
      tf.tidy(() => {
        const p = stepWeights(c, adam.read(1), adam.read(2), adam.read(3), adam.tensor(4, [D, H + 1]) as tf.Tensor2D);
        const r = forwardBackward(c, p, first, batch, stepFast, klWeight);
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
    dispose(): void {
      if (disposed) return;
      disposed = true;
      fast?.dispose();
      adam.dispose();
    },
  };
}
