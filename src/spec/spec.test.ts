import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose, EPS } from "../testing/assert-close";
import { parseEvaluateSpec, SpecError, modelFromSpec, qFromSpec, validateEvaluateSpec } from "./spec";
import { evaluateSpec } from "./evaluate";

const good = {
  model: { kind: "normal-normal", priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] },
  q: { kind: "normal", mean: 0.3, sd: 0.4 },
  samples: 20000,
  seed: 1,
  iwaeK: [1, 10],
};

test("validateEvaluateSpec fills defaults and builds the model and q", () => {
  const s = validateEvaluateSpec({ model: good.model, q: good.q });
  assert.equal(s.samples, 100_000);
  assert.equal(s.seed, 1);
  assert.deepEqual(s.iwaeK, [1, 10, 100]);
  assert.equal(modelFromSpec(good.model).kind, "normal-normal");
  assert.equal(qFromSpec({ kind: "beta", a: 2, b: 3 }).mean, 0.4);
});

test("bad specs give a SpecError naming the field", () => {
  const bad: Array<[unknown, string, RegExp]> = [
    [{ ...good, q: { kind: "normal", mean: 0, sd: -1 } }, "q.sd", /^q\.sd must be a number > 0, got -1$/],
    [{ ...good, q: { kind: "gauss", mean: 0, sd: 1 } }, "q.kind", /^q\.kind must be one of "normal", "beta", got "gauss"$/],
    [{ ...good, model: { ...good.model, kind: "poisson" } }, "model.kind", /model\.kind must be one of/],
    [{ ...good, model: { ...good.model, noiseSd: undefined } }, "model.noiseSd", /^model\.noiseSd is missing$/],
    [{ ...good, model: { ...good.model, data: [1, "x"] } }, "model.data[1]", /^model\.data\[1\] must be a finite number, got "x"$/],
    [{ ...good, model: { kind: "beta-bernoulli", priorA: 1, priorB: 1, data: [1, 0.5] }, q: { kind: "beta", a: 1, b: 1 } }, "model.data[1]", /must be 0 or 1/],
    [{ ...good, model: { kind: "beta-bernoulli", priorA: 1, priorB: 1, data: [1] } }, "q.kind", /q\.kind "normal" does not fit the beta-bernoulli model/],
    [{ ...good, samples: 0 }, "samples", /^samples must be an integer/],
    [{ ...good, iwaeK: [1, 0] }, "iwaeK[1]", /^iwaeK\[1\] must be an integer/],
    [{ ...good, sample: 10 }, "sample", /^sample is not a known field/],
    [{ ...good, q: { ...good.q, sigma: 1 } }, "q.sigma", /^q\.sigma is not a known field/],
    [[1, 2], "spec", /^spec must be a JSON object/],
  ];
  for (const [spec, fieldName, message] of bad) {
    assert.throws(
      () => validateEvaluateSpec(spec),
      (e: unknown) => e instanceof SpecError && e.field === fieldName && message.test(e.message) && !e.message.includes("\n"),
      `${fieldName}: ${JSON.stringify(spec)}`,
    );
  }
  assert.throws(() => parseEvaluateSpec("{oops"), (e: unknown) => e instanceof SpecError && e.field === "spec" && /not valid JSON/.test(e.message));
});

test("evaluateSpec returns the exact parts, an MC ELBO within 5 se, and one IWAE entry per K", () => {
  const r = evaluateSpec(good);
  assertClose(r.logEvidence, r.elbo + r.klToPosterior, 64 * EPS * 4);
  assert.ok(r.mc.trusted, JSON.stringify(r.mc));
  if (r.mc.trusted) assertClose(r.mc.elbo, r.elbo, 5 * r.mc.stderr, r.mc);
  assert.deepEqual(r.iwae.map((w) => w.k), [1, 10]);
  assert.deepEqual(r.posterior.kind, "normal");
  assert.equal(r.mc.samples, 20000);
  // deterministic: the same spec gives the same numbers
  assert.deepEqual(evaluateSpec(good), r);
});
