/**
 * smallMultiples: a slider figure prints as a grid of a few labelled frames; a figure without frames
 * is left alone.
 */
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { evenlySpaced, lineFigure, smallMultiplePanels, smallMultiples, smallMultiplesSize, sweepFigure, wrapCaption } from "./index";

const z = Array.from({ length: 21 }, (_, i) => i / 10);
const sweep = (values: number[], caption?: (v: number) => string) =>
  sweepFigure({
    title: "q slides",
    x: { label: "z", range: [0, 2] },
    y: { label: "density" },
    parameter: { label: "mean of q", values },
    frame: (m) => [{ role: "posterior", x: z, y: z.map((v) => v * 2) }, { role: "q", x: z, y: z.map((v) => v * m) }],
    ...(caption ? { caption: (v: number) => caption(v) } : {}),
  });

test("evenlySpaced: first and last always, evenly between; all when there are few", () => {
  assert.deepEqual(evenlySpaced(7, 4), [0, 2, 4, 6]);
  assert.deepEqual(evenlySpaced(10, 4), [0, 3, 6, 9]);
  assert.deepEqual(evenlySpaced(3, 4), [0, 1, 2]);
  assert.deepEqual(evenlySpaced(1, 4), [0]);
  assert.throws(() => evenlySpaced(0, 4), /n must be an integer ≥ 1, got 0/);
  assert.throws(() => evenlySpaced(5, 1), /count must be an integer ≥ 2, got 1/);
});

test("a figure without frames is returned unchanged (the same object, the same size)", () => {
  const fig = lineFigure({ title: "plain", x: { label: "z" }, y: { label: "y" }, xValues: z, series: [{ y: z }] });
  assert.equal(smallMultiples(fig), fig);
  assert.deepEqual(smallMultiplePanels(fig), []);
  assert.deepEqual(smallMultiplesSize(fig, { width: 760, height: 420 }), { width: 760, height: 420 });
});

test("a 7-frame slider figure prints as 4 panels in a 2 × 2 grid, labelled with their slider steps", () => {
  const fig = sweep([0, 0.5, 1, 1.5, 2, 2.5, 3]);
  const out = smallMultiples(fig);
  assert.equal(out.frames, undefined, "no frames in the printed form");
  assert.equal(out.layout.sliders, undefined, "no slider on paper");
  // 2 series per frame, 4 panels.
  assert.equal(out.data.length, 8);
  const axes = out.data.map((t) => `${t.xaxis}/${t.yaxis}`);
  assert.deepEqual(axes, ["x/y", "x/y", "x2/y2", "x2/y2", "x3/y3", "x3/y3", "x4/y4", "x4/y4"]);
  // Each panel shows its frame's data: frames 0, 2, 4, 6 (means 0, 1, 2, 3).
  [0, 2, 4, 6].forEach((f, k) => assert.deepEqual(out.data[2 * k + 1].y, fig.frames![f].data[1].y, `panel ${k} is frame ${f}`));
  const labels = (out.layout.annotations ?? []).map((a) => a.text);
  assert.deepEqual(labels, ["mean of q = 0", "mean of q = 1", "mean of q = 2", "mean of q = 3"]);
  // Domains: two columns and two rows that do not overlap, every panel with the original axis settings.
  const dom = (k: string) => (out.layout[k] as { domain: [number, number] }).domain;
  assert.ok(dom("xaxis")[1] < dom("xaxis2")[0] && dom("yaxis3")[1] < dom("yaxis")[0], "a 2 × 2 grid");
  for (const k of ["xaxis", "xaxis2", "xaxis3", "xaxis4"]) assert.deepEqual((out.layout[k] as { range: number[] }).range, [0, 2]);
  // One legend: only the first panel's traces are listed.
  assert.deepEqual(out.data.map((t) => t.showlegend !== false), [true, true, false, false, false, false, false, false]);
  assert.match(out.layout.title!.text, /^q slides<br><sup>4 of 7 slider positions<\/sup>$/);
  assert.ok(smallMultiplesSize(fig, { width: 760, height: 500 }).height > 500, "taller than one frame");
});

test("wrapCaption: lines of at most max characters, split after commas and semicolons", () => {
  assert.deepEqual(wrapCaption("a, b; c", 100), ["a, b; c"]);
  assert.deepEqual(wrapCaption("aaaa, bbbb, cccc", 10), ["aaaa,", "bbbb, cccc"]);
  assert.deepEqual(wrapCaption("a longer piece than max, x", 5), ["a longer piece than max,", "x"], "a piece longer than max keeps a line of its own");
  for (const line of wrapCaption("ELBO = -17.8527, KL(q ‖ p(z|x)) = 10.5000, log p(x) = -7.3527", 40)) assert.ok(line.length <= 40, line);
});

test("a frame's caption (the <sup> line of its title) is printed under its panel label", () => {
  const out = smallMultiples(sweep([0, 1, 2, 3, 4], (v) => `ELBO = ${-v}`));
  const labels = (out.layout.annotations ?? []).map((a) => String(a.text));
  assert.equal(labels.length, 4);
  assert.match(labels[0], /^mean of q = 0<br>.*ELBO = 0/);
  assert.match(labels[3], /^mean of q = 4<br>.*ELBO = -4/);
});
