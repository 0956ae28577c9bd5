import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../testing/assert-close";
import { goldenSectionMax } from "./golden-section";
import { nelderMeadMax } from "./nelder-mead";

test("goldenSectionMax: the maximiser of known functions within the bracket width; bad input named", () => {
  const r = goldenSectionMax((x) => -(x - 1) * (x - 1), 0, 3, 1e-10);
  assertClose(r.x, 1, 1e-10);
  assert.ok(r.bracket[1] - r.bracket[0] <= 1e-10);
  // sin peaks at π/2 and x e^{−x} at 1, where f ≈ 1 and 0.37: rounding of f (~1e-16) hides the maximiser
  // within √(2ε/|f″|) ≈ 2e-8, whatever xtol asks, so 1e-7 is the honest tolerance.
  assertClose(goldenSectionMax(Math.sin, 0, 3, 1e-9).x, Math.PI / 2, 1e-7);
  assertClose(goldenSectionMax((x) => x * Math.exp(-x), 0, 5, 1e-9).x, 1, 1e-7);
  assert.throws(() => goldenSectionMax(Math.sin, 2, 1, 1e-3), /need finite a < b, got \[2, 1\]/);
  assert.throws(() => goldenSectionMax(() => NaN, 0, 1, 1e-3), /f is NaN at x = /);
});

test("nelderMeadMax: a quadratic and the Rosenbrock valley; a bad start is named", () => {
  const q = nelderMeadMax(([x, y]) => -((x - 1) ** 2) - 10 * (y + 2) ** 2, [0, 0]);
  assert.ok(q.converged);
  assertClose(q.x[0], 1, 1e-8);
  assertClose(q.x[1], -2, 1e-8);
  const r = nelderMeadMax(([x, y]) => -(100 * (y - x * x) ** 2 + (1 - x) ** 2), [-1.2, 1], { ftol: 1e-20, xtol: 1e-12 });
  assertClose(r.x[0], 1, 1e-7);
  assertClose(r.x[1], 1, 1e-7);
  assert.throws(() => nelderMeadMax(() => 0, [NaN]), /start\[0\] must be finite, got NaN/);
});
