import * as assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { EXERCISES_ENV, exercise, ExerciseWrong, judge } from "./exercise";
import { setOutputSink, type DisplayMessage } from "./output";
import { RECORD_MIME, type RecordPayload } from "./protocol";

let sent: DisplayMessage[] = [];
beforeEach(() => {
  sent = [];
  setOutputSink((m) => sent.push(m));
  delete process.env[EXERCISES_ENV];
});
afterEach(() => {
  setOutputSink(null);
  delete process.env[EXERCISES_ENV];
});

function last(): { text: string; rec: Record<string, unknown> } {
  const m = sent[sent.length - 1];
  const p = m.data[RECORD_MIME] as RecordPayload;
  assert.equal(p.kind, "exercise");
  assert.equal(p.name, "exercises");
  return { text: String(m.data["text/plain"]), rec: p.value as Record<string, unknown> };
}

describe("judge", () => {
  test("undefined and null are unanswered, not wrong", () => {
    assert.equal(judge("x", undefined, 1, { abs: 0.1 }).status, "unanswered");
    assert.equal(judge("x", null, 1, { abs: 0.1 }).status, "unanswered");
  });
  test("within abs + rel·|expected| is correct, just outside is wrong", () => {
    assert.equal(judge("x", 1.04, 1, { abs: 0.05 }).status, "correct");
    assert.equal(judge("x", 1.06, 1, { abs: 0.05 }).status, "wrong");
    assert.equal(judge("x", [1, 2.09], [1, 2], { rel: 0.05 }).status, "correct");
  });
  test("names a known mistake, a factor 2, a sign, or says how far off and which way", () => {
    assert.match(judge("x", 3, 1.5, { abs: 1e-9 }, { mistakes: { "forgot the ½": 3 } }).message, /^exercise x: wrong — forgot the ½$/);
    assert.match(judge("x", 3, 1.5, { abs: 1e-9 }).message, /factor 2 \(your answer is twice/);
    assert.match(judge("x", 0.75, 1.5, { abs: 1e-9 }).message, /factor 2 \(your answer is half/);
    assert.match(judge("x", -1.5, 1.5, { abs: 1e-9 }).message, /wrong sign/);
    assert.match(judge("x", 1.7, 1.5, { abs: 0.01 }).message, /^exercise x: too large by 0\.2; the tolerance is 0\.01$/);
    assert.match(judge("x", [1, 1], [1, 2], { abs: 0.01 }).message, /too small by 1 \(worst at \[1\]\)/);
  });
  test("a mistake that equals the solution is never reported as the mistake", () => {
    assert.equal(judge("x", 1, 1, { abs: 1e-9 }, { mistakes: { same: 1 } }).status, "correct");
  });
  test("wrong shapes, NaN and non-numbers are wrong with a one-line reason", () => {
    assert.match(judge("x", [1, 2], 1, { abs: 1 }).message, /expected 1 value, your answer has 2/);
    assert.match(judge("x", NaN, 1, { abs: 1 }).message, /your answer is NaN/);
    assert.match(judge("x", "1" as unknown as number, 1, { abs: 1 }).message, /must be a number, got a string/);
  });
  test("bad tolerances and a non-finite expected value are the notebook's error, named", () => {
    assert.throws(() => judge("x", 1, 1, {}), /state a tolerance/);
    assert.throws(() => judge("x", 1, 1, { abs: -1 }), /abs must be a finite number/);
    assert.throws(() => judge("x", 1, NaN, { abs: 1 }), /expected value must be finite.*a bug in the notebook/);
  });
});

describe("exercise", () => {
  test("unanswered: one ○ line, recorded, no throw", () => {
    exercise("03a", undefined, 2, { abs: 1e-9 });
    const { text, rec } = last();
    assert.equal(text, "○ exercise 03a: not answered yet (fill in the answer cell above and run it)");
    assert.equal(rec.status, "unanswered");
  });
  test("correct: one ✔ line", () => {
    exercise("03a", 2 + 1e-12, 2, { abs: 1e-9 });
    assert.match(last().text, /^✔ exercise 03a: correct \(\|Δ\| 1\.00e-12\)$/);
  });
  test("wrong: a ✘ line and an ExerciseWrong whose printed form is that one line", () => {
    assert.throws(() => exercise("03a", 4, 2, { abs: 1e-9 }), (e: unknown) => {
      assert.ok(e instanceof ExerciseWrong);
      assert.equal(e.stack, "ExerciseWrong: exercise 03a: off by a factor 2 (your answer is twice the value)");
      assert.equal(e.record.status, "wrong");
      assert.ok(!Object.keys(e).includes("record"), "the record stays off the printed object");
      return true;
    });
    assert.match(last().text, /^✘ exercise 03a: off by a factor 2/);
  });
  test("with ELBO_LAB_EXERCISES=mistakes a wrong verdict passes as caught, a correct one fails as missed", () => {
    process.env[EXERCISES_ENV] = "mistakes";
    exercise("03a", 4, 2, { abs: 1e-9 });
    assert.equal(last().rec.status, "caught");
    assert.throws(() => exercise("03b", 2, 2, { abs: 1e-9 }), /03b: a known mistake was judged correct: this check cannot tell/);
    assert.equal(last().rec.status, "missed");
    assert.throws(() => exercise("03c", undefined, 2, { abs: 1e-9 }), /judged unanswered/);
  });
  test("an id must be identifier-like", () => {
    assert.throws(() => exercise("a b", 1, 1, { abs: 1 }), /id "a b"/);
  });
});
