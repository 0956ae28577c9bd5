import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "./backend";
import { BACKEND_UNDER_TEST, initTestBackend } from "./tested-backend";
import { loadMnistSplit } from "./mnist";
import {
  createVae, evaluateVae, iwaeBoundVae, loadVae, saveVae, trainVae, vaeLatentGrid, VAE_WEIGHT_NAMES,
} from "./vae";

// A few hundred images keep the suite short; the fixed split makes every run identical.
const data = loadMnistSplit({ limitTrain: 384, limitTest: 256 });

test("training: ELBO = reconstruction − KL, KL ≥ 0, the test ELBO rises, tensors stay flat", async () => {
  await initTestBackend();
  const baseline = tf.memory().numTensors;
  const vae = createVae({ seed: 1 });
  const withModel = tf.memory().numTensors;
  assert.equal(withModel - baseline, VAE_WEIGHT_NAMES.length);
  const initial = evaluateVae(vae, data.test);
  const counts: number[] = [];
  const epochsSeen: number[] = [];
  const r = await trainVae(vae, data, {
    epochs: 3,
    seed: 2,
    onStep: () => counts.push(tf.memory().numTensors),
    onEpoch: (s) => { epochsSeen.push(s.epoch); },
  });
  assert.deepEqual(epochsSeen, [1, 2, 3]);
  assert.equal(r.history.length, 3);
  assert.equal(r.backend, BACKEND_UNDER_TEST);
  assert.equal(r.transposeTrick, BACKEND_UNDER_TEST === "wasm");
  // After the first step Adam has made its moment variables; from then on the count is constant.
  assert.equal(counts.length, 9);
  for (const c of counts.slice(1)) assert.equal(c, counts[1], `tensor counts per step: ${counts}`);
  for (const h of r.history) {
    for (const p of [h.train, h.test]) {
      assert.ok(Math.abs(p.elbo - (p.rec - p.kl)) < 1e-3 * Math.abs(p.elbo), JSON.stringify(p));
      assert.ok(p.kl >= 0, `KL ${p.kl}`);
      assert.ok(p.rec < 0, `rec ${p.rec}`);
    }
  }
  const last = r.history[2].test.elbo;
  assert.ok(last > initial.elbo + 100, `test ELBO ${initial.elbo} → ${last}`);
  assert.ok(last < 0, `test ELBO ${last} nats/image`);
  vae.dispose();
  assert.equal(tf.memory().numTensors, baseline, "every tensor freed after training and dispose");
});

test("the smoke option trains one epoch on 256 images", async () => {
  await initTestBackend();
  const vae = createVae({ seed: 9 });
  const steps: number[] = [];
  const r = await trainVae(vae, loadMnistSplit(), { smoke: true, onStep: (s) => steps.push(s.step) });
  assert.equal(r.history.length, 1);
  assert.deepEqual(steps, [0, 1]);
  vae.dispose();
});

test("importance-weighted bounds: L1 ≈ ELBO ≤ L5 ≤ L50 on average", async () => {
  await initTestBackend();
  const vae = createVae({ seed: 3 });
  await trainVae(vae, data, { epochs: 2, seed: 4 });
  const before = tf.memory().numTensors;
  const elbo = evaluateVae(vae, data.test).elbo;
  const L = [1, 5, 50].map((K) => iwaeBoundVae(vae, data.test, K, { seed: 21 }).mean);
  assert.equal(tf.memory().numTensors, before);
  // L1 and the ELBO estimate the same number with different noise (sampled vs closed-form KL);
  // a few nats per image over 256 images is several standard errors.
  assert.ok(Math.abs(L[0] - elbo) < 3, `L1 ${L[0]} vs ELBO ${elbo}`);
  assert.ok(L[1] > L[0] && L[2] > L[1], `L1, L5, L50 = ${L}`);
  vae.dispose();
});

test("evaluateVae's per-image values average to its ELBO, and L1 − ELBO is within 4 paired standard errors", async () => {
  await initBackend({ prefer: "wasm" });
  const vae = createVae({ seed: 3 });
  await trainVae(vae, data, { epochs: 1, seed: 4 });
  const plain = evaluateVae(vae, data.test);
  const withPer = evaluateVae(vae, data.test, { perImage: true });
  assert.equal(withPer.elbo, plain.elbo);
  assert.equal(withPer.perImage.length, data.test.n);
  const mean = withPer.perImage.reduce((a, b) => a + b, 0) / data.test.n;
  // float32 per-image values summed in float64 against float32 batch sums: ~1e-5 relative of ~200 nats.
  assert.ok(Math.abs(mean - plain.elbo) < 1e-2, `mean of per-image ${mean} vs elbo ${plain.elbo}`);
  const L1 = iwaeBoundVae(vae, data.test, 1, { seed: 21 }).perImage;
  const d = Array.from(L1, (v, i) => v - withPer.perImage[i]);
  const dm = d.reduce((a, b) => a + b, 0) / d.length;
  const se = Math.sqrt(d.reduce((a, b) => a + (b - dm) ** 2, 0) / (d.length - 1) / d.length);
  assert.ok(Math.abs(dm) < 4 * se, `paired mean difference ${dm} ± ${se}`);
  vae.dispose();
});

test("a saved and reloaded model gives the same test ELBO", async () => {
  await initTestBackend();
  const vae = createVae({ seed: 5, latentDim: 2 });
  await trainVae(vae, data, { epochs: 1, seed: 6 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-vae-"));
  saveVae(vae, dir, { epochs: 1 });
  const again = loadVae(dir);
  assert.deepEqual(again.config, vae.config);
  assert.deepEqual(again.meta, { epochs: 1 });
  for (const n of VAE_WEIGHT_NAMES) assert.deepEqual(again.weights[n].dataSync(), vae.weights[n].dataSync(), n);
  assert.deepEqual(evaluateVae(again, data.test), evaluateVae(vae, data.test));
  const grid = vaeLatentGrid(again, 4);
  assert.equal(grid.images.length, 16 * 784);
  vae.dispose();
  again.dispose();
  fs.rmSync(dir, { recursive: true });
});

test(`${BACKEND_UNDER_TEST} and cpu agree at float32 tolerance (evaluation, and 2 training steps from one init)`, async () => {
  const small = loadMnistSplit({ limitTrain: 256, limitTest: 64 });
  const results: Record<string, { initial: number; trained: number }> = {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-vae-"));
  await initTestBackend();
  const init = createVae({ seed: 7 });
  saveVae(init, dir);
  init.dispose();
  for (const b of [BACKEND_UNDER_TEST, "cpu"] as const) {
    await initBackend({ prefer: b });
    const vae = loadVae(dir);
    const initial = evaluateVae(vae, small.test).elbo;
    await trainVae(vae, small, { epochs: 1, seed: 8 });
    results[b] = { initial, trained: evaluateVae(vae, small.test).elbo };
    vae.dispose();
  }
  for (const k of ["initial", "trained"] as const) {
    const a = results[BACKEND_UNDER_TEST][k], c = results.cpu[k];
    assert.ok(Math.abs(a - c) <= 1e-3 * Math.abs(c), `${k}: ${BACKEND_UNDER_TEST} ${a} cpu ${c}`);
  }
  fs.rmSync(dir, { recursive: true });
  await initTestBackend();
});
