import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { PackedAdam } from "./adam";
import { initBackend } from "./backend";
import { BACKEND_UNDER_TEST, initTestBackend, WASM_ONLY } from "./tested-backend";
import { wasmFastPath } from "./wasm-fast-path";

/** Block sizes with a remainder mod 4 (the SIMD loop's scalar tail) and without. */
const SIZES = [37, 64];

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1e-3 + Math.abs(b[i])));
  return m;
}

for (const [backend, useWasm] of [["wasm", true], [BACKEND_UNDER_TEST, false], ["cpu", false]] as const) {
  test(`PackedAdam follows tf.train.adam for 5 steps (${backend}, ${useWasm ? "SIMD on the wasm heap" : "JS loop"}; float32 tolerance 1e-4)`, { skip: useWasm && WASM_ONLY }, async () => {
    await initBackend({ prefer: backend });
    const init = SIZES.map((n, k) => tf.tidy(() => Float32Array.from(tf.randomNormal([n], 0, 1, "float32", 10 + k).dataSync())));
    const adam = new PackedAdam(init.map((a) => a.slice()), { learningRate: 0.01, useWasm });
    assert.equal(adam.usesWasm, useWasm && wasmFastPath() !== null);
    const vars = init.map((a) => tf.variable(tf.tensor1d(a)));
    const reference = tf.train.adam(0.01);
    for (let step = 0; step < 5; step++) {
      // Gradients of different scales, one of them given as a JS array; the packed side gets them times 4 and gradScale 1/4.
      const grads = SIZES.map((n, k) => tf.tidy(() => tf.mul(tf.randomNormal([n], 0, 1, "float32", 100 * step + k), k + 1)));
      // (tfjs types the map as holding Variables; at run time any tensors are accepted)
      const named = vars.map((v, k) => ({ name: v.name, tensor: grads[k] }));
      reference.applyGradients(named as Parameters<typeof reference.applyGradients>[0]);
      const scaled = grads.map((g) => tf.mul(g, 4));
      const held = tf.memory().numTensors;
      adam.step([scaled[0], scaled[1].dataSync() as Float32Array], 0.25);
      assert.equal(tf.memory().numTensors, held, "PackedAdam.step makes no tensors");
      tf.dispose([...grads, ...scaled]);
    }
    for (let k = 0; k < SIZES.length; k++) {
      const d = maxRelDiff(adam.read(k), vars[k].dataSync());
      assert.ok(d < 1e-4, `block ${k} (size ${SIZES[k]}): max relative difference ${d}`);
      const t = adam.tensor(k, [SIZES[k]]);
      assert.deepEqual(Array.from(t.dataSync()), Array.from(adam.read(k)));
      t.dispose();
    }
    assert.equal(adam.steps, 5);
    adam.dispose();
    reference.dispose();
    tf.dispose(vars);
    await initTestBackend();
  });
}

test("PackedAdam rejects a gradient of the wrong size", async () => {
  await initTestBackend();
  const adam = new PackedAdam([new Float32Array(8)], { learningRate: 0.1 });
  assert.throws(() => adam.step([new Float32Array(7)]), /7 values, block has 8/);
  adam.dispose();
});
