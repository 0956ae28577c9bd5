import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadMnistSplit } from "./mnist";
import { BACKEND_UNDER_TEST, initTestBackend } from "./tested-backend";
import { createVae, VAE_WEIGHT_NAMES } from "./vae";
import { createNativeVaeTrainer } from "./vae-native-trainer";
import { createAnalyticVaeTrainer } from "./vae-trainer";

const data = loadMnistSplit({ limitTrain: 384, limitTest: 16 });

// The two trainers compute the same step by different code: the JS/kernel layout of
// vae-trainer.ts (itself checked against tfjs autodiff) and TensorFlow ops here. Only float32
// rounding differs (other summation orders; rec summed in float32 here, float64 there), and four
// Adam steps carry it along: tolerance 1e-4 relative (+1e-2 absolute floor), as the other
// trainer comparisons.
test(`native trainer = hand-derived JS trainer with a dense first layer (${BACKEND_UNDER_TEST}; 4 steps, every weight; float32 tolerance 1e-4); tensor count flat; nothing left after dispose`, async () => {
  await initTestBackend();
  const results: number[][] = [];
  for (const which of ["native", "js"] as const) {
    const vae = createVae({ seed: 13 });
    const baseline = tf.memory().numTensors;
    const trainer = which === "native"
      ? createNativeVaeTrainer(vae, data.train)
      : createAnalyticVaeTrainer(vae, data.train, { useWasm: false, firstLayer: "dense" });
    const after = tf.memory().numTensors;
    const out: number[] = [];
    const counts: number[] = [];
    for (let s = 0; s < 4; s++) {
      const r = trainer.step(Int32Array.from({ length: 96 }, (_, i) => (s * 96 + i) % data.train.n), 500 + s);
      out.push(r.rec, r.kl);
      counts.push(tf.memory().numTensors);
    }
    assert.deepEqual(counts, [after, after, after, after], `${which}: tensor counts`);
    trainer.syncWeights();
    for (const n of VAE_WEIGHT_NAMES) out.push(...Array.from(vae.weights[n].dataSync().subarray(0, 3000)));
    trainer.dispose();
    assert.equal(tf.memory().numTensors, baseline, `${which}: tensors left after dispose`);
    vae.dispose();
    results.push(out);
  }
  let worst = 0, at = -1;
  for (let i = 0; i < results[0].length; i++) {
    const d = Math.abs(results[0][i] - results[1][i]) / (1e-2 + Math.abs(results[1][i]));
    if (d > worst) [worst, at] = [d, i];
  }
  assert.ok(worst < 1e-4, `largest relative difference ${worst} at ${at}: native ${results[0][at]} js ${results[1][at]}`);
});

test("native trainer: used after dispose throws", async () => {
  await initTestBackend();
  const vae = createVae({ seed: 2 });
  const trainer = createNativeVaeTrainer(vae, data.train);
  trainer.dispose();
  assert.throws(() => trainer.step(Int32Array.of(0, 1), 1), /used after dispose/);
  vae.dispose();
});

// The KL weight β in the native step: the same four steps as the JS trainer (itself checked against
// autodiff of mean(β·KL − rec) in vae-trainer.test.ts) with β = 0, ¼, ½, 1, compared on every weight.
// Adam's first steps move a weight by about lr·sign(gradient), so where a gradient is near 0 float32
// rounding alone can move that weight by up to lr = 1e-3: measured (seeds 700…703), 3 of 652,832
// values differ by more than 1e-3 relative (+1e-2 floor). So: rec and KL of every step within 1e-4
// relative, and at most 1 in 10⁴ values beyond 1e-3; the same steps at β = 1 throughout differ
// beyond 1e-3 in about half the values (measured 49%), so the test requires more than 10%.
test(`native trainer with KL weights 0, ¼, ½, 1 = JS trainer with the same weights (${BACKEND_UNDER_TEST}); and unlike β = 1 throughout`, async () => {
  await initTestBackend();
  const betas = [0, 0.25, 0.5, 1];
  const run = (which: "native" | "js", ws: number[]) => {
    const vae = createVae({ seed: 13 });
    const trainer = which === "native"
      ? createNativeVaeTrainer(vae, data.train)
      : createAnalyticVaeTrainer(vae, data.train, { useWasm: false, firstLayer: "dense" });
    const losses: number[] = [];
    const weights: number[] = [];
    ws.forEach((beta, s) => {
      const r = trainer.step(Int32Array.from({ length: 96 }, (_, i) => (s * 96 + i) % data.train.n), 700 + s, beta);
      losses.push(r.rec, r.kl);
    });
    trainer.syncWeights();
    for (const n of VAE_WEIGHT_NAMES) for (const v of vae.weights[n].dataSync()) weights.push(v);
    trainer.dispose();
    vae.dispose();
    return { losses, weights };
  };
  const rel = (p: number, q: number) => Math.abs(p - q) / (1e-2 + Math.abs(q));
  const fractionBeyond = (p: number[], q: number[], tol: number) => p.filter((v, i) => rel(v, q[i]) > tol).length / p.length;
  const native = run("native", betas);
  const js = run("js", betas);
  native.losses.forEach((v, i) => assert.ok(rel(v, js.losses[i]) < 1e-4, `step ${i >> 1} ${i % 2 ? "KL" : "rec"}: native ${v}, js ${js.losses[i]}`));
  const off = fractionBeyond(native.weights, js.weights, 1e-3);
  assert.ok(off <= 1e-4, `${(off * 100).toFixed(4)}% of the weights differ by more than 1e-3 relative`);
  const plain = run("native", [1, 1, 1, 1]);
  const changed = fractionBeyond(native.weights, plain.weights, 1e-3);
  assert.ok(changed > 0.1, `β had little effect: only ${(changed * 100).toFixed(2)}% of the weights differ from β = 1 by more than 1e-3`);
  const vae = createVae({ seed: 2 });
  const trainer = createNativeVaeTrainer(vae, data.train);
  assert.throws(() => trainer.step(Int32Array.of(0, 1), 1, -0.5), /VaeTrainer.step: klWeight must be a finite number ≥ 0, got -0.5/);
  trainer.dispose();
  vae.dispose();
});
