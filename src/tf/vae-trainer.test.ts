import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "./backend";
import { BACKEND_UNDER_TEST, initTestBackend, WASM_ONLY } from "./tested-backend";
import { loadMnistSplit } from "./mnist";
import { createVae, createVaeTrainer, defaultFirstLayer, trainVae, vaeElboTerms, VAE_WEIGHT_NAMES, type VaeWeightName } from "./vae";
import { createAnalyticVaeTrainer, packVaeWeights, unpackVaeWeights, vaeAnalyticGradients, type VaeWeightArrays } from "./vae-trainer";

const data = loadMnistSplit({ limitTrain: 384, limitTest: 256 });

/** Each weight's hand-derived gradient equals autodiff's within 1e-5 of that weight's largest |gradient| (float32). */
function assertGradientsMatch(got: VaeWeightArrays, auto: tf.NamedTensorMap, vae: ReturnType<typeof createVae>): void {
  for (const n of VAE_WEIGHT_NAMES as readonly VaeWeightName[]) {
    const ref = auto[vae.weights[n].name].dataSync();
    let scale = 0, worst = 0;
    for (let i = 0; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i]));
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[n][i] - ref[i]));
    assert.ok(scale > 0 && worst <= 1e-5 * scale, `${n}: largest |difference| ${worst}, largest |gradient| ${scale}`);
  }
}

test("packVaeWeights / unpackVaeWeights round-trip every weight exactly (small odd sizes)", async () => {
  await initTestBackend();
  const config = { inputDim: 7, hiddenDim: 5, latentDim: 3, seed: 2 };
  const vae = createVae(config);
  const w = {} as VaeWeightArrays;
  let k = 0;
  for (const n of VAE_WEIGHT_NAMES) w[n] = Float32Array.from({ length: vae.weights[n].size }, () => ++k);
  const back = unpackVaeWeights(config, packVaeWeights(config, w));
  for (const n of VAE_WEIGHT_NAMES) assert.deepEqual(Array.from(back[n]), Array.from(w[n]), n);
  vae.dispose();
});

for (const backend of [BACKEND_UNDER_TEST, "cpu"] as const) {
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
    assertGradientsMatch(analytic.grads, auto.grads, vae);
    tf.dispose([auto.value, ...Object.values(auto.grads)]);
    vae.dispose();
    assert.equal(tf.memory().numTensors, before);
    await initTestBackend();
  });
}

test("analytic trainer: wasm kernels (sparse first layer, SIMD Adam) and the JS path take the same steps (float32 tolerance 1e-4)", { skip: WASM_ONLY }, async () => {
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
  await initTestBackend();
  const vae = createVae({ seed: 6 });
  const baseline = tf.memory().numTensors;
  const w0 = vae.weights["dec.w2"].dataSync().slice();
  const trainer = createVaeTrainer(vae, data.train);
  // The native trainer keeps its parameters and Adam's moments as tensors; the others keep none.
  const held = tf.memory().numTensors;
  const counts: number[] = [];
  for (let s = 0; s < 3; s++) {
    const rows = Int32Array.from({ length: 128 }, (_, i) => (s * 128 + i) % data.train.n);
    const r = trainer.step(rows, 100 + s);
    assert.ok(r.rec < 0 && r.kl >= 0, JSON.stringify(r));
    counts.push(tf.memory().numTensors);
  }
  assert.deepEqual(counts, [held, held, held]);
  assert.deepEqual(vae.weights["dec.w2"].dataSync(), w0, "variables untouched until syncWeights");
  trainer.syncWeights();
  assert.notDeepEqual(vae.weights["dec.w2"].dataSync(), w0);
  trainer.dispose();
  assert.equal(tf.memory().numTensors, baseline);
  vae.dispose();
});

