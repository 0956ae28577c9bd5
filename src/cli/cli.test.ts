import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertClose, EPS } from "../testing/assert-close";
import { loadReference, repoRoot } from "../testing/reference";
import { elboParts } from "../elbo/elbo-parts";
import { normalNormalModel } from "../models/normal-normal";
import { Normal } from "../dists/normal";

const BIN = join(repoRoot(), "bin", "elbo-lab.js");
const dir = mkdtempSync(join(tmpdir(), "elbo-lab-cli-"));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const goodSpec = {
  model: { kind: "normal-normal", priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] },
  q: { kind: "normal", mean: 0.3, sd: 0.4 },
  samples: 20000,
  seed: 1,
  iwaeK: [1, 10, 100],
};

function specFile(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** Bad input: status 2, exactly one line on stderr, naming the field, no stack trace. */
function expectBad(r: { status: number | null; stderr: string; stdout: string }, field: RegExp, label: string) {
  const msg = `${label}: status ${r.status}, stderr ${JSON.stringify(r.stderr)}`;
  assert.equal(r.status, 2, msg);
  assert.equal(r.stdout, "", msg);
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  assert.equal(lines.length, 1, msg);
  assert.match(lines[0], /^elbo-lab evaluate: /, msg);
  assert.match(lines[0], field, msg);
  assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/, msg);
}

test("elbo-lab evaluate: every bad-spec case exits with status 2 and one line naming the field", () => {
  const withModel = (m: object) => JSON.stringify({ ...goodSpec, model: { ...goodSpec.model, ...m } });
  const withQ = (q: object) => JSON.stringify({ ...goodSpec, q });
  const cases: Array<[string, string, RegExp]> = [
    ["unknown model kind", withModel({ kind: "poisson" }), /model\.kind/],
    ["unknown q kind", withQ({ kind: "cauchy", mean: 0, sd: 1 }), /q\.kind/],
    ["missing field", JSON.stringify({ ...goodSpec, model: { kind: "normal-normal", priorMean: 0, priorSd: 1, data: [1] } }), /model\.noiseSd is missing/],
    ["sd <= 0", withQ({ kind: "normal", mean: 0, sd: -1 }), /q\.sd must be a number > 0, got -1/],
    ["sd = 0 in the model", withModel({ priorSd: 0 }), /model\.priorSd must be a number > 0, got 0/],
    ["non-numeric data", withModel({ data: [0.8, "1.1"] }), /model\.data\[1\]/],
    ["data outside the coin's support", JSON.stringify({ ...goodSpec, model: { kind: "beta-bernoulli", priorA: 1, priorB: 1, data: [1, 0, 3] }, q: { kind: "beta", a: 1, b: 1 } }), /model\.data\[2\] must be 0 or 1/],
    ["q support does not fit the model", JSON.stringify({ ...goodSpec, model: { kind: "beta-bernoulli", priorA: 1, priorB: 1, data: [1] } }), /q\.kind "normal" does not fit/],
    ["malformed JSON", '{"model": {', /not valid JSON/],
    ["unknown top-level field", JSON.stringify({ ...goodSpec, sample: 3 }), /sample is not a known field/],
  ];
  for (const [label, text, field] of cases) {
    expectBad(run(["evaluate", specFile(label.replace(/\W+/g, "-") + ".json", text)]), field, label);
  }
  expectBad(run(["evaluate", "-"], withQ({ kind: "normal", mean: 0, sd: -1 })), /q\.sd/, "stdin");
  expectBad(run(["evaluate", join(dir, "does-not-exist.json")]), /cannot read spec file .*no such file/, "missing file");
  expectBad(run(["evaluate"]), /missing spec file/, "no file");
  expectBad(run(["evaluate", "--frobnicate", "x.json"]), /unknown option/, "unknown option");
  const noCommand = run(["explode"]);
  assert.equal(noCommand.status, 2);
});

test("elbo-lab --help prints usage; a good spec's JSON matches the library and the reference", () => {
  const help = run(["--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: elbo-lab evaluate/);

  const r = run(["evaluate", "--json", specFile("good.json", JSON.stringify(goodSpec))]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  for (const key of ["logEvidence", "elbo", "klToPosterior", "expectedLogLik", "klToPrior", "expectedLogJoint", "entropy", "posterior", "mc", "iwae"]) {
    assert.ok(key in out, key);
  }
  const lib = elboParts(normalNormalModel(goodSpec.model as never), new Normal(0.3, 0.4));
  for (const key of ["logEvidence", "elbo", "klToPosterior", "expectedLogLik", "klToPrior", "expectedLogJoint", "entropy"] as const) {
    assert.equal(out[key], lib[key], key); // JSON round-trips doubles exactly
  }
  const ref = loadReference().models.gaussian.find((g: { name: string }) => g.name === "nn-basic");
  for (const key of ["logEvidence", "elbo", "klToPosterior", "expectedLogLik", "klToPrior", "expectedLogJoint", "entropy"]) {
    assertClose(out[key], ref.parts[key], 1e-10 * 4, key);
  }
  assertClose(out.posterior.mean, ref.posterior.mean, 4 * EPS);
  assertClose(out.mc.elbo, out.elbo, 5 * out.mc.stderr, out.mc); // 5 standard errors, fixed seed
  assert.deepEqual(out.iwae.map((w: { k: number }) => w.k), [1, 10, 100]);
  for (const w of out.iwae) assert.ok(Number.isFinite(w.estimate) && Number.isFinite(w.stderr));

  // the same spec on standard input, as a table
  const t = run(["evaluate", "-"], JSON.stringify(goodSpec));
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /log p\(x\)\s+-2\.04130610506/);
  assert.match(t.stdout, /KL\(q \|\| p\(z\|x\)\)/);
});
