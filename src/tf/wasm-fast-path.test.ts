import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "./backend";
import { BACKEND_UNDER_TEST, initTestBackend, WASM_ONLY } from "./tested-backend";
import { wasmFastPath } from "./wasm-fast-path";

test("wasmFastPath() is null on the non-wasm backends (cpu and, in the default pass, the backend under test)", async () => {
  for (const backend of BACKEND_UNDER_TEST === "wasm" ? ["cpu"] : [BACKEND_UNDER_TEST, "cpu"]) {
    await initBackend({ prefer: backend as "cpu" | "tensorflow" });
    assert.equal(tf.getBackend(), backend);
    assert.equal(wasmFastPath(), null, `on ${backend}`);
  }
});

test("wasmFastPath() is non-null on wasm; its blocks and transposes copy exactly; odd sizes leave the loss pass to JS", { skip: WASM_ONLY }, async () => {
  await initTestBackend("wasm");
  const fast = wasmFastPath();
  assert.ok(fast !== null, "the fast path on wasm (tfjs-backend-wasm's internals as expected)");
  // Exact copies: compared with tf.transpose and the input array, not with another output of the fast path.
  const init = Float32Array.from({ length: 6 * 8 }, (_, i) => Math.sin(i) * 10);
  const blk = fast.newBlock(init);
  assert.deepEqual(fast.readBlock(blk), init);
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const t = fast.blockTensor(blk, [6, 8]) as tf.Tensor2D;
    assert.deepEqual(t.dataSync(), init);
    assert.deepEqual(fast.transpose(t).dataSync(), tf.transpose(t).dataSync());
    assert.deepEqual(fast.transposeBlock(blk, 6, 8).dataSync(), tf.transpose(t).dataSync());
    const odd = tf.tensor2d([0.5, -1, 2], [3, 1]);
    assert.equal(fast.bernoulli(odd, tf.sigmoid(odd), Float32Array.of(1, 0, 1)), null);
  });
  assert.equal(tf.memory().numTensors, before);
  fast.freeBlock(blk);
  assert.throws(() => fast.readBlock(blk), /after freeBlock/);
  fast.dispose();
});
