import { test } from "node:test";
import assert from "node:assert/strict";
import { createRng, permutation } from "./rng";

test("createRng is reproducible and seeds differ", () => {
  const a = createRng(42), b = createRng(42), c = createRng(43);
  const xa = Array.from({ length: 5 }, () => a.uniform());
  const xb = Array.from({ length: 5 }, () => b.uniform());
  const xc = Array.from({ length: 5 }, () => c.uniform());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test("uniform and normal moments match at N = 1e5 (tolerance: 5 standard errors)", () => {
  const rng = createRng(7);
  const N = 100000;
  let su = 0, sn = 0, sn2 = 0;
  for (let i = 0; i < N; i++) {
    const u = rng.uniform();
    assert.ok(u >= 0 && u < 1, `uniform out of [0,1): ${u}`);
    su += u;
    const z = rng.normal();
    sn += z;
    sn2 += z * z;
  }
  // se of the uniform mean: sqrt(1/12/N) ≈ 9.1e-4; of the normal mean 1/sqrt(N) ≈ 3.2e-3;
  // of the normal second moment sqrt(2/N) ≈ 4.5e-3.
  assert.ok(Math.abs(su / N - 0.5) < 5 * 9.1e-4, `uniform mean ${su / N}`);
  assert.ok(Math.abs(sn / N) < 5 * 3.2e-3, `normal mean ${sn / N}`);
  assert.ok(Math.abs(sn2 / N - 1) < 5 * 4.5e-3, `normal E[z²] ${sn2 / N}`);
});

test("permutation is a permutation", () => {
  const p = permutation(1000, createRng(1));
  const sorted = Array.from(p).sort((a, b) => a - b);
  assert.deepEqual(sorted, Array.from({ length: 1000 }, (_, i) => i));
});
