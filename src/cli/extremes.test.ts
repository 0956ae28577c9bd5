import { test } from "node:test";
import assert from "node:assert/strict";
import { main, type CliIo } from "./main";

/** The extreme but valid specs of issue 15, each of which once ended in exit 1, null or a misleading message. */
function run(text: string, json = true): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const io: CliIo = { stdout: (s) => (out += s), stderr: (s) => (err += s), readStdin: () => text, readFile: () => text };
  return { code: main(["evaluate", ...(json ? ["--json"] : []), "-"], io), out, err };
}

function expectRefused(text: string, field: RegExp, label: string): string {
  const r = run(text);
  const msg = `${label}: status ${r.code}, stderr ${JSON.stringify(r.err.slice(0, 400))}`;
  assert.equal(r.code, 2, msg);
  const lines = r.err.split("\n").filter((l) => l !== "");
  assert.equal(lines.length, 1, msg);
  assert.match(lines[0], field, msg);
  assert.doesNotMatch(lines[0], /internal error/, msg);
  return lines[0];
}

const sn = (m: object) =>
  JSON.stringify({ model: { kind: "squared-normal", priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1], ...m }, q: { kind: "normal", mean: 0.3, sd: 0.4 }, samples: 2000 });
const coin = (a: number | string, b: number, samples = 20000) =>
  `{"model": {"kind": "beta-bernoulli", "priorA": 1, "priorB": 1, "data": [1, 0, 1]}, "q": {"kind": "beta", "a": ${a}, "b": ${b}}, "samples": ${samples}}`;

test("squared-normal at 1e-300, 5e-324, 1e300, 1.8e308: exit 2 naming the field and the range, not an internal error", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["priorSd 1e-300", sn({ priorSd: 1e-300 }), /^elbo-lab evaluate: model\.priorSd = 1e-300 is outside the range .* \[1e-15, 1000000000000000\]: /],
    ["priorSd 5e-324", sn({ priorSd: 5e-324 }), /model\.priorSd = 5e-324 is outside the range/],
    ["noiseSd 1e-300", sn({ noiseSd: 1e-300 }), /model\.noiseSd = 1e-300 is outside the range/],
    ["noiseSd 5e-324", sn({ noiseSd: 5e-324 }), /model\.noiseSd = 5e-324 is outside the range/],
    ["noiseSd 1e300", sn({ noiseSd: 1e300 }), /model\.noiseSd = 1e\+300 is outside the range/],
    ["priorMean 1e300", sn({ priorMean: 1e300 }), /model\.priorMean = 1e\+300 is outside the range/],
  ];
  for (const [label, text, field] of cases) expectRefused(text, field, label);
  // 1.8e308 is beyond the largest double: JSON.parse reads it as Infinity; say so, not "got Infinity".
  const over = sn({}).replace('"noiseSd":0.5', '"noiseSd":1.8e308');
  expectRefused(over, /model\.noiseSd is beyond the largest double .* reads as Infinity/, "noiseSd 1.8e308");
  expectRefused(sn({}).replace('"priorMean":0', '"priorMean":1.8e308'), /model\.priorMean is beyond the largest double/, "priorMean 1.8e308");
});

test("a spec nested 100 000 arrays deep is refused in one line (was: Maximum call stack size exceeded)", () => {
  const deep = `{"model": ${"[".repeat(100_000)}${"]".repeat(100_000)}, "q": {"kind": "normal", "mean": 0, "sd": 1}}`;
  expectRefused(deep, /spec nests arrays or objects 100001 deep/, "deep");
});

