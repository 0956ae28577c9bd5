/**
 * Checks: a notebook's claims, tested with numbers. Each check records itself with both sides in
 * full (the runner collects every check into `build/records.json` under `checks`, and counts them
 * per notebook) and throws {@link CheckFailure} when the claim is false, which fails the cell and
 * the run.
 *
 * What a reader sees is short when the claim holds: one line with the claim, the largest |Δ| and
 * the tolerance (`✔ ELBO + KL = log p(x) · |Δ| 3.6e-15 ≤ 1e-10`); arrays are summarised by their
 * length and worst element. A failing check prints everything needed to debug it: every value of
 * both sides (up to {@link FAILURE_VALUES_SHOWN} each), the worst index and the tolerance.
 *
 * {@link checkFailsOn} shows that a check has power: it runs a check on a null case (the effect
 * removed) with its output silenced, and passes only if that check fails.
 *
 * Tolerances are explicit: `{ abs, rel }` passes when |actual − expected| ≤ abs + rel·|expected|
 * (element by element for arrays). A NaN on either side never passes.
 */
import { emitRecord, toJsonSafe } from "./record";

export interface Tolerance {
  /** Absolute tolerance (default 0). */
  abs?: number;
  /** Relative tolerance, a multiple of |expected| (default 0). */
  rel?: number;
}

/** What a check records. */
export interface CheckRecord {
  claim: string;
  kind: "close" | "atMost" | "true" | "failsOnNull";
  actual: unknown;
  expected: unknown;
  tolerance: Tolerance | { slack: number } | null;
  /** Largest |actual − expected| (close) or largest lhs − rhs (atMost). */
  worst: number | null;
  passed: boolean;
}

export class CheckFailure extends Error {
  constructor(public readonly record: CheckRecord, message: string) {
    super(message);
    this.name = "CheckFailure";
  }
}

type Numeric = number | ArrayLike<number>;

function asArray(x: Numeric, what: string, claim: string): number[] {
  if (typeof x === "number") return [x];
  if (x && typeof x === "object" && typeof (x as ArrayLike<number>).length === "number") return Array.from(x as ArrayLike<number>);
  throw new TypeError(`check "${claim}": ${what} must be a number or an array of numbers, got ${typeof x}`);
}

/** How many values of each side a failing check prints (the record keeps them all). */
export const FAILURE_VALUES_SHOWN = 200;

/** Shortest round-trip text: a failing check must show the digits that differ (0.30000000000000004, not 0.3). */
function fmt(x: number): string {
  return String(x);
}

/** Two significant digits: enough for a reader to compare |Δ| with its tolerance at a glance. */
function short(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? String(Number(x.toPrecision(2))) : x.toExponential(1).replace(".0e", "e");
}

function fmtSide(x: Numeric): string {
  if (typeof x === "number") return fmt(x);
  const a = Array.from(x);
  const shown = a.slice(0, FAILURE_VALUES_SHOWN).map(fmt).join(", ");
  return `[${shown}${a.length > FAILURE_VALUES_SHOWN ? `, … (${a.length} values)` : ""}]`;
}

function count(x: Numeric): string {
  return typeof x === "number" ? "" : ` (${Array.from(x).length} values)`;
}

/** While > 0, checks record nothing and print nothing (see {@link checkFailsOn}). */
let silenced = 0;

/** `brief` is what a passing check prints; `full` what a failing one prints (and its error message). */
function finish(rec: CheckRecord, brief: string, full: string): void {
  if (silenced === 0) {
    emitRecord({ name: "checks", value: toJsonSafe(rec, "check"), kind: "check" }, rec.passed ? `✔ ${brief}` : `✘ FAILED ${full}`);
  }
  if (!rec.passed) throw new CheckFailure(rec, `check failed: ${full}`);
}

function validTolerance(claim: string, tol: Tolerance): { abs: number; rel: number } {
  const abs = tol.abs ?? 0;
  const rel = tol.rel ?? 0;
  for (const [k, v] of [["abs", abs], ["rel", rel]] as const) {
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`check "${claim}": tolerance ${k} must be a finite number ≥ 0, got ${v}`);
  }
  if (abs === 0 && rel === 0 && tol.abs === undefined && tol.rel === undefined) {
    throw new RangeError(`check "${claim}": state a tolerance ({abs} and/or {rel})`);
  }
  return { abs, rel };
}

/**
 * Claims `actual ≈ expected` within `tol`.
 * @example checkClose("ELBO + KL = log p(x)", elbo + kl, logEvidence, { abs: 1e-10 })
 */
