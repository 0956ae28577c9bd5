import { test } from "node:test";
import assert from "node:assert/strict";
import { BERNOULLI_CHUNK, wasmKernels, wasmKernelsModuleBytes } from "./wasm-kernels";
import { createRng } from "./rng";

test("the hand-assembled module validates, for an ordinary and a shared memory", () => {
  assert.ok(WebAssembly.validate(wasmKernelsModuleBytes(false)));
  assert.ok(WebAssembly.validate(wasmKernelsModuleBytes(true)));
});

test("bernoulli: s − x, and Σ log Bernoulli(x | sigmoid(l)) against log1p/exp in float64 (tolerance: one float32 ulp of s per element)", () => {
  const memory = new WebAssembly.Memory({ initial: 2 });
  const k = wasmKernels(memory);
  assert.ok(k !== null, "WebAssembly SIMD is available in Node 20");
  const rng = createRng(4);
  // Logits up to ±60 (s rounds to 0 or 1 in float32 there), binary and fractional x, a length
  // that is not a multiple of the chunk.
  const n = 3 * BERNOULLI_CHUNK + 77;
  const f = new Float32Array(memory.buffer);
  const [l, s, x, d] = [0, n, 2 * n, 3 * n];
  const prods = 4 * n * 4;
  for (let j = 0; j < n; j++) {
    f[l + j] = (rng.uniform() - 0.5) * 120;
    f[s + j] = 1 / (1 + Math.exp(-f[l + j]));
    f[x + j] = j % 7 === 0 ? rng.uniform() : rng.uniform() < 0.3 ? 1 : 0;
  }
  let expected = 0;
  for (let j = 0; j < n; j++) {
    const lj = f[l + j];
    expected += f[x + j] * lj - (Math.max(lj, 0) + Math.log1p(Math.exp(-Math.abs(lj))));
  }
  let got = k!.bernoulli(4 * l, 4 * s, 4 * x, 4 * d, n, prods);
  for (const p of new Float64Array(memory.buffer, prods, Math.floor(n / BERNOULLI_CHUNK) + 1)) got += Math.log(p);
  // s is float32: each log max(s, 1 − s) may be off by about its rounding, 2⁻²⁴ relative ≤ 2⁻²³ absolute.
  const tol = n * 2 ** -23;
  assert.ok(Math.abs(got - expected) <= tol, `got ${got}, expected ${expected}, tolerance ${tol}`);
  for (let j = 0; j < n; j++) assert.equal(f[d + j], Math.fround(f[s + j] - f[x + j]), `∂ at ${j}`);
});

test("gatherCols / scatterCols move exactly the chosen columns (7×13 matrix, 5 columns)", () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const k = wasmKernels(memory)!;
  const f = new Float32Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  const rows = 7, cols = 13, idx = [0, 2, 3, 9, 12];
  const [src, narrow, idxAt, wide] = [0, 200, 400, 600];
  for (let i = 0; i < rows * cols; i++) f[src + i] = i + 0.5;
  idx.forEach((v, t) => (i32[idxAt + t] = v));
  k.gatherCols(4 * src, 4 * narrow, rows, cols, 4 * idxAt, idx.length);
  for (let r = 0; r < rows; r++) idx.forEach((c, t) => assert.equal(f[narrow + r * idx.length + t], r * cols + c + 0.5, `gather (${r}, ${c})`));
  f.fill(-1, wide, wide + rows * cols);
  k.scatterCols(4 * narrow, 4 * wide, rows, cols, 4 * idxAt, idx.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) assert.equal(f[wide + r * cols + c], idx.includes(c) ? r * cols + c + 0.5 : -1, `scatter (${r}, ${c})`);
  }
});
