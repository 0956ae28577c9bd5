import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "./backend";
import { loadMnistSplit } from "./mnist";
import { createVae, createVaeTrainer, trainVae, vaeElboTerms, VAE_WEIGHT_NAMES, type VaeWeightName } from "./vae";
import { createAnalyticVaeTrainer, packVaeWeights, unpackVaeWeights, vaeAnalyticGradients, type VaeWeightArrays } from "./vae-trainer";

const data = loadMnistSplit({ limitTrain: 384, limitTest: 256 });

test("packVaeWeights / unpackVaeWeights round-trip every weight exactly (small odd sizes)", async () => {
  await initBackend({ prefer: "wasm" });
  const config = { inputDim: 7, hiddenDim: 5, latentDim: 3, seed: 2 };
  const vae = createVae(config);
  const w = {} as VaeWeightArrays;
  let k = 0;
  for (const n of VAE_WEIGHT_NAMES) w[n] = Float32Array.from({ length: vae.weights[n].size }, () => ++k);
  const back = unpackVaeWeights(config, packVaeWeights(config, w));
  for (const n of VAE_WEIGHT_NAMES) assert.deepEqual(Array.from(back[n]), Array.from(w[n]), n);
  vae.dispose();
});

for (const backend of ["wasm", "cpu"] as const) {
  test(`hand-derived gradient = tfjs autodiff of mean(KL − rec) (${backend}; float32 tolerance 1e-5 of each weight's largest gradient)`, async () => {
    await initBackend({ prefer: backend });
    const before = tf.memory().numTensors;
    const vae = createVae({ seed: 4 });
    const B = 48;
    const x = data.train.x.slice(0, B * 784);
    const seed = 1234;
    const analytic = vaeAnalyticGradients(vae, x, seed);
    const vars = VAE_WEIGHT_NAMES.map((n) => vae.weights[n]);
    let rec = NaN, kl = NaN;
    const auto = tf.variableGrads(() => {
      const t = vaeElboTerms(vae, tf.tensor2d(x, [B, 784]), seed, false);
      rec = tf.mean(t.rec).dataSync()[0];
      kl = tf.mean(t.kl).dataSync()[0];
      return tf.sub(tf.mean(t.kl), tf.mean(t.rec)) as tf.Scalar;
    }, vars);
    assert.ok(Math.abs(analytic.rec - rec) <= 1e-5 * Math.abs(rec), `rec ${analytic.rec} vs ${rec}`);
    assert.ok(Math.abs(analytic.kl - kl) <= 1e-5 * Math.abs(kl) + 1e-6, `KL ${analytic.kl} vs ${kl}`);
    for (const n of VAE_WEIGHT_NAMES as readonly VaeWeightName[]) {
      const ref = auto.grads[vae.weights[n].name].dataSync();
      const got = analytic.grads[n];
      let scale = 0, worst = 0;
      for (let i = 0; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i]));
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]));
      assert.ok(scale > 0 && worst <= 1e-5 * scale, `${n}: largest |difference| ${worst}, largest |gradient| ${scale}`);
    }
    tf.dispose([auto.value, ...Object.values(auto.grads)]);
    vae.dispose();
    assert.equal(tf.memory().numTensors, before);
    await initBackend({ prefer: "wasm" });
  });
}

test("analytic trainer: wasm kernels (sparse first layer, SIMD Adam) and the JS path take the same steps (float32 tolerance 1e-4)", async () => {
  await initBackend({ prefer: "wasm" });
  const results: number[][] = [];
  for (const useWasm of [true, false]) {
    const vae = createVae({ seed: 12 });
    const trainer = createAnalyticVaeTrainer(vae, data.train, { useWasm });
    const out: number[] = [];
    for (let s = 0; s < 4; s++) {
      const r = trainer.step(Int32Array.from({ length: 96 }, (_, i) => (s * 96 + i) % data.train.n), 300 + s);
      out.push(r.rec, r.kl);
    }
    trainer.syncWeights();
    out.push(...Array.from(vae.weights["enc.w1"].dataSync().subarray(0, 2000)), ...Array.from(vae.weights["dec.w2"].dataSync().subarray(0, 2000)));
    trainer.dispose();
    vae.dispose();
    results.push(out);
  }
  let worst = 0;
  for (let i = 0; i < results[0].length; i++) worst = Math.max(worst, Math.abs(results[0][i] - results[1][i]) / (1e-2 + Math.abs(results[1][i])));
  assert.ok(worst < 1e-4, `largest relative difference ${worst}`);
});

test("analytic trainer: tensor count flat over steps, variables written by syncWeights, nothing left after dispose", async () => {
  await initBackend({ prefer: "wasm" });
  const vae = createVae({ seed: 6 });
  const baseline = tf.memory().numTensors;
  const w0 = vae.weights["dec.w2"].dataSync().slice();
  const trainer = createVaeTrainer(vae, data.train);
  const counts: number[] = [];
  for (let s = 0; s < 3; s++) {
    const rows = Int32Array.from({ length: 128 }, (_, i) => (s * 128 + i) % data.train.n);
    const r = trainer.step(rows, 100 + s);
    assert.ok(r.rec < 0 && r.kl >= 0, JSON.stringify(r));
    counts.push(tf.memory().numTensors);
  }
  assert.deepEqual(counts, [baseline, baseline, baseline]);
  assert.deepEqual(vae.weights["dec.w2"].dataSync(), w0, "variables untouched until syncWeights");
  trainer.syncWeights();
  assert.notDeepEqual(vae.weights["dec.w2"].dataSync(), w0);
  trainer.dispose();
  assert.equal(tf.memory().numTensors, baseline);
  vae.dispose();
});

test("analytic and autodiff training follow the same path (2 epochs, same seeds; test ELBO within 0.05 nats)", async () => {
  await initBackend({ prefer: "wasm" });
  const out: Record<string, number[]> = {};
  for (const gradient of ["analytic", "autodiff"] as const) {
    const vae = createVae({ seed: 8 });
    const r = await trainVae(vae, data, { epochs: 2, seed: 9, gradient });
    assert.equal(r.gradient, gradient);
    out[gradient] = r.history.flatMap((h) => [h.train.elbo, h.test.elbo]);
    vae.dispose();
  }
  // Same weights, ε draws and batches: only float32 rounding differs, and 6 Adam steps amplify it little.
  for (let i = 0; i < out.analytic.length; i++) {
    assert.ok(Math.abs(out.analytic[i] - out.autodiff[i]) < 0.05, `analytic ${out.analytic} vs autodiff ${out.autodiff}`);
  }
});
