import { describeValue } from "../dists/errors";
import { Beta } from "../dists/beta";
import { Normal } from "../dists/normal";
import { formatInterval } from "../elbo/support";
import { betaBernoulliModel, type BetaBernoulliModel } from "../models/beta-bernoulli";
import { normalNormalModel, type NormalNormalModel } from "../models/normal-normal";
import { squaredNormalModel, type SquaredNormalModel } from "../models/squared-normal";
import { checkRanges, checkResolution } from "./ranges";
import { SpecError } from "./spec-error";
import type { BetaBernoulliSpec, NormalNormalSpec, ScalarModel, SquaredNormalSpec } from "../models/types";

export { SpecError };

/** A variational family in plain data. */
export type QSpec = { kind: "normal"; mean: number; sd: number } | { kind: "beta"; a: number; b: number };

/** The one-dimensional model specs `elbo-lab evaluate` accepts. */
export type ScalarModelSpec = NormalNormalSpec | SquaredNormalSpec | BetaBernoulliSpec;

/** A validated `elbo-lab evaluate` spec, defaults filled in. */
export interface EvaluateSpec {
  model: ScalarModelSpec;
  q: QSpec;
  /** Monte Carlo draws for the ELBO estimate, and the budget per K for IWAE (default 100 000). */
  samples: number;
  /** Seed of the generator (default 1). */
  seed: number;
  /** The K values of the importance-weighted bound (default [1, 10, 100]). */
  iwaeK: number[];
}

/** Default K values of the IWAE bound; those above samples/2 are left out. */
export const DEFAULT_IWAE_K: readonly number[] = [1, 10, 100];

/** Default number of Monte Carlo draws. */
export const DEFAULT_SAMPLES = 100_000;
/**
 * Largest accepted number of draws. The Monte Carlo ELBO and each K of the IWAE bound draw
 * `samples` each, so the default three K values cost four times `samples` draws: about 1.5 s per
 * million for a Beta q (gamma variates), 0.9 s for squared-normal and 0.6 s for normal-normal on
 * this project's machines, so ~15 s at this cap. 10⁸ took minutes with no output.
 */
export const MAX_SAMPLES = 10_000_000;

/** The largest |seed|: every integer up to it is exact in JSON (a double); 2⁵³ + 1 would read as 2⁵³. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** How deep a spec may nest arrays and objects (a valid one needs 3: spec → model → data). */
export const MAX_SPEC_DEPTH = 32;

const MODEL_KINDS = ["normal-normal", "beta-bernoulli", "squared-normal"] as const;
const Q_KINDS = ["normal", "beta"] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function requireObject(path: string, v: unknown): Record<string, unknown> {
  if (v === undefined) throw new SpecError(path, `${path} is missing`);
  if (!isObject(v)) throw new SpecError(path, `${path} must be an object, got ${describeValue(v)}`);
  return v;
}

function rejectUnknown(path: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      const where = path ? `${path}.${key}` : key;
      throw new SpecError(where, `${where} is not a known field (expected one of: ${allowed.join(", ")})`);
    }
  }
}

function field(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** JSON has no Infinity: a parsed ±Infinity was a literal beyond the largest double, e.g. 1.8e308. */
function overflowed(where: string, v: unknown): void {
  if (v === Infinity || v === -Infinity) {
    throw new SpecError(where, `${where} is beyond the largest double (±1.7976931348623157e308) and reads as ${String(v)}; give a finite number`);
  }
}

function num(path: string, obj: Record<string, unknown>, key: string, rule: "finite" | "positive"): number {
  const where = field(path, key);
  const v = obj[key];
  if (v === undefined) throw new SpecError(where, `${where} is missing`);
  overflowed(where, v);
  if (rule === "positive") {
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw new SpecError(where, `${where} must be a number > 0, got ${describeValue(v)}`);
  } else if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new SpecError(where, `${where} must be a finite number, got ${describeValue(v)}`);
  }
  return v;
}

function kindOf(path: string, obj: Record<string, unknown>, kinds: readonly string[]): string {
  const where = field(path, "kind");
  const k = obj.kind;
  if (k === undefined) throw new SpecError(where, `${where} is missing (one of: ${kinds.join(", ")})`);
  if (typeof k !== "string" || !kinds.includes(k)) {
    throw new SpecError(where, `${where} must be one of ${kinds.map((s) => JSON.stringify(s)).join(", ")}, got ${describeValue(k)}`);
  }
  return k;
}