test("analytic and autodiff training follow the same path (2 epochs, same seeds; test ELBO within 0.05 nats)", async () => {
  await initTestBackend();
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

// Dense against sparse first layer. Both sum the same float32 products — x is 0/1, so every
// x·w is exact, and the dense product's extra terms are exact zeros — only in another order
// (the cpu backend's matMul sums in blocks; XNNPACK, like our sparse loops, in order of the
// pixel or image index, and on wasm the two agree bit for bit in our runs). A float32 sum of
// n ≤ 785 terms reordered moves by about √n·2⁻²⁴ ≈ 2e-6 of its absolute sum, typically far less;
// measured differences on cpu: ≤ 3.4e-7 of each weight's largest gradient, ≤ 5e-8 relative in
// rec and KL (summed in float64). Tolerances: 1e-5 of each weight's largest |gradient| (as for
// autodiff above) and 1e-6 relative for rec and KL, ~20× the measured worst case.
for (const backend of [BACKEND_UNDER_TEST, "cpu"] as const) {
  test(`dense first layer = sparse first layer: same loss and gradients from the same weights and batch (${backend}; float32 tolerance 1e-5 of each weight's largest gradient, 1e-6 relative in rec and KL)`, async () => {
    await initBackend({ prefer: backend });
    const before = tf.memory().numTensors;
    for (const [seed, B] of [[4, 48], [5, 128]] as const) {
      const vae = createVae({ seed });
      const x = data.train.x.slice(0, B * 784);
      const sparse = vaeAnalyticGradients(vae, x, 1234 + seed, { firstLayer: "sparse" });
      const dense = vaeAnalyticGradients(vae, x, 1234 + seed, { firstLayer: "dense" });
      assert.ok(Math.abs(dense.rec - sparse.rec) <= 1e-6 * Math.abs(sparse.rec), `rec ${dense.rec} vs ${sparse.rec}`);
      assert.ok(Math.abs(dense.kl - sparse.kl) <= 1e-6 * Math.abs(sparse.kl), `KL ${dense.kl} vs ${sparse.kl}`);
      for (const n of VAE_WEIGHT_NAMES as readonly VaeWeightName[]) {
        const ref = sparse.grads[n], got = dense.grads[n];
        let scale = 0, worst = 0;
        for (let i = 0; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i]));
        for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]));
        assert.ok(scale > 0 && worst <= 1e-5 * scale, `${n} (seed ${seed}, B ${B}): largest |difference| ${worst}, largest |gradient| ${scale}`);
      }
      vae.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    await initTestBackend();
  });
}

test(`analytic trainer: dense and sparse first layer take the same steps (${BACKEND_UNDER_TEST === "wasm" ? "wasm kernels and JS path" : BACKEND_UNDER_TEST}; float32 tolerance 1e-4), tensor count flat with dense`, async () => {
  await initTestBackend();
  for (const useWasm of BACKEND_UNDER_TEST === "wasm" ? [true, false] : [false]) {
    const results: Record<string, number[]> = {};
    for (const firstLayer of ["sparse", "dense"] as const) {
      const vae = createVae({ seed: 12 });
      const baseline = tf.memory().numTensors;
      const trainer = createAnalyticVaeTrainer(vae, data.train, { useWasm, firstLayer });
      const out: number[] = [];
      const counts: number[] = [];
      for (let s = 0; s < 4; s++) {
        const r = trainer.step(Int32Array.from({ length: 96 }, (_, i) => (s * 96 + i) % data.train.n), 300 + s);
        out.push(r.rec, r.kl);
        counts.push(tf.memory().numTensors);
      }
      assert.deepEqual(counts, [baseline, baseline, baseline, baseline], `${firstLayer}, useWasm ${useWasm}: tensor counts`);
      trainer.syncWeights();
      for (const n of ["enc.w1", "enc.b1", "dec.w2"] as const) out.push(...Array.from(vae.weights[n].dataSync().subarray(0, 4000)));
      trainer.dispose();
      assert.equal(tf.memory().numTensors, baseline, `${firstLayer}, useWasm ${useWasm}: tensors left after dispose`);
      vae.dispose();
      results[firstLayer] = out;
    }
    // The first step's loss is from the same weights: float32 reordering only (1e-6, as above).
    for (const i of [0, 1]) assert.ok(Math.abs(results.dense[i] - results.sparse[i]) <= 1e-6 * Math.abs(results.sparse[i]), `step 1 loss ${results.dense[i]} vs ${results.sparse[i]}`);
    let worst = 0;
    for (let i = 0; i < results.sparse.length; i++) worst = Math.max(worst, Math.abs(results.dense[i] - results.sparse[i]) / (1e-2 + Math.abs(results.sparse[i])));
    assert.ok(worst < 1e-4, `useWasm ${useWasm}: largest relative difference ${worst}`);
  }
});

