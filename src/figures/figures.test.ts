/**
 * Snapshot tests of the figure builders: each builds a figure from seeded inputs and compares its
 * JSON with `src/figures/__snapshots__/<name>.json`. A difference fails; to accept a deliberate
 * change, run with UPDATE_SNAPSHOTS=1 and commit the new files after looking at the diff.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import {
  PALETTE,
  ROLE_NAME,
  contourFigure,
  densityFigure,
  elboGapFigure,
  elboTermsFigure,
  lineFigure,
  scatterFigure,
  stackedBarFigure,
  surfaceFigure,
  sweepFigure,
  type Figure,
} from "./index";

function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error("no package.json above " + __dirname);
    dir = up;
  }
  return dir;
}
const SNAP_DIR = path.join(projectRoot(), "src", "figures", "__snapshots__");
const UPDATE = process.env.UPDATE_SNAPSHOTS === "1";

function matchSnapshot(name: string, fig: Figure): void {
  const file = path.join(SNAP_DIR, `${name}.json`);
  const actual = JSON.stringify(fig, null, 1) + "\n";
  if (UPDATE) {
    fs.mkdirSync(SNAP_DIR, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  assert.ok(fs.existsSync(file), `snapshot ${path.relative(projectRoot(), file)} is missing: run the tests with UPDATE_SNAPSHOTS=1 to write it`);
  const expected = fs.readFileSync(file, "utf8");
  assert.deepEqual(JSON.parse(actual), JSON.parse(expected), `figure "${name}" differs from its snapshot ${path.relative(projectRoot(), file)} (UPDATE_SNAPSHOTS=1 accepts a deliberate change)`);
}

/** A seeded LCG (Numerical Recipes constants): reproducible "random" inputs without Math.random. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const normalPdf = (x: number, m: number, s: number) => Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));
const grid = (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
const z = grid(-4, 4, 41);

test("densityFigure: prior, likelihood, posterior and q in their palette colours", () => {
  const fig = densityFigure({
    title: "Prior, likelihood, posterior and q",
    z,
    curves: {
      prior: z.map((v) => normalPdf(v, 0, 1)),
      likelihood: z.map((v) => normalPdf(1.5, v, 1)),
      posterior: z.map((v) => normalPdf(v, 0.75, Math.SQRT1_2)),
      q: z.map((v) => normalPdf(v, 0.5, 0.9)),
    },
  });
  assert.deepEqual(fig.data.map((t) => t.line?.color), [PALETTE.prior, PALETTE.likelihood, PALETTE.posterior, PALETTE.q]);
  assert.deepEqual(fig.data.map((t) => t.name), [ROLE_NAME.prior, ROLE_NAME.likelihood, ROLE_NAME.posterior, ROLE_NAME.q]);
  matchSnapshot("density", fig);
});

test("lineFigure and scatterFigure: seeded series, axis titles with units", () => {
  const rnd = lcg(42);
  const steps = Array.from({ length: 20 }, (_, i) => i);
  const elbo = steps.map((s) => -3 + 1.2 * (1 - Math.exp(-s / 5)) + 0.05 * (rnd() - 0.5));
  const line = lineFigure({
    title: "ELBO during training",
    x: { label: "step" },
    y: { label: "value", unit: "nats" },
    xValues: steps,
    series: [{ role: "elbo", y: elbo }, { role: "logEvidence", y: steps.map(() => -1.75) }],
  });
  assert.equal(line.layout.yaxis?.title?.text, "value (nats)");
  matchSnapshot("line", line);
  const scatter = scatterFigure({
    title: "Monte Carlo estimates",
    x: { label: "number of samples" , log: true },
    y: { label: "ELBO estimate", unit: "nats" },
    series: [{ name: "estimate", x: [10, 100, 1000, 10000], y: [0, 1, 2, 3].map(() => -2 + 0.3 * (rnd() - 0.5)) }],
  });
  assert.equal(scatter.data[0].mode, "markers");
  matchSnapshot("scatter", scatter);
});

test("sweepFigure: one frame per value, a slider step per frame, the active frame drawn first", () => {
  const means = [-2, -1, 0, 1, 2];
  const fig = sweepFigure({
    title: "Moving the mean of q",
    x: { label: "latent variable z" },
    y: { label: "density", unit: "per unit z" },
    parameter: { label: "mean of q", values: means },
    frame: (m) => [
      { role: "posterior", x: z, y: z.map((v) => normalPdf(v, 0.75, Math.SQRT1_2)) },
      { role: "q", x: z, y: z.map((v) => normalPdf(v, m, 0.7)) },
    ],
    caption: (m) => `q mean ${m}`,
  });
  assert.equal(fig.frames?.length, 5);
  assert.equal(fig.layout.sliders?.[0].steps.length, 5);
  assert.equal(fig.layout.sliders?.[0].active, 2);
  assert.deepEqual(fig.data[1].y, fig.frames?.[2].data[1].y);
  assert.deepEqual(fig.layout.sliders?.[0].steps.map((s) => s.args[0][0]), fig.frames?.map((f) => f.name));
  matchSnapshot("sweep", fig);
  assert.throws(
    () => sweepFigure({ title: "bad", x: { label: "z" }, y: { label: "d" }, parameter: { label: "m", values: [0, 1] }, frame: (m) => (m === 0 ? [{ x: z, y: z }] : []) }),
    /frame 1 has 0 series, frame 0 had 1/,
  );
});

test("ELBO bars: the KL bar floats on the ELBO and ends at log p(x)", () => {
  const elbo = [-2.1, -1.9, -1.8];
  const kl = [0.4, 0.2, 0.1];
  const gap = elboGapFigure({ title: "log p(x) = ELBO + KL(q ‖ p(z | x))", cases: ["q₁", "q₂", "q₃"], elbo, klPosterior: kl });
  assert.deepEqual(gap.data[1].base, elbo);
  assert.deepEqual(gap.data[2].y, [-1.7, -1.7, -1.7]);
  // Stacked, not overlapping: the ELBO bar ends at the ELBO, the KL bar starts there and ends at log p(x).
  const [elboBar, klBar] = gap.data as Array<{ y: number[]; base: number[] }>;
  elbo.forEach((e, i) => {
    assert.ok(Math.abs(elboBar.base[i] + elboBar.y[i] - e) < 1e-12, `ELBO bar ${i} ends at ${elboBar.base[i] + elboBar.y[i]}, not ${e}`);
    assert.ok(elboBar.y[i] > 0 && elboBar.base[i] < e, `ELBO bar ${i} rises to the ELBO from below`);
    assert.equal(klBar.base[i], e);
    assert.ok(Math.abs(klBar.base[i] + klBar.y[i] - -1.7) < 1e-12, `KL bar ${i} ends at log p(x)`);
  });
  // With positive values the floor is 0.
  const pos = elboGapFigure({ title: "t", cases: ["a"], elbo: [2], klPosterior: [0.5] });
  assert.deepEqual((pos.data[0] as { base: number[] }).base, [0]);
  matchSnapshot("elbo-gap", gap);
  const terms = elboTermsFigure({ title: "ELBO = reconstruction − KL(q ‖ p(z))", cases: ["q₁", "q₂"], reconstruction: [-1.2, -1.0], klPrior: [0.6, 0.9] });
  assert.deepEqual(terms.data[2].y, [-1.8, -1.9]);
  matchSnapshot("elbo-terms", terms);
  const stacked = stackedBarFigure({
    title: "ELBO = E_q[log p(x, z)] + H[q]",
    cases: ["q₁", "q₂"],
    terms: [{ name: "E_q[log p(x, z)]", values: [-3.2, -3.0] }, { role: "entropy", values: [1.4, 1.1] }],
    total: { role: "elbo", values: [-1.8, -1.9] },
  });
  matchSnapshot("stacked", stacked);
  assert.throws(() => elboGapFigure({ title: "t", cases: ["a"], elbo: [1, 2], klPosterior: [1] }), /elbo has 2 values, expected 1/);
});

test("contourFigure and surfaceFigure over two parameters of q", () => {
  const means = grid(-1, 2, 7);
  const sds = grid(0.3, 1.5, 5);
  const elbo = sds.map((s) => means.map((m) => -0.5 * (m - 0.75) ** 2 - (s - 0.7) ** 2 - 1.7));
  const spec = {
    title: "ELBO over the parameters of q",
    x: means,
    y: sds,
    z: elbo,
    xAxis: { label: "mean of q" },
    yAxis: { label: "sd of q" },
    zAxis: { label: "ELBO", unit: "nats" },
    marker: { x: 0.75, y: 0.707, name: "exact posterior" },
  };
  const c = contourFigure(spec);
  assert.equal((c.data[0].z as number[][]).length, 5);
  matchSnapshot("contour", c);
  matchSnapshot("surface", surfaceFigure(spec));
  assert.throws(() => contourFigure({ ...spec, z: elbo.slice(1) }), /z has 4 rows, expected 5/);
});

test("the palette gives every role its own colour", () => {
  const colours = Object.values(PALETTE);
  assert.equal(new Set(colours).size, colours.length, `duplicate colours in ${JSON.stringify(PALETTE)}`);
});