test("beta-bernoulli with tiny or U-shaped Beta q: finite exact parts, untrusted estimates flagged, never null", () => {
  // Beta(5e-324, 2): E_q[ln z] ≈ −1/a overflows; refused naming q.a.
  expectRefused(coin("5e-324", 2), /^elbo-lab evaluate: q\.a = 5e-324 is outside the range .*\[1e-100, 1e\+100\]/, "Beta(5e-324, 2)");
  // Beta(1e-17, 2): ELBO ≈ (k − 1 + 1)·E_q[ln z] ≈ −2·1e17 = finite; the draws underflow to z = 0.
  for (const [a, b] of [
    [1e-17, 2],
    [0.01, 0.01],
  ]) {
    for (const json of [true, false]) {
      const r = run(coin(a, b), json);
      assert.equal(r.code, 0, r.err);
      assert.doesNotMatch(r.out, /\bnull\b|NaN|Infinity/, r.out);
    }
    const o = JSON.parse(run(coin(a, b)).out);
    assert.ok(Number.isFinite(o.elbo));
    assert.equal(o.mc.trusted, false, JSON.stringify(o.mc));
    assert.match(o.mc.reason, /draws/);
    assert.ok(!("elbo" in o.mc), "an untrusted estimate carries no number");
    assert.match(run(coin(a, b), false).out, /Monte Carlo ELBO\s+untrusted \(note 1\)[\s\S]*1\. Monte Carlo ELBO: the draws/);
  }
  // An ordinary q is trusted, and its estimate agrees with the exact ELBO.
  const ok = JSON.parse(run(coin(2, 3)).out);
  assert.equal(ok.mc.trusted, true);
  assert.ok(Math.abs(ok.mc.elbo - ok.elbo) <= 5 * ok.mc.stderr, JSON.stringify(ok.mc)); // 5 standard errors, fixed seed
  for (const w of ok.iwae) assert.equal(w.trusted, true, JSON.stringify(w));
});

test("smaller cases: samples cap, long or binary fields quoted by prefix, BOM, seed 2^53, IWAE budget", () => {
  expectRefused(coin(2, 3, 1e8), /^elbo-lab evaluate: samples must be an integer in \[2, 10000000\] \(each million draws costs about/, "samples 1e8");
  const huge = `{"model": {"kind": "${"x".repeat(50 * 1024 * 1024)}"}, "q": {"kind": "normal", "mean": 0, "sd": 1}}`;
  const line = expectRefused(huge, /model\.kind must be one of .* got "x{40}"\.\.\. \(a string of 52428800 characters\)/, "50 MB kind");
  assert.ok(line.length < 300, `${line.length} characters`);
  const garbage = Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) % 256)).toString("latin1");
  const g = expectRefused(garbage, /spec is not valid JSON/, "binary garbage");
  assert.ok(g.length < 300 && !/[\u0000-\u001f\u007f-\u009f]/.test(g), JSON.stringify(g));

  const bom = run("\ufeff" + coin(2, 3, 100));
  assert.equal(bom.code, 0, bom.err);

  expectRefused(coin(2, 3, 100).replace("}, \"samples\"", '}, "seed": 9007199254740992, "samples"'), /seed must be an integer between -9007199254740991 and 9007199254740991 \(2\^53 - 1: /, "seed 2^53");
  const maxSeed = run(coin(2, 3, 100).replace("}, \"samples\"", '}, "seed": 9007199254740991, "samples"'));
  assert.equal(maxSeed.code, 0, maxSeed.err);

  // K = samples would need 2 groups, twice the budget: refused; K = samples/2 uses exactly the budget.
  expectRefused(coin(2, 3, 100).replace(/}$/, ', "iwaeK": [100]}'), /iwaeK\[0\] must be an integer in \[1, samples\/2 = 50\]/, "K = samples");
  const half = JSON.parse(run(coin(2, 3, 100).replace(/}$/, ', "iwaeK": [50]}')).out);
  assert.deepEqual(half.iwae.map((w: { k: number; groups: number }) => w.k * w.groups), [100]);
  // With few samples the default K values that do not fit are left out, not refused.
  assert.deepEqual(JSON.parse(run(coin(2, 3, 40)).out).iwae.map((w: { k: number }) => w.k), [1, 10]);
});
