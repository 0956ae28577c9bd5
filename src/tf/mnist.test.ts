import { test } from "node:test";
import assert from "node:assert/strict";
import { loadMnistRaw, loadMnistSplit, MNIST_PIXELS } from "./mnist";

test("the raw digits: 10,000 images, labels in file order", () => {
  const raw = loadMnistRaw();
  assert.equal(raw.n, 10000);
  assert.equal(raw.grey.length, 10000 * MNIST_PIXELS);
  assert.equal(raw.labels[0], 0);
  assert.equal(raw.labels[raw.n - 1], 9);
  for (let i = 1; i < raw.n; i++) assert.ok(raw.labels[i] >= raw.labels[i - 1]);
});

test("the split is fixed, disjoint, complete and binary", () => {
  const a = loadMnistSplit();
  const b = loadMnistSplit();
  assert.equal(a.train.n, 8000);
  assert.equal(a.test.n, 2000);
  assert.deepEqual(a.train.indices, b.train.indices);
  assert.deepEqual(a.test.x, b.test.x);
  const all = new Set([...a.train.indices, ...a.test.indices]);
  assert.equal(all.size, 10000);
  for (const v of a.train.x) assert.ok(v === 0 || v === 1);
  // Threshold binarisation of the raw grey levels, checked pixel by pixel on one image.
  const raw = loadMnistRaw();
  const g = a.test.indices[17];
  for (let j = 0; j < MNIST_PIXELS; j++) {
    assert.equal(a.test.x[17 * MNIST_PIXELS + j], raw.grey[g * MNIST_PIXELS + j] > 0.5 ? 1 : 0);
  }
  assert.equal(a.test.labels[17], raw.labels[g]);
  // A different seed gives a different split; the test set holds every digit.
  const c = loadMnistSplit({ seed: 1 });
  assert.notDeepEqual(c.train.indices.slice(0, 20), a.train.indices.slice(0, 20));
  assert.equal(new Set(a.test.labels).size, 10);
});

test("Bernoulli binarisation is seeded", () => {
  const a = loadMnistSplit({ binarize: "bernoulli", limitTrain: 10, limitTest: 10 });
  const b = loadMnistSplit({ binarize: "bernoulli", limitTrain: 10, limitTest: 10 });
  assert.deepEqual(a.train.x, b.train.x);
  for (const v of a.train.x) assert.ok(v === 0 || v === 1);
});
