// Native TensorFlow (`tensorflow`) against the wasm fallback, in one process: the same seeds must
// give the same training run up to float32 rounding, and neither backend may leak over epochs.
// Runs where @tensorflow/tfjs-node is built, in the default pass of `npm test` (it uses both
// backends itself, so the ELBO_LAB_BACKEND=wasm pass skips it).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadMnistSplit } from "./mnist";
import { BACKEND_UNDER_TEST, initTestBackend, NATIVE_AVAILABLE } from "./tested-backend";
import { createVae, trainVae, vaeElboTerms, VAE_WEIGHT_NAMES, type VaeWeightName } from "./vae";
import { vaeAnalyticGradients } from "./vae-trainer";

const SKIP = !NATIVE_AVAILABLE
  ? "@tensorflow/tfjs-node is not built here (the set-up fell back to wasm)"
  : BACKEND_UNDER_TEST !== "tensorflow" ? "uses both backends itself: runs in the default pass" : false;
const BACKENDS = ["tensorflow", "wasm"] as const;
const data = loadMnistSplit({ limitTrain: 512, limitTest: 256 });

// Gradients. Both backends sum the same float32 products, in different orders (oneDNN blocks
// the inner dimension; XNNPACK and the JS loops sum in index order), and their exp/log/sigmoid
// differ by a few ulp. A float32 sum of n ≤ 785 terms reordered moves by at most n·2⁻²⁴ of its
// absolute sum (about √n·2⁻²⁴ ≈ 2e-6 typically), and each gradient is such a sum of
// terms no larger than the largest gradient of its weight by much; so the tolerance is 1e-5 of
// each weight's largest |gradient| (as for analytic against autodiff in vae-trainer.test.ts),
// and 1e-6 relative for rec and KL (summed in float64 from float32 terms).
test("tensorflow and wasm give the same gradients from the same weights, batch and ε (hand-derived and tfjs autodiff; float32 tolerance 1e-5 of each weight's largest gradient)", { skip: SKIP }, async () => {
  const B = 64;
  const x = data.train.x.slice(0, B * 784);
  const got: Record<string, { rec: number; kl: number; grads: Record<VaeWeightName, Float32Array> }[]> = {};
  for (const b of BACKENDS) {
    await initTestBackend(b);
    const before = tf.memory().numTensors;
    const vae = createVae({ seed: 31 });
    const analytic = vaeAnalyticGradients(vae, x, 77, { firstLayer: "dense" });
    let rec = NaN, kl = NaN;
    const vars = VAE_WEIGHT_NAMES.map((n) => vae.weights[n]);
    const auto = tf.variableGrads(() => {
      const t = vaeElboTerms(vae, tf.tensor2d(x, [B, 784]), 77, false);
      rec = tf.mean(t.rec).dataSync()[0];
      kl = tf.mean(t.kl).dataSync()[0];
      return tf.sub(tf.mean(t.kl), tf.mean(t.rec)) as tf.Scalar;
    }, vars);
    const autoGrads = {} as Record<VaeWeightName, Float32Array>;
    for (const n of VAE_WEIGHT_NAMES) autoGrads[n] = Float32Array.from(auto.grads[vae.weights[n].name].dataSync() as Float32Array);
    got[b] = [analytic, { rec, kl, grads: autoGrads }];
    tf.dispose([auto.value, ...Object.values(auto.grads)]);
    vae.dispose();
    assert.equal(tf.memory().numTensors, before, `${b}: tensors left`);
  }
  for (const [k, what] of [[0, "hand-derived"], [1, "autodiff"]] as const) {
    const t = got.tensorflow[k], w = got.wasm[k];
    assert.ok(Math.abs(t.rec - w.rec) <= 1e-6 * Math.abs(w.rec), `${what} rec: tensorflow ${t.rec} wasm ${w.rec}`);
    assert.ok(Math.abs(t.kl - w.kl) <= 1e-6 * Math.abs(w.kl) + 1e-6, `${what} KL: tensorflow ${t.kl} wasm ${w.kl}`);
    for (const n of VAE_WEIGHT_NAMES) {
      const ref = w.grads[n], g = t.grads[n];
      let scale = 0, worst = 0;
      for (let i = 0; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i]));
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(g[i] - ref[i]));
      assert.ok(scale > 0 && worst <= 1e-5 * scale, `${what} ${n}: largest |difference| ${worst}, largest |gradient| ${scale}`);
    }
  }
  await initTestBackend();
});

// Training. Same init, batch order and ε on both backends (the data order and ε come from
// seeded generators in JS, not from the backend), so only float32 rounding differs; Adam's
// division by √v amplifies it a little over the steps. The bound: 0.05 nats per epoch.
// Memory: after the first epoch (Adam's state exists by then) the tensor count and tfjs's byte
// count must not move at all; RSS may wobble with V8's garbage collector and the allocators'
// caches, so it may grow by at most 40 MB over the last four epochs (a leak of one batch's
// activations per step, ~0.4 MB × 4 steps × 4 epochs, would already show in numBytes).
test("tensorflow and wasm: same seeds give per-epoch training ELBOs within 0.05 nats; tensors, tfjs bytes and RSS flat over epochs on both", { skip: SKIP }, async () => {
  const elbos: Record<string, number[]> = {};
  for (const b of BACKENDS) {
    await initTestBackend(b);
    const vae = createVae({ seed: 41 });
    const mem: { numTensors: number; numBytes: number; rss: number }[] = [];
    const r = await trainVae(vae, data, {
      epochs: 5,
      seed: 42,
      onEpoch: () => {
        const m = tf.memory();
        mem.push({ numTensors: m.numTensors, numBytes: m.numBytes, rss: process.memoryUsage().rss });
      },
    });
    assert.equal(r.backend, b);
    elbos[b] = r.history.map((h) => h.train.elbo);
    for (const m of mem.slice(1)) {
      assert.equal(m.numTensors, mem[0].numTensors, `${b}: tensor counts by epoch ${mem.map((x) => x.numTensors)}`);
      assert.equal(m.numBytes, mem[0].numBytes, `${b}: tfjs bytes by epoch ${mem.map((x) => x.numBytes)}`);
    }
    const growthMb = (mem[mem.length - 1].rss - mem[1].rss) / 2 ** 20;
    assert.ok(growthMb < 40, `${b}: RSS by epoch (MB) ${mem.map((x) => (x.rss / 2 ** 20).toFixed(1))}`);
    vae.dispose();
  }
  for (let e = 0; e < elbos.wasm.length; e++) {
    assert.ok(Math.abs(elbos.tensorflow[e] - elbos.wasm[e]) < 0.05, `epoch ${e + 1}: tensorflow ${elbos.tensorflow} wasm ${elbos.wasm}`);
  }
  await initTestBackend();
});
