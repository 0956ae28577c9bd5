import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "./backend";
import { WASM_ONLY } from "./tested-backend";
import { loadMnistSplit } from "./mnist";
import { createRng } from "../random/rng";
import { createVae, createVaeTrainer } from "./vae";
import { wasmHeap } from "./wasm-heap";
import { wasmThreadsCount } from "./wasm-threads";

const expectedThreads = Math.min(2, os.cpus().length);

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

test("a process that uses the threaded wasm backend exits by itself (its pthread workers are unref'd)", { skip: WASM_ONLY }, () => {
  const backendJs = path.join(__dirname, "backend.js");
  const script =
    `const tf = require("@tensorflow/tfjs"); const { initBackend } = require(${JSON.stringify(backendJs)});` +
    `initBackend({ prefer: "wasm", threads: 2 }).then((n) => { const y = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])); console.log(n, y.dataSync()[0]); });`;
  const r = spawnSync(process.execPath, ["-e", script], { cwd: path.join(__dirname, "..", "..", ".."), encoding: "utf8", timeout: 60_000 });
  assert.equal(r.signal, null, `killed by ${r.signal} (did not exit); stderr: ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wasm 64/);
});

test(`initBackend({ threads: 2 }): the threaded build runs with ${expectedThreads} threads and matMul is right (float64 reference, float32 error bound K·2⁻²⁴·Σ|a·b|)`, { skip: WASM_ONLY }, async () => {
  const [M, K, N] = [200, 300, 100];
  const rng = createRng(7);
  const av = Float32Array.from({ length: M * K }, () => rng.normal());
  const bv = Float32Array.from({ length: K * N }, () => rng.normal());
  assert.equal(await initBackend({ prefer: "wasm", threads: 2 }), "wasm");
  assert.equal(wasmThreadsCount(), expectedThreads);
  const heap = wasmHeap();
  assert.ok(heap !== null && heap.memory.buffer instanceof SharedArrayBuffer, "the threaded build's memory is shared");
  const got = tf.matMul(tf.tensor2d(av, [M, K]), tf.tensor2d(bv, [K, N])).dataSync();
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let ref = 0, abs = 0;
      for (let k = 0; k < K; k++) {
        ref += av[i * K + k] * bv[k * N + j];
        abs += Math.abs(av[i * K + k] * bv[k * N + j]);
      }
      const tol = K * 2 ** -24 * abs;
      assert.ok(Math.abs(got[i * N + j] - ref) <= tol, `(${i}, ${j}): ${got[i * N + j]} vs ${ref}, tolerance ${tol}`);
    }
  }
});

test("the VAE trainer (wasm kernels on the shared memory) gives the same steps with 2 threads as with 1", { skip: WASM_ONLY }, async () => {
  const data = loadMnistSplit({ limitTrain: 256, limitTest: 16 });
  const run = async (threads: number) => {
    await initBackend({ prefer: "wasm", threads });
    assert.equal(wasmThreadsCount(), threads === 1 ? 1 : expectedThreads);
    const before = tf.memory().numTensors;
    const vae = createVae({ seed: 3 });
    const trainer = createVaeTrainer(vae, data.train);
    const out: number[] = [];
    for (let s = 0; s < 2; s++) {
      const r = trainer.step(Int32Array.from({ length: 128 }, (_, i) => s * 128 + i), 40 + s);
      out.push(r.rec, r.kl);
    }
    trainer.dispose();
    vae.dispose();
    assert.equal(tf.memory().numTensors, before);
    return out;
  };
  const two = await run(2);
  const one = await run(1);
  // XNNPACK splits the output among threads without changing any sum's order; allow float32 rounding anyway.
  assert.ok(maxRelDiff(two, one) < 1e-5, `2 threads ${two} vs 1 thread ${one}`);
});
