/**
 * The VAE's hand-derived training step as a short chain of TensorFlow ops, for the native
 * `tensorflow` backend (`@tensorflow/tfjs-node`): the same objective, gradient and Adam update
 * as `vae-trainer.ts` (whose module comment derives the gradient), laid out for native
 * TensorFlow instead of for wasm.
 *
 * What a native step's time goes to, and what this layout does about it:
 *  - Every op is one call into TensorFlow (`TFE_Execute`) plus tfjs's bookkeeping of the tensor
 *    it returns, so the number of ops per step matters as much as their size. The ops are
 *    called straight through tfjs-node's backend (`native-ops.ts`): MatMul + BiasAdd + Relu per
 *    dense layer, ReluGrad for the masks, and no uploads of shape, axis or scalar operands
 *    (kept tensors). The transposed products of the backward pass use MatMul's transpose flags
 *    (oneDNN handles them at full speed, unlike XNNPACK on wasm), so no transposes are
 *    materialised.
 *  - No round trip to JS inside a step: the batch goes in once (x, ε), and the step returns one
 *    2-number tensor (Σ rec, Σ KL) that is read at the end. The latent part (reparameterisation,
 *    KL and their gradients), which the wasm trainer does in JS, stays in TensorFlow here.
 *  - Adam is one `ResourceApplyAdam` kernel per weight, in place on TensorFlow resource
 *    variables (`adamBlocks`), not a chain of element-wise ops per weight. (A single flat θ,
 *    sliced into the weights and with the gradients concatenated, was measured first: the
 *    slicing and the concatenation copied 2.6 MB each, 0.35 ms a step, more than the seven
 *    extra ApplyAdam calls cost.) The 1/B of the mean objective is applied to ∂l and to the KL
 *    terms of the latent gradient (small tensors) rather than to the 650k gradient values.
 * The blocks (row-major, in this order): W₁ [D, H], b₁ [H], W_e = [W_μ | W_logσ²] [H, 2L],
 * b_e [2L], W_d1 [L, H], b_d1 [H], W_d2 [H, D], b_d2 [D]; `packTheta` lays them end to end.
 *
 * The Bernoulli log-likelihood uses log p(x|l) = x·l − softplus(l) (TensorFlow's Softplus is
 * accurate for large |l|), summed in float32 over a batch (128·784 terms; the loss is reported,
 * the gradient does not depend on it).
 */
import * as tf from "@tensorflow/tfjs";
import type { DigitSet } from "./mnist";
import { adamBlocks, constFloat, constInt32, vaeStepOps } from "./native-ops";
import type { Vae, VaeWeightName } from "./vae";
import { parseKlWeight, type VaeTrainer, type VaeTrainerTiming } from "./vae-trainer";

interface Block {
  name: string;
  shape: [number] | [number, number];
  offset: number;
  size: number;
}

function layout(D: number, H: number, L: number): Block[] {
  const spec: [string, [number] | [number, number]][] = [
    ["w1", [D, H]], ["b1", [H]], ["we", [H, 2 * L]], ["be", [2 * L]],
    ["wd1", [L, H]], ["bd1", [H]], ["wd2", [H, D]], ["bd2", [D]],
  ];
  let offset = 0;
  return spec.map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const b = { name, shape, offset, size };
    offset += size;
    return b;
  });
}

/** θ from the VAE's variables (W_μ and W_logσ² side by side). */
function packTheta(vae: Vae, blocks: Block[]): Float32Array {
  const { hiddenDim: H, latentDim: L } = vae.config;
  const total = blocks[blocks.length - 1].offset + blocks[blocks.length - 1].size;
  const theta = new Float32Array(total);
  const w = (n: VaeWeightName) => vae.weights[n].dataSync() as Float32Array;
  const at = (name: string) => blocks.find((b) => b.name === name)!.offset;
  theta.set(w("enc.w1"), at("w1"));
  theta.set(w("enc.b1"), at("b1"));
  const wMu = w("enc.wMu"), wLv = w("enc.wLogVar");
  const we = at("we");
  for (let r = 0; r < H; r++) {
    for (let d = 0; d < L; d++) {
      theta[we + r * 2 * L + d] = wMu[r * L + d];
      theta[we + r * 2 * L + L + d] = wLv[r * L + d];
    }
  }
  theta.set(w("enc.bMu"), at("be"));
  theta.set(w("enc.bLogVar"), at("be") + L);
  theta.set(w("dec.w1"), at("wd1"));
  theta.set(w("dec.b1"), at("bd1"));
  theta.set(w("dec.w2"), at("wd2"));
  theta.set(w("dec.b2"), at("bd2"));
  return theta;
}

