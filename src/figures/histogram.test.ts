import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../testing/assert-close";
import { histogramBins, histogramFigure } from "./histogram";
import { PALETTE } from "./palette";

test("histogramBins: counts by hand, the last edge included, density area = fraction inside", () => {
  const h = histogramBins([0, 0.1, 0.5, 0.99, 1, 2, NaN], 2, [0, 1]);
  assert.deepEqual(h.centers, [0.25, 0.75]);
  assert.equal(h.width, 0.5);
  assert.equal(h.inside, 5); // 2 and NaN fall outside
  // bin 0 holds 0, 0.1 (2 samples); bin 1 holds 0.5, 0.99, 1 (3 samples); n = 7
  assertClose(h.density[0], 2 / (7 * 0.5), 1e-15);
  assertClose(h.density[1], 3 / (7 * 0.5), 1e-15);
  assertClose(h.density.reduce((a, d) => a + d * h.width, 0), 5 / 7, 1e-15);
});

test("histogramBins: default range is [min, max]; bad input names the value", () => {
  const h = histogramBins([3, 1, 2], 4);
  assertClose(h.centers[0], 1.25, 1e-15);
  assert.equal(h.inside, 3);
  assert.throws(() => histogramBins([1, 2], 0), /bins must be an integer >= 1, got 0/);
  assert.throws(() => histogramBins([1, 1], 3), /hi > lo, got \[1, 1\]/);
});

test("histogramFigure: bars, then curves, then markers in role colours spanning the bars' height", () => {
  const fig = histogramFigure({
    title: "t",
    x: { label: "v" },
    samples: [0, 0.2, 0.4, 0.6, 0.8, 1],
    bins: 5,
    curves: [{ name: "exact", x: [0, 1], y: [1, 1] }],
    markers: [{ role: "elbo", at: 0.5 }, { at: 0.7, name: "other" }],
  });
  assert.equal(fig.data.length, 4);
  assert.equal(fig.data[0].type, "bar");
  assert.equal(fig.data[1].name, "exact");
  assert.equal(fig.data[2].name, "ELBO");
  assert.equal(fig.data[2].line?.color, PALETTE.elbo);
  assert.deepEqual(fig.data[2].x, [0.5, 0.5]);
  assert.equal(fig.data[3].name, "other");
  // tallest bar: 2 of 6 samples in the last bin (0.8 and 1), width 0.2 → density 1.6667
  assertClose(fig.data[2].y?.[1] as number, 1.05 * (2 / 6 / 0.2), 1e-5);
});