function dataArray(path: string, obj: Record<string, unknown>, binary: boolean): number[] {
  const where = field(path, "data");
  const v = obj.data;
  if (v === undefined) throw new SpecError(where, `${where} is missing`);
  if (!Array.isArray(v)) throw new SpecError(where, `${where} must be an array of ${binary ? "0/1 values" : "numbers"}, got ${describeValue(v)}`);
  return v.map((x, i) => {
    if (binary) {
      if (x !== 0 && x !== 1) throw new SpecError(`${where}[${i}]`, `${where}[${i}] must be 0 or 1 (the coin's data), got ${describeValue(x)}`);
    } else if (typeof x !== "number" || !Number.isFinite(x)) {
      overflowed(`${where}[${i}]`, x);
      throw new SpecError(`${where}[${i}]`, `${where}[${i}] must be a finite number, got ${describeValue(x)}`);
    }
    return x as number;
  });
}

/**
 * Validates a model spec (plain data, e.g. parsed JSON) and returns it typed, with every problem
 * reported as a {@link SpecError} naming the field (`model.noiseSd must be a number > 0, got 0`).
 *
 * @example validateModelSpec({ kind: "beta-bernoulli", priorA: 1, priorB: 1, data: [1, 0] }).kind // "beta-bernoulli"
 */
export function validateModelSpec(value: unknown, path = "model"): ScalarModelSpec {
  const obj = requireObject(path, value);
  const kind = kindOf(path, obj, MODEL_KINDS);
  if (kind === "beta-bernoulli") {
    rejectUnknown(path, obj, ["kind", "priorA", "priorB", "data"]);
    return { kind, priorA: num(path, obj, "priorA", "positive"), priorB: num(path, obj, "priorB", "positive"), data: dataArray(path, obj, true) };
  }
  rejectUnknown(path, obj, ["kind", "priorMean", "priorSd", "noiseSd", "data"]);
  return {
    kind: kind as "normal-normal" | "squared-normal",
    priorMean: num(path, obj, "priorMean", "finite"),
    priorSd: num(path, obj, "priorSd", "positive"),
    noiseSd: num(path, obj, "noiseSd", "positive"),
    data: dataArray(path, obj, false),
  };
}

/**
 * Validates a q spec: `{kind: "normal", mean, sd}` or `{kind: "beta", a, b}`.
 * @example validateQSpec({ kind: "normal", mean: 0, sd: -1 }) // throws SpecError "q.sd must be a number > 0, got -1"
 */
export function validateQSpec(value: unknown, path = "q"): QSpec {
  const obj = requireObject(path, value);
  const kind = kindOf(path, obj, Q_KINDS);
  if (kind === "normal") {
    rejectUnknown(path, obj, ["kind", "mean", "sd"]);
    return { kind, mean: num(path, obj, "mean", "finite"), sd: num(path, obj, "sd", "positive") };
  }
  rejectUnknown(path, obj, ["kind", "a", "b"]);
  return { kind: "beta", a: num(path, obj, "a", "positive"), b: num(path, obj, "b", "positive") };
}

/**
 * Builds the model a spec describes (validating it first).
 * @example modelFromSpec({ kind: "normal-normal", priorMean: 0, priorSd: 1, noiseSd: 1, data: [1] }).logEvidence() // -1.5155121234846454
 */
export function modelFromSpec(value: unknown, path = "model"): NormalNormalModel | SquaredNormalModel | BetaBernoulliModel {
  const spec = validateModelSpec(value, path);
  switch (spec.kind) {
    case "normal-normal":
      return normalNormalModel(spec);
    case "squared-normal":
      return squaredNormalModel(spec);
    case "beta-bernoulli":
      return betaBernoulliModel(spec);
  }
}

/**
 * Builds the distribution a q spec describes (validating it first).
 * @example qFromSpec({ kind: "beta", a: 2, b: 3 }).mean // 0.4
 */
export function qFromSpec(value: unknown, path = "q"): Normal | Beta {
  const spec = validateQSpec(value, path);
  return spec.kind === "normal" ? new Normal(spec.mean, spec.sd) : new Beta(spec.a, spec.b);
}

/**
 * Requires q's support to lie inside the model's latent support; a SpecError on `q.kind`
 * otherwise (a Normal q for the coin, whose z lives in [0, 1]).
 */