/** The VAE's variables from θ. */
function unpackTheta(vae: Vae, blocks: Block[], theta: Float32Array): Record<VaeWeightName, Float32Array> {
  const { hiddenDim: H, latentDim: L } = vae.config;
  const get = (name: string) => {
    const b = blocks.find((x) => x.name === name)!;
    return theta.slice(b.offset, b.offset + b.size);
  };
  const we = get("we"), be = get("be");
  const wMu = new Float32Array(H * L), wLv = new Float32Array(H * L);
  for (let r = 0; r < H; r++) {
    for (let d = 0; d < L; d++) {
      wMu[r * L + d] = we[r * 2 * L + d];
      wLv[r * L + d] = we[r * 2 * L + L + d];
    }
  }
  return {
    "enc.w1": get("w1"), "enc.b1": get("b1"), "enc.wMu": wMu, "enc.bMu": be.slice(0, L),
    "enc.wLogVar": wLv, "enc.bLogVar": be.slice(L), "dec.w1": get("wd1"), "dec.b1": get("bd1"),
    "dec.w2": get("wd2"), "dec.b2": get("bd2"),
  };
}

/**
 * A trainer whose whole step runs as TensorFlow ops (any backend computes it; it is built for
 * `tensorflow`). Adam with tfjs's defaults (β₁ 0.9, β₂ 0.999, ε 1e−7), learning rate
 * `learningRate` (default 1e-3), as `PackedAdam` (`adamBlocks` in native-ops.ts). ε of a step is
 * `tf.randomNormal([B, L], 0, 1, "float32", epsSeed)`, as in the other trainers.
 */
