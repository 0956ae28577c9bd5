import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "./backend";
import { BACKEND_UNDER_TEST, initTestBackend } from "./tested-backend";
import { matMulT } from "./matmul";

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

for (const backend of [BACKEND_UNDER_TEST, "cpu"] as const) {
  test(`matMulT: value and gradients equal tf.matMul's (${backend}, float32 tolerance 1e-5)`, async () => {
    await initBackend({ prefer: backend });
    const before = tf.memory().numTensors;
    const a = tf.randomNormal([7, 5], 0, 1, "float32", 1) as tf.Tensor2D;
    const b = tf.randomNormal([5, 3], 0, 1, "float32", 2) as tf.Tensor2D;
    const w = tf.randomNormal([7, 3], 0, 1, "float32", 3);
    const loss = (f: (x: tf.Tensor2D, y: tf.Tensor2D) => tf.Tensor2D) => (x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(w, tf.sin(f(x as tf.Tensor2D, y as tf.Tensor2D))));
    const [ga, gb] = tf.grads(loss(matMulT))([a, b]);
    const [ra, rb] = tf.grads(loss((x, y) => tf.matMul(x, y)))([a, b]);
    const v = matMulT(a, b), rv = tf.matMul(a, b);
    for (const [x, y, what] of [[v, rv, "value"], [ga, ra, "dA"], [gb, rb, "dB"]] as const) {
      assert.deepEqual(x.shape, y.shape);
      const d = maxRelDiff(x.dataSync(), y.dataSync());
      assert.ok(d < 1e-5, `${what}: max relative difference ${d}`);
    }
    tf.dispose([a, b, w, ga, gb, ra, rb, v, rv]);
    assert.equal(tf.memory().numTensors, before);
    await initTestBackend();
  });
}
