/**
 * The VAE's hand-derived training step as a short chain of TensorFlow ops, for the native
 * `tensorflow` backend (`@tensorflow/tfjs-node`): the same objective, gradient and Adam update
 * as `vae-trainer.ts` (whose module comment derives the gradient), laid out for native
 * TensorFlow instead of for wasm.
 *
 * What a native step's time goes to, and what this layout does about it:
 *  - Every tfjs op is one call into TensorFlow (`TFE_Execute`) plus tfjs's bookkeeping of the
 *    tensor it returns, tens of µs each, so the number of ops per step matters as much as their
 *    size. Dense layers are `tf.fused.matMul` with bias and activation (one call each); the
 *    transposed products of the backward pass use MatMul's transpose flags (oneDNN handles them
 *    at full speed, unlike XNNPACK on wasm), so no transposes are materialised.
 *  - No round trip to JS inside a step: the batch goes in once (x, ε), and the step returns one
 *    2-number tensor (Σ rec, Σ KL) that is read at the end. The latent part (reparameterisation,
 *    KL and their gradients), which the wasm trainer does in JS, stays in TensorFlow here.
 *  - All weights live in ONE flat parameter vector θ with Adam's moments m and v beside it, so
 *    the update is one chain of about ten element-wise ops over θ, not ten per weight. The
 *    weights a step uses are slices of θ (one slice + reshape each); their gradients are
 *    concatenated into one flat vector in the same order.
 * The layout of θ (row-major blocks, in this order): W₁ [D, H], b₁ [H], W_e = [W_μ | W_logσ²]
 * [H, 2L], b_e [2L], W_d1 [L, H], b_d1 [H], W_d2 [H, D], b_d2 [D].
 *
 * The Bernoulli log-likelihood uses log p(x|l) = x·l − softplus(l) (TensorFlow's Softplus is
 * accurate for large |l|), summed in float32 over a batch (128·784 terms; the loss is reported,
 * the gradient does not depend on it).
 */
import * as tf from "@tensorflow/tfjs";
import type { DigitSet } from "./mnist";
import { constInt32, vaeStepOps } from "./native-ops";
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
 * `learningRate` (default 1e-3), as `PackedAdam`. ε of a step is
 * `tf.randomNormal([B, L], 0, 1, "float32", epsSeed)`, as in the other trainers.
 */
