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