export function checkQFitsModel(model: ScalarModel, q: Normal | Beta, path = "q"): void {
  if (q.support.lower < model.support.lower || q.support.upper > model.support.upper) {
    const where = `${path}.kind`;
    const suggestion = model.kind === "beta-bernoulli" ? "; use a beta q" : "";
    throw new SpecError(
      where,
      `${where} ${JSON.stringify(q.kind)} does not fit the ${model.kind} model: q has support ${formatInterval(q.support)} but the latent lives in ${formatInterval(model.support)}${suggestion}`,
    );
  }
}

/**
 * Validates a whole `elbo-lab evaluate` spec (parsed JSON) and fills the defaults
 * (samples 100 000, seed 1, iwaeK [1, 10, 100]). Unknown fields are errors, so a typo such as
 * "sample" cannot silently fall back to a default.
 *
 * @example validateEvaluateSpec({ model: {...}, q: { kind: "normal", mean: 0, sd: 1 } }).samples // 100000
 */
export function validateEvaluateSpec(value: unknown): EvaluateSpec {
  if (!isObject(value)) throw new SpecError("spec", `spec must be a JSON object, got ${describeValue(value)}`);
  rejectUnknown("", value, ["model", "q", "samples", "seed", "iwaeK"]);
  const model = validateModelSpec(value.model, "model");
  const q = validateQSpec(value.q, "q");
  let samples = DEFAULT_SAMPLES;
  if (value.samples !== undefined) {
    const s = value.samples;
    if (typeof s !== "number" || !Number.isInteger(s) || s < 2 || s > MAX_SAMPLES) {
      const cost = typeof s === "number" && s > MAX_SAMPLES ? " (each million draws costs about 1.5 s per estimate; the cap keeps a run under ~15 s)" : "";
      throw new SpecError("samples", `samples must be an integer in [2, ${MAX_SAMPLES}]${cost}, got ${describeValue(s)}`);
    }
    samples = s;
  }
  let seed = 1;
  if (value.seed !== undefined) {
    const s = value.seed;
    if (typeof s !== "number" || !Number.isInteger(s)) throw new SpecError("seed", `seed must be an integer, got ${describeValue(s)}`);
    if (Math.abs(s) > MAX_SEED) {
      throw new SpecError("seed", `seed must be an integer between -${MAX_SEED} and ${MAX_SEED} (2^53 - 1: larger integers are not exact in JSON, so two different seeds could read as one), got ${describeValue(s)}`);
    }
    seed = s;
  }
  // The default K values that fit the budget (at least 2 groups of K in `samples` draws).
  let iwaeK = DEFAULT_IWAE_K.filter((k) => k <= Math.floor(samples / 2));
  if (value.iwaeK !== undefined) {
    const ks = value.iwaeK;
    if (!Array.isArray(ks)) throw new SpecError("iwaeK", `iwaeK must be an array of integers >= 1, got ${describeValue(ks)}`);
    const maxK = Math.floor(samples / 2);
    iwaeK = ks.map((k, i) => {
      if (typeof k !== "number" || !Number.isInteger(k) || k < 1 || k > maxK) {
        throw new SpecError(
          `iwaeK[${i}]`,
          `iwaeK[${i}] must be an integer in [1, samples/2 = ${maxK}] (the budget of samples = ${samples} draws must hold at least 2 groups of K for a standard error), got ${describeValue(k)}`,
        );
      }
      return k;
    });
  }
  const built = modelFromSpec(model, "model");
  checkQFitsModel(built, qFromSpec(q, "q"), "q");
  checkRanges({ model, q });
  if (built.kind === "squared-normal") checkResolution(built, q);
  return { model, q, samples, seed, iwaeK };
}

/**
 * Parses JSON text and validates it as an evaluate spec; malformed JSON becomes a SpecError on
 * `spec` with the parser's message (one line).
 */
export function parseEvaluateSpec(text: string): EvaluateSpec {
  // A UTF-8 byte-order mark (written by some Windows editors) is not part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const depth = nestingDepth(text);
  if (depth > MAX_SPEC_DEPTH) {
    throw new SpecError("spec", `spec nests arrays or objects ${depth} deep; a spec needs 3 levels and at most ${MAX_SPEC_DEPTH} are accepted`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SpecError("spec", `spec is not valid JSON: ${(e as Error).message.replace(/\s+/g, " ")}`);
  }
  return validateEvaluateSpec(value);
}

/**
 * The deepest nesting of [ and { in JSON text, ignoring brackets inside strings (a linear scan, so
 * a spec 100 000 arrays deep is refused before anything recurses into it).
 */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}
