import * as assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { CheckFailure, checkAtMost, checkClose, checkTrue } from "./check";
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
    assert.match(String(sent[0].data["text/plain"]), /^✔ near: 1\.000000001 vs 1/);
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
  test("checkTrue records the detail", () => {
    checkTrue("ok", true, "seen");
    assert.match(String(sent[0].data["text/plain"]), /✔ ok: seen/);
    assert.throws(() => checkTrue("no", false), /check failed: no/);
  });
});