export function createNativeVaeTrainer(vae: Vae, train: DigitSet, options: { learningRate?: number } = {}): VaeTrainer {
  const { inputDim: D, hiddenDim: H, latentDim: L } = vae.config;
  const blocks = layout(D, H, L);
  const lr = options.learningRate ?? 1e-3;
  const beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7;
  const [theta, m, v] = tf.tidy(() => {
    const init = tf.tensor1d(packTheta(vae, blocks));
    return [tf.variable(init, true), tf.variable(tf.zerosLike(init), false), tf.variable(tf.zerosLike(init), false)];
  });
  const timing: VaeTrainerTiming = { steps: 0, gradientMs: 0, updateMs: 0, readMs: 0 };
  const ops = vaeStepOps();
  const sizes = blocks.map((b) => b.size);
  // Shape and axis operands, made once (tfjs-node would upload a new one for every op).
  const k = {
    sizes: constInt32(sizes),
    shapes: blocks.map((b) => (b.shape.length === 2 ? constInt32(b.shape) : null)),
    flat: constInt32([-1]),
    axis0: constInt32(0),
    axis1: constInt32(1),
  };
  let t = 0;
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
      t++;
      const lrT = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
      let t1 = t0;
      const sums = tf.tidy(() => {
        const x = tf.tensor2d(xa, [B, D]);
        const eps = tf.randomNormal([B, L], 0, 1, "float32", epsSeed);
        const flat = ops.split1d(theta, sizes, k.sizes, k.axis0);
        const [w1, b1, we, be, wd1, bd1, wd2, bd2] = flat.map((f, i) => (blocks[i].shape.length === 2 ? ops.reshape(f, blocks[i].shape, k.shapes[i]!) : f));
        // Forward.
        const h1 = ops.relu(ops.biasAdd(ops.matMul(x, w1), b1));
        const e = ops.biasAdd(ops.matMul(h1, we), be);
        const [mu, lv] = tf.split(e, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
        const std = tf.exp(tf.mul(lv, 0.5));
        const z = tf.add(mu, tf.mul(std, eps)) as tf.Tensor2D;
        const h2 = ops.relu(ops.biasAdd(ops.matMul(z, wd1), bd1));
        const l = ops.biasAdd(ops.matMul(h2, wd2), bd2);
        // Σ rec = Σ x·l − softplus(l);  Σ KL = ½ Σ (μ² + σ² − log σ² − 1).
        const var_ = tf.square(std);
        const rec = tf.sub(tf.sum(tf.mul(x, l)), tf.sum(tf.softplus(l)));
        const kl = tf.mul(tf.sum(tf.sub(tf.add(tf.square(mu), var_), tf.add(lv, 1))), 0.5);
        // Backward (summed objective J = Σ β·KL − rec, β = klWeight; divided by B in the update).
        const dl = tf.sub(tf.sigmoid(l), x);
        const gWd2 = ops.matMul(h2, dl, true, false);
        const gbd2 = tf.sum(dl, 0);
        const da2 = ops.reluGrad(ops.matMul(dl, wd2, false, true), h2);
        const gWd1 = ops.matMul(z, da2, true, false);
        const gbd1 = tf.sum(da2, 0);
        const dz = ops.matMul(da2, wd1, false, true);
        // The KL's gradient (μ and ½(σ² − 1)) times β; no extra op at β = 1.
        const dKlMu = klWeight === 1 ? mu : tf.mul(mu, klWeight);
        const dKlLv = klWeight === 1 ? tf.sub(var_, 1) : tf.mul(tf.sub(var_, 1), klWeight);
        const dMu = tf.add(dz, dKlMu);
        const dLv = tf.mul(tf.add(tf.mul(tf.mul(dz, eps), std), dKlLv), 0.5);
        const dE = ops.concat([dMu, dLv], 1, k.axis1);
        const gWe = ops.matMul(h1, dE, true, false);
        const gbe = tf.sum(dE, 0);
        const da1 = ops.reluGrad(ops.matMul(dE, we, false, true), h1);
        const gW1 = ops.matMul(x, da1, true, false);
        const gb1 = tf.sum(da1, 0);
        const g = ops.concat([gW1, gb1, gWe, gbe, gWd1, gbd1, gWd2, gbd2].map((a) => (a.rank === 2 ? ops.reshape(a, [-1], k.flat) : a)), 0, k.axis0);
        t1 = performance.now();
        // Adam on θ, with the mean gradient g/B.
        const gm = tf.mul(g, 1 / B);
        const mNew = tf.add(tf.mul(m, beta1), tf.mul(gm, 1 - beta1));
        const vNew = tf.add(tf.mul(v, beta2), tf.mul(tf.square(gm), 1 - beta2));
        // tfjs's Adam: w ← w − lr·m̂/(√v̂ + ε) with the bias corrections folded into lrT and ε·√(1 − β₂ᵗ).
        const upd = tf.div(mNew, tf.add(tf.sqrt(vNew), epsilon * Math.sqrt(1 - beta2 ** t)));
        m.assign(mNew as tf.Tensor1D);
        v.assign(vNew as tf.Tensor1D);
        theta.assign(tf.sub(theta, tf.mul(upd, lrT)));
        return tf.stack([rec, kl]);
      });
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
      const w = unpackTheta(vae, blocks, theta.dataSync() as Float32Array);
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
      tf.dispose([theta, m, v, k.sizes, k.flat, k.axis0, k.axis1, ...k.shapes.filter((x): x is tf.Tensor => x !== null)]);
    },
  };
}
