import { test } from "node:test";
import assert from "node:assert/strict";
import { BERNOULLI_CHUNK, bernoulliProducts, wasmKernels, wasmKernelsModuleBytes } from "./wasm-kernels";
import { createRng } from "../random/rng";

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
  const n4 = 3 * (BERNOULLI_CHUNK / 4) + 19;
  const n = 4 * n4;
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
  let got = k!.bernoulli(4 * l, 4 * s, 4 * x, 4 * d, n4, prods);
  for (const p of new Float64Array(memory.buffer, prods, bernoulliProducts(n4))) got += Math.log(p);
  // s is float32: each log max(s, 1 − s) may be off by about its rounding, 2⁻²⁴ relative ≤ 2⁻²³
  // absolute; x·l is rounded to float32 once for the fractional x.
  let tol = n * 2 ** -23;
  for (let j = 0; j < n; j += 7) tol += Math.abs(f[x + j] * f[l + j]) * 2 ** -24;
  assert.ok(Math.abs(got - expected) <= tol, `got ${got}, expected ${expected}, tolerance ${tol}`);
  for (let j = 0; j < n; j++) assert.equal(f[d + j], Math.fround(f[s + j] - f[x + j]), `∂ at ${j}`);
});

test("sparseRows: compressed rows times a dense matrix, with and without ReLU, against a float64 loop (tolerance: float32 sums)", () => {
  const memory = new WebAssembly.Memory({ initial: 4 });
  const k = wasmKernels(memory)!;
  const rng = createRng(9);
  const H = 12, srcRows = 9;
  // Output rows 3, 0, 5 with 6, 0 and 9 nonzeros (exercises the four-at-a-time loop, its remainder, and an empty row).
  const dstRows = [3, 0, 5];
  const counts = [6, 0, 9];
  const start = [0];
  for (const c of counts) start.push(start[start.length - 1] + c);
  const nnz = start[start.length - 1];
  const idx = Array.from({ length: nnz }, () => Math.floor(rng.uniform() * srcRows));
  const val = Array.from({ length: nnz }, () => Math.fround(rng.normal()));
  const src = Array.from({ length: srcRows * H }, () => Math.fround(rng.normal()));
  const f = new Float32Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  const [SRC, DST, ROWS, START, IDX, VAL] = [0, 1000, 2000, 2100, 2200, 2400];
  f.set(src, SRC);
  i32.set(dstRows, ROWS);
  i32.set(start, START);
  i32.set(idx, IDX);
  f.set(val, VAL);
  for (const relu of [0, 1]) {
    f.fill(-7, DST, DST + 6 * H);
    k.sparseRows(4 * DST, 4 * ROWS, 4 * START, 4 * IDX, 4 * VAL, 4 * SRC, dstRows.length, H / 4, relu);
    for (let r = 0; r < 6; r++) {
      const at = dstRows.indexOf(r);
      for (let h = 0; h < H; h++) {
        const got = f[DST + r * H + h];
        if (at < 0) {
          assert.equal(got, -7, `row ${r} is not an output row and stays as it was`);
          continue;
        }
        let ref = 0, abs = 0;
        for (let q = start[at]; q < start[at + 1]; q++) {
          ref += val[q] * src[idx[q] * H + h];
          abs += Math.abs(val[q] * src[idx[q] * H + h]);
        }
        if (relu) ref = Math.max(ref, 0);
        const tol = counts[at] * 2 ** -23 * abs;
        assert.ok(Math.abs(got - ref) <= tol, `relu ${relu}, row ${r}, column ${h}: ${got} vs ${ref}`);
      }
    }
  }
});

test("transpose: exact for sizes with and without a remainder mod 4", () => {
  const memory = new WebAssembly.Memory({ initial: 48 }); // 3 MB: two 784×401 float32 matrices
  const k = wasmKernels(memory)!;
  const f = new Float32Array(memory.buffer);
  for (const [R, C] of [[8, 12], [7, 13], [784, 401], [1, 5], [5, 1]]) {
    const src = 0, dst = R * C + 16;
    for (let i = 0; i < R * C; i++) f[src + i] = i + 0.25;
    f.fill(-1, dst, dst + R * C);
    k.transpose(4 * src, 4 * dst, R, C);
    for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) if (f[dst + c * R + r] !== r * C + c + 0.25) assert.fail(`${R}×${C}: (${r}, ${c}) → ${f[dst + c * R + r]}`);
  }
});
