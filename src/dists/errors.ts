/**
 * Thrown when a distribution, divergence or model gets a parameter outside its domain. The
 * message names the owner, the parameter and the value, e.g.
 * `Normal: sd must be a finite number > 0, got -1`.
 */
export class InvalidParameterError extends RangeError {
  constructor(
    /** Who rejected it: "Normal", "normalNormalModel", … */
    readonly owner: string,
    /** The parameter's name as the caller wrote it: "sd", "probs[2]", … */
    readonly parameter: string,
    /** What was required, e.g. "a finite number > 0". */
    readonly requirement: string,
    /** The offending value. */
    readonly value: unknown,
    /** How to show the value, when describeValue's rendering is not enough. */
    shown?: string,
  ) {
    super(`${owner}: ${parameter} must be ${requirement}, got ${shown ?? describeValue(value)}`);
    this.name = "InvalidParameterError";
  }
}

/** Longest rendering describeValue gives before cutting to a prefix. */
const MAX_SHOWN = 60;

/**
 * A short, one-line rendering of a value for error messages: a long string (a 50 MB field, binary
 * garbage) is quoted by a prefix and its length, never whole; a value too deep to stringify is
 * named by its type.
 *
 * @example describeValue("x".repeat(1e6)) // "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"... (a string of 1000000 characters)"
 */
export function describeValue(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") {
    return value.length > MAX_SHOWN ? `${JSON.stringify(value.slice(0, 40))}... (a string of ${value.length} characters)` : JSON.stringify(value);
  }
  if (value === undefined) return "undefined";
  if (Array.isArray(value) && value.length > 6) return `an array of length ${value.length}`;
  try {
    const s = JSON.stringify(value);
    return s === undefined ? typeof value : s.length > MAX_SHOWN ? s.slice(0, MAX_SHOWN - 3) + "..." : s;
  } catch {
    return Array.isArray(value) ? `an array of length ${value.length}` : typeof value;
  }
}

/** Requires a finite number (any sign). Returns it. */
export function requireFinite(owner: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new InvalidParameterError(owner, name, "a finite number", v);
  return v;
}

/** Requires a finite number > 0. Returns it. */
export function requirePositive(owner: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw new InvalidParameterError(owner, name, "a finite number > 0", v);
  }
  return v;
}

/** Requires a number in [0, 1]. Returns it. */
export function requireProbability(owner: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !(v >= 0 && v <= 1)) throw new InvalidParameterError(owner, name, "a number in [0, 1]", v);
  return v;
}

/**
 * Tolerance on Σpᵢ = 1 for a probability vector: 1e−9 absolute, loose enough for vectors typed by
 * hand or normalised in float64 (error ~K·eps), tight enough to catch a forgotten normalisation.
 */
export const PROBABILITY_SUM_TOLERANCE = 1e-9;

/** Requires a non-empty vector of probabilities summing to 1 within {@link PROBABILITY_SUM_TOLERANCE}. */
export function requireProbabilityVector(owner: string, name: string, v: unknown): Float64Array {
  if (!isArrayLike(v) || v.length === 0) throw new InvalidParameterError(owner, name, "a non-empty array of probabilities", v);
  const out = new Float64Array(v.length);
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    out[i] = requireProbability(owner, `${name}[${i}]`, v[i]);
    sum += out[i];
  }
  if (!(Math.abs(sum - 1) <= PROBABILITY_SUM_TOLERANCE)) {
    throw new InvalidParameterError(owner, name, "probabilities summing to 1", v, `${describeValue(Array.from(out))} (sum ${sum})`);
  }
  return out;
}

/** Requires a non-empty array of finite numbers. */
export function requireFiniteArray(owner: string, name: string, v: unknown, allowEmpty = false): Float64Array {
  if (!isArrayLike(v) || (!allowEmpty && v.length === 0)) {
    throw new InvalidParameterError(owner, name, allowEmpty ? "an array of finite numbers" : "a non-empty array of finite numbers", v);
  }
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = requireFinite(owner, `${name}[${i}]`, v[i]);
  return out;
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || ArrayBuffer.isView(v);
}