test("trainVae firstLayer: dense follows the sparse path and is reported; bad values and autodiff rejected with the reason", async () => {
  await initTestBackend();
  const small = { train: { ...data.train, x: data.train.x.subarray(0, 256 * 784), labels: data.train.labels.subarray(0, 256), indices: data.train.indices.subarray(0, 256), n: 256 }, test: data.test };
  const elbo: Record<string, number[]> = {};
  for (const firstLayer of [undefined, "sparse", "dense"] as const) {
    const vae = createVae({ seed: 8 });
    const r = await trainVae(vae, small, { epochs: 1, seed: 9, firstLayer });
    assert.equal(r.firstLayer, firstLayer ?? defaultFirstLayer());
    elbo[firstLayer ?? "default"] = [r.history[0].train.elbo, r.history[0].test.elbo];
    vae.dispose();
  }
  for (let i = 0; i < 2; i++) {
    assert.ok(Math.abs(elbo.dense[i] - elbo.sparse[i]) < 1e-3, `dense ${elbo.dense} vs sparse ${elbo.sparse}`);
    assert.equal(elbo.default[i], elbo[defaultFirstLayer()][i], "the default is the same run as its explicit first layer");
  }
  const vae = createVae({ seed: 8 });
  const before = tf.memory().numTensors;
  await assert.rejects(trainVae(vae, small, { epochs: 1, firstLayer: "Dense" as never }), /trainVae: firstLayer must be "sparse" or "dense", got "Dense"/);
  for (const firstLayer of ["sparse", "dense"] as const) {
    await assert.rejects(trainVae(vae, small, { epochs: 1, gradient: "autodiff", firstLayer }), new RegExp(`firstLayer "${firstLayer}" applies only to gradient "analytic"; the "autodiff" step always computes the first layer dense`));
  }
  assert.throws(() => createAnalyticVaeTrainer(vae, small.train, { firstLayer: 1 as never }), /createAnalyticVaeTrainer: firstLayer must be "sparse" or "dense", got 1/);
  assert.equal(tf.memory().numTensors, before);
  const r = await trainVae(vae, small, { epochs: 1, gradient: "autodiff" });
  assert.equal(r.firstLayer, "dense");
  vae.dispose();
});

// KL weight β (warm-up): the hand-derived gradient of mean(β·KL − rec) against tfjs autodiff of that
// weighted objective, written out here (not through the trainer), at β = 0.3 and β = 0; same
// tolerance as the β = 1 comparison above. At β = 0 the encoder's gradient loses the KL's μ and
// ½(σ² − 1) terms, so a trainer that ignored β fails on enc.* here.
for (const beta of [0.3, 0]) {
  test(`KL weight β = ${beta}: hand-derived gradient = autodiff of mean(β·KL − rec) (${BACKEND_UNDER_TEST}; 1e-5 of each weight's largest gradient); rec and KL reported unweighted`, async () => {
    await initTestBackend();
    const vae = createVae({ seed: 5 });
    const B = 40;
    const x = data.train.x.slice(0, B * 784);
    const seed = 99;
    const analytic = vaeAnalyticGradients(vae, x, seed, { klWeight: beta, firstLayer: "dense" });
    const vars = VAE_WEIGHT_NAMES.map((n) => vae.weights[n]);
    let kl = NaN;
    const auto = tf.variableGrads(() => {
      const t = vaeElboTerms(vae, tf.tensor2d(x, [B, 784]), seed, false);
      kl = tf.mean(t.kl).dataSync()[0];
      return tf.sub(tf.mul(beta, tf.mean(t.kl)), tf.mean(t.rec)) as tf.Scalar;
    }, vars);
    assert.ok(Math.abs(analytic.kl - kl) <= 1e-5 * Math.abs(kl) + 1e-6, `KL reported ${analytic.kl}, unweighted KL ${kl}`);
    assertGradientsMatch(analytic.grads, auto.grads, vae);
    tf.dispose([auto.value, ...Object.values(auto.grads)]);
    vae.dispose();
  });
}

test("trainVae klWeight: autodiff and analytic follow the same warm-up path; a warm-up changes the path; the schedule's β is reported; bad values rejected naming them", async () => {
  await initTestBackend();
  const warm = (e: number, s: number, n: number) => Math.min(1, ((e - 1) * n + s + 1) / (2 * n));
  const run = async (gradient: "analytic" | "autodiff", klWeight: number | typeof warm) => {
    const vae = createVae({ seed: 8 });
    const r = await trainVae(vae, data, { epochs: 2, seed: 9, gradient, klWeight });
    vae.dispose();
    return r.history;
  };
  const a = await run("analytic", warm);
  const d = await run("autodiff", warm);
  const plain = await run("analytic", 1);
  assert.deepEqual(a.map((h) => h.klWeight), [0.5, 1]);
  assert.deepEqual(plain.map((h) => h.klWeight), [1, 1]);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i].test.elbo - d[i].test.elbo) < 0.05, `warm-up: analytic ${a[i].test.elbo} vs autodiff ${d[i].test.elbo}`);
  }
  // In epoch 1 the warm-up trains with β ≤ ½: the KL is less penalised, so it ends larger than with β = 1.
  assert.ok(a[0].test.kl > plain[0].test.kl + 0.5, `test KL after epoch 1: warm-up ${a[0].test.kl}, β = 1 ${plain[0].test.kl}`);
  const vae = createVae({ seed: 8 });
  await assert.rejects(trainVae(vae, data, { epochs: 1, klWeight: -1 }), /trainVae: klWeight must be a finite number ≥ 0, got -1/);
  await assert.rejects(trainVae(vae, data, { epochs: 1, klWeight: () => NaN }), /trainVae: klWeight\(1, 0, 3\): klWeight must be a finite number ≥ 0, got NaN/);
  vae.dispose();
});