export function checkClose(claim: string, actual: Numeric, expected: Numeric, tol: Tolerance): void {
  const { abs, rel } = validTolerance(claim, tol);
  const a = asArray(actual, "actual", claim);
  const e = asArray(expected, "expected", claim);
  if (a.length !== e.length) throw new RangeError(`check "${claim}": actual has ${a.length} values, expected has ${e.length}`);
  let worst = 0;
  let worstIndex = -1;
  let passed = a.length > 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - e[i]);
    const ok = d <= abs + rel * Math.abs(e[i]);
    if (!ok) passed = false;
    if (!(d <= worst)) {
      worst = d;
      worstIndex = i;
    }
  }
  const at = a.length > 1 && worstIndex >= 0 ? ` (worst at [${worstIndex}]: ${fmt(a[worstIndex])} vs ${fmt(e[worstIndex])})` : "";
  const tolText = [tol.abs !== undefined ? `abs ${fmt(abs)}` : "", tol.rel !== undefined ? `rel ${fmt(rel)}` : ""].filter(Boolean).join(" + ");
  const shortTol = [tol.abs !== undefined ? short(abs) : "", tol.rel !== undefined ? `${short(rel)}·|expected|` : ""].filter(Boolean).join(" + ");
  finish(
    { claim, kind: "close", actual, expected, tolerance: { abs, rel }, worst: Number.isNaN(worst) ? NaN : worst, passed },
    `${claim} · |Δ| ${short(worst)} ≤ ${shortTol}${count(actual)}`,
    `${claim}: ${fmtSide(actual)} vs ${fmtSide(expected)}, |Δ| = ${fmt(worst)}${at}, tolerance ${tolText}`,
  );
}

/**
 * Claims `lhs ≤ rhs + slack`, element by element.
 * @example checkAtMost("ELBO ≤ log p(x)", elbo, logEvidence, 1e-12)
 */
export function checkAtMost(claim: string, lhs: Numeric, rhs: Numeric, slack = 0): void {
  if (!(Number.isFinite(slack) && slack >= 0)) throw new RangeError(`check "${claim}": slack must be a finite number ≥ 0, got ${slack}`);
  const a = asArray(lhs, "lhs", claim);
  const b = asArray(rhs, "rhs", claim);
  if (a.length !== b.length) throw new RangeError(`check "${claim}": lhs has ${a.length} values, rhs has ${b.length}`);
  let worst = -Infinity;
  let worstIndex = -1;
  let passed = a.length > 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    if (!(d <= slack)) passed = false;
    if (Number.isNaN(d) || d > worst) {
      worst = d;
      worstIndex = i;
      if (Number.isNaN(d)) break;
    }
  }
  const at = a.length > 1 && worstIndex >= 0 ? ` (closest at [${worstIndex}])` : "";
  finish(
    { claim, kind: "atMost", actual: lhs, expected: rhs, tolerance: { slack }, worst, passed },
    `${claim} · max(lhs − rhs) ${short(worst)} ≤ ${short(slack)}${count(lhs)}`,
    `${claim}: ${fmtSide(lhs)} ≤ ${fmtSide(rhs)}${slack > 0 ? ` + ${fmt(slack)}` : ""}, largest lhs − rhs = ${fmt(worst)}${at}`,
  );
}

/**
 * Claims a condition that is not a comparison of two numbers; `detail` says what was seen.
 * @example checkTrue("the ELBO never decreased", diffs.every(d => d >= -1e-12), `min step ${Math.min(...diffs)}`)
 */
export function checkTrue(claim: string, condition: boolean, detail = ""): void {
  const line = `${claim}${detail ? `: ${detail}` : ""}`;
  finish({ claim, kind: "true", actual: condition, expected: true, tolerance: null, worst: null, passed: condition === true }, line, line);
}

/**
 * Claims that a check has power: `nullCase` runs a check (checkClose, checkAtMost, …) on a case
 * where the effect it tests is absent (a gap set to 0, a shifted value, a wrong constant), and this
 * passes only if that check fails. The null case's own output and record are silenced; any other
 * error from `nullCase` propagates.
 *
 * @example checkFailsOn("the 1/K check fails when the gap is 0", () => checkClose("K·gap = c/2", 0, c / 2, { abs: 4 * se }))
 */
export function checkFailsOn(claim: string, nullCase: () => void): void {
  let failure: CheckFailure | null = null;
  silenced++;
  try {
    nullCase();
  } catch (e) {
    if (!(e instanceof CheckFailure)) throw e;
    failure = e;
  } finally {
    silenced--;
  }
  const worst = failure && typeof failure.record.worst === "number" ? `, |Δ| ${short(failure.record.worst)}` : "";
  const seen = failure ? `the null case fails (${failure.record.claim}${worst})` : "the null case PASSED: this check cannot tell";
  finish(
    { claim, kind: "failsOnNull", actual: failure ? failure.record : null, expected: "a failing check", tolerance: null, worst: null, passed: failure !== null },
    `${claim} · ${seen}`,
    `${claim}: ${seen}`,
  );
}
