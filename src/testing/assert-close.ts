/**
 * Test helpers (not exported from the library). Tolerances are stated by the caller; failure
 * messages print the inputs, the two values, their difference and the tolerance.
 */
import assert from "node:assert/strict";
import { EPS } from "../math/constants";

export { EPS };

/** |actual − expected| ≤ tol, else fail with the context (inputs) printed. */
export function assertClose(actual: number, expected: number, tol: number, context: unknown = ""): void {
  const ok = actual === expected || Math.abs(actual - expected) <= tol;
  if (!ok) {
    assert.fail(
      `expected ${expected}, got ${actual} (diff ${actual - expected}, tolerance ${tol})` +
        (context === "" ? "" : `; inputs: ${typeof context === "string" ? context : JSON.stringify(context)}`),
    );
  }
}

/** Relative closeness: |a − e| ≤ rel·max(|e|, floor). */
export function assertRel(actual: number, expected: number, rel: number, context: unknown = "", floor = 0): void {
  assertClose(actual, expected, rel * Math.max(Math.abs(expected), floor), context);
}

/** Requires a finite number. */
export function assertFinite(v: number, context: unknown = ""): void {
  if (!Number.isFinite(v)) assert.fail(`expected a finite number, got ${v}; inputs: ${JSON.stringify(context)}`);
}
