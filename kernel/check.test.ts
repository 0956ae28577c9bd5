import * as assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { CheckFailure, checkAtMost, checkClose, checkFailsOn, checkTrue } from "./check";
import { illustrate } from "./illustrate";
import { setOutputSink, type DisplayMessage } from "./output";
import { RECORD_MIME, type RecordPayload } from "./protocol";

let sent: DisplayMessage[] = [];
beforeEach(() => {
  sent = [];
  setOutputSink((m) => sent.push(m));
});
afterEach(() => setOutputSink(null));

function lastCheck(): Record<string, unknown> {
  const p = sent[sent.length - 1].data[RECORD_MIME] as RecordPayload;
  assert.equal(p.kind, "check");
  return p.value as Record<string, unknown>;
}

describe("checkClose", () => {
  test("passes within abs + rel·|expected| and records both sides", () => {
    checkClose("near", 1.0 + 1e-9, 1.0, { abs: 0, rel: 2e-9 });
    const r = lastCheck();
    assert.equal(r.passed, true);
    assert.equal(r.actual, 1.000000001);
    assert.equal(r.expected, 1);
    assert.equal(String(sent[0].data["text/plain"]), "✔ near · |Δ| 1e-9 ≤ 0 + 2e-9·|expected|");
  });
  test("a passing check on arrays prints one short line; the record keeps every value", () => {
    const a = Array.from({ length: 500 }, (_, i) => i + 1e-13);
    const e = Array.from({ length: 500 }, (_, i) => i);
    checkClose("many", a, e, { abs: 1e-12 });
    const text = String(sent[0].data["text/plain"]);
    assert.ok(text.length < 80, text);
    assert.match(text, /^✔ many · \|Δ\| 1\.\de-13 ≤ 1e-12 \(500 values\)$/);
    assert.equal((lastCheck().actual as number[]).length, 500);
  });
  test("a failing check prints both sides in full, the worst index and the tolerance", () => {
    const a = Array.from({ length: 30 }, (_, i) => i);
    const e = a.map((v, i) => (i === 17 ? v + 1 : v));
    assert.throws(() => checkClose("debug me", a, e, { abs: 0.5 }), CheckFailure);
    const text = String(sent[0].data["text/plain"]);
    assert.match(text, /^✘ FAILED debug me: \[0, 1, 2, .*, 29\] vs \[0, 1, .*, 18, .*\], \|Δ\| = 1 \(worst at \[17\]: 17 vs 18\), tolerance abs 0\.5$/);
  });
  test("fails just outside the tolerance, throws CheckFailure and still records", () => {
    assert.throws(() => checkClose("far", 1.1, 1.0, { abs: 0.09 }), (e: unknown) => e instanceof CheckFailure && /far: 1\.1 vs 1/.test(e.message));
    assert.equal(lastCheck().passed, false);
  });
  test("NaN never passes, even with a huge tolerance", () => {
    assert.throws(() => checkClose("nan", NaN, 1, { abs: 1e300 }), CheckFailure);
    assert.equal(lastCheck().actual, "NaN");
  });
  test("arrays compare element by element and name the worst index", () => {
    assert.throws(() => checkClose("arr", [1, 2, 3.5], [1, 2, 3], { abs: 0.1 }), /worst at \[2\]: 3\.5 vs 3/);
    assert.throws(() => checkClose("len", [1, 2], [1], { abs: 1 }), /actual has 2 values, expected has 1/);
  });
  test("a tolerance must be stated and valid", () => {
    assert.throws(() => checkClose("none", 1, 1, {}), /state a tolerance/);
    assert.throws(() => checkClose("neg", 1, 1, { abs: -1 }), /tolerance abs must be a finite number ≥ 0, got -1/);
  });
});

describe("checkAtMost and checkTrue", () => {
  test("lhs ≤ rhs + slack", () => {
    checkAtMost("le", [1, 2], [1, 3]);
    assert.throws(() => checkAtMost("gt", 1 + 1e-9, 1, 1e-10), CheckFailure);
    checkAtMost("slack", 1 + 1e-11, 1, 1e-10);
    assert.throws(() => checkAtMost("nan", NaN, 1), CheckFailure);
  });
  test("a passing checkAtMost prints the largest lhs − rhs, a failing one both sides", () => {
    checkAtMost("below", [1, 2, 3], [2, 3, 4]);
    assert.equal(String(sent[0].data["text/plain"]), "✔ below · max(lhs − rhs) -1 ≤ 0 (3 values)");
    assert.throws(() => checkAtMost("above", [1, 5], [2, 3]), /above: \[1, 5\] ≤ \[2, 3\], largest lhs − rhs = 2 \(closest at \[1\]\)/);
  });
  test("checkTrue records the detail", () => {
    checkTrue("ok", true, "seen");
    assert.match(String(sent[0].data["text/plain"]), /✔ ok: seen/);
    assert.throws(() => checkTrue("no", false), /check failed: no/);
  });
});

describe("checkFailsOn: a check with power fails on its null case", () => {
  test("passes when the null case's check fails, and silences that check", () => {
    checkFailsOn("the gap check fails when the gap is 0", () => checkClose("gap = 0.26", 0, 0.26, { abs: 0.1 }));
    assert.equal(sent.length, 1, "only the outer check is shown and recorded");
    const r = lastCheck();
    assert.equal(r.passed, true);
    assert.equal(r.kind, "failsOnNull");
    assert.match(String(sent[0].data["text/plain"]), /^✔ the gap check fails when the gap is 0 · the null case fails \(gap = 0\.26, \|Δ\| 0\.26\)$/);
  });
  test("fails (and throws) when the null case passes: a check without power", () => {
    assert.throws(
      () => checkFailsOn("a tolerance wider than the effect", () => checkClose("gap = 0.26", 0, 0.26, { abs: 0.98 })),
      (e: unknown) => e instanceof CheckFailure && /the null case PASSED/.test(e.message),
    );
    assert.equal(sent.length, 1);
    assert.equal(lastCheck().passed, false);
  });
  test("other errors from the null case propagate, and checks after it print again", () => {
    assert.throws(() => checkFailsOn("bad", () => checkClose("x", 1, 1, {})), /state a tolerance/);
    checkClose("after", 1, 1, { abs: 0 });
    assert.equal(sent.length, 1);
  });
});

describe("illustrate", () => {
  test("is shown with a hollow mark and recorded as an illustration, never as a check", () => {
    illustrate("Monte Carlo average of a constant", { average: -7.25, constant: -7.25 });
    const p = sent[0].data[RECORD_MIME] as RecordPayload;
    assert.equal(p.kind, "illustration");
    assert.equal(String(sent[0].data["text/plain"]), "○ illustration (not a check): Monte Carlo average of a constant · average = -7.25, constant = -7.25");
  });
});