export function createNativeVaeTrainer(vae: Vae, train: DigitSet, options: { learningRate?: number } = {}): VaeTrainer {
  const { inputDim: D, hiddenDim: H, latentDim: L } = vae.config;
  const blocks = layout(D, H, L);
  const theta0 = packTheta(vae, blocks);
  const adam = adamBlocks(blocks.map((b) => ({ init: theta0.subarray(b.offset, b.offset + b.size), shape: b.shape })), { learningRate: options.learningRate ?? 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  const timing: VaeTrainerTiming = { steps: 0, gradientMs: 0, updateMs: 0, readMs: 0 };
  const ops = vaeStepOps();
  // Shape, axis and scalar operands, made once (tfjs-node would upload a new one for every op).
  const k = {
    latentSizes: constInt32([L, L]),
    axis0: constInt32(0),
    axis1: constInt32(1),
    axes01: constInt32([0, 1]),
    half: constFloat(0.5),
    one: constFloat(1),
  };
  // 1/B for the usual batch size; another size gets its own scalar for that step.
  const invB128 = constFloat(1 / 128);
  let dirty = false;
  let disposed = false;
  // The training images stay in JS; a batch is gathered there (a copy of B·D floats).
  const xb = new Float32Array(128 * D);

  return {
    timing,
    step(rows: Int32Array, epsSeed: number, klWeight = 1): { rec: number; kl: number } {
      if (disposed) throw new Error("VaeTrainer: used after dispose()");
      parseKlWeight(klWeight, "VaeTrainer.step");
      const t0 = performance.now();
      const B = rows.length;
      const xa = B * D <= xb.length ? xb.subarray(0, B * D) : new Float32Array(B * D);
      for (let b = 0; b < B; b++) xa.set(train.x.subarray(rows[b] * D, (rows[b] + 1) * D), b * D);
      const { binary: op2, unary: op1, sum, matMul } = ops;
      const [sums, g] = tf.tidy(() => {
        const x = tf.tensor2d(xa, [B, D]);
        const eps = tf.randomNormal([B, L], 0, 1, "float32", epsSeed);
        const invB = B === 128 ? invB128 : tf.scalar(1 / B);
        const [w1, b1, we, be, wd1, bd1, wd2, bd2] = blocks.map((_, i) => adam.read(i));
        // Forward.
        const h1 = ops.relu(ops.biasAdd(matMul(x, w1), b1));
        const e = ops.biasAdd(matMul(h1, we), be);
        const [mu, lv] = ops.split(e, [L, L], k.latentSizes, 1, k.axis1);
        const std = op1("Exp", op2("Mul", lv, k.half));
        const epsStd = op2("Mul", eps, std);
        const z = op2("AddV2", mu, epsStd);
        const h2 = ops.relu(ops.biasAdd(matMul(z, wd1), bd1));
        const l = ops.biasAdd(matMul(h2, wd2), bd2);
        // Σ rec = Σ x·l − softplus(l);  Σ KL = ½ Σ (μ² + σ² − log σ² − 1).
        const var_ = op1("Square", std);
        const rec = sum(op2("Sub", op2("Mul", x, l), op1("Softplus", l)), [0, 1], k.axes01);
        const kl = op2("Mul", sum(op2("Sub", op2("AddV2", op1("Square", mu), var_), op2("AddV2", lv, k.one)), [0, 1], k.axes01), k.half);
        // Backward of the mean objective J/B, J = Σ KL − Σ rec (the 1/B rides on ∂l and on the KL terms).
        const dl = op2("Mul", op2("Sub", op1("Sigmoid", l), x), invB);
        const gWd2 = matMul(h2, dl, true, false);
        const gbd2 = sum(dl, [0], k.axis0);
        const da2 = ops.reluGrad(matMul(dl, wd2, false, true), h2);
        const gWd1 = matMul(z, da2, true, false);
        const gbd1 = sum(da2, [0], k.axis0);
        const dz = matMul(da2, wd1, false, true);
        // ∂/∂μ = ∂z + β·μ/B (KL);  ∂/∂log σ² = ½(∂z·ε·σ + β·(σ² − 1)/B (KL)), β = klWeight (no extra op at β = 1).
        const klScale = klWeight === 1 ? invB : tf.scalar(klWeight / B);
        const dMu = op2("AddV2", dz, op2("Mul", mu, klScale));
        const dLv = op2("Mul", op2("AddV2", op2("Mul", dz, epsStd), op2("Mul", op2("Sub", var_, k.one), klScale)), k.half);
        const dE = ops.concat([dMu, dLv], 1, k.axis1);
        const gWe = matMul(h1, dE, true, false);
        const gbe = sum(dE, [0], k.axis0);
        const da1 = ops.reluGrad(matMul(dE, we, false, true), h1);
        const gW1 = matMul(x, da1, true, false);
        const gb1 = sum(da1, [0], k.axis0);
        return [ops.pack([rec, kl]), [gW1, gb1, gWe, gbe, gWd1, gbd1, gWd2, gbd2]] as [tf.Tensor, tf.Tensor[]];
      });
      // The weights read for the step are gone with the tidy, so the update runs in place.
      const t1 = performance.now();
      adam.update(g);
      tf.dispose(g);
      const t2 = performance.now();
      const [recSum, klSum] = sums.dataSync();
      sums.dispose();
      dirty = true;
      const t3 = performance.now();
      timing.steps++;
      timing.gradientMs += t1 - t0;
      timing.updateMs += t2 - t1;
      timing.readMs += t3 - t2;
      return { rec: recSum / B, kl: klSum / B };
    },
    syncWeights(): void {
      if (!dirty) return;
      const theta = new Float32Array(theta0.length);
      blocks.forEach((b, i) => theta.set(adam.values(i), b.offset));
      const w = unpackTheta(vae, blocks, theta);
      for (const [name, variable] of Object.entries(vae.weights) as [VaeWeightName, tf.Variable][]) {
        const tt = tf.tensor(w[name], variable.shape, "float32");
        variable.assign(tt);
        tt.dispose();
      }
      dirty = false;
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      adam.dispose();
      tf.dispose([...Object.values(k), invB128]);
    },
  };
}
