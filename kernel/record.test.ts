import * as assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { setOutputSink, type DisplayMessage } from "./output";
import { RECORD_MIME } from "./protocol";
import { record, toJsonSafe } from "./record";

afterEach(() => setOutputSink(null));

describe("record", () => {
  test("emits the record MIME type with a readable text/plain", () => {
    const sent: DisplayMessage[] = [];
    setOutputSink((m) => sent.push(m));
    record("logEvidence", -2.5);
    assert.deepEqual(sent[0].data[RECORD_MIME], { name: "logEvidence", value: -2.5, kind: "value" });
    assert.equal(sent[0].data["text/plain"], "recorded logEvidence = -2.5");
  });
  test("bad names and reserved names are errors naming them", () => {
    assert.throws(() => record("1abc", 1), /name "1abc" must be/);
    assert.throws(() => record("checks", 1), /"checks" is reserved/);
  });
});

describe("toJsonSafe", () => {
  test("keeps JSON data, turns typed arrays into arrays and non-finite numbers into strings", () => {
    assert.deepEqual(toJsonSafe({ a: [1, NaN, Infinity, -Infinity], b: new Float64Array([0.5]), c: undefined }), {
      a: [1, "NaN", "Infinity", "-Infinity"],
      b: [0.5],
    });
  });
  test("names the path to what cannot be recorded", () => {
    assert.throws(() => toJsonSafe({ m: { f: () => 1 } }, "x"), /x\.m\.f is a function/);
    assert.throws(() => toJsonSafe({ d: new Date(0) }, "x"), /x\.d is a Date instance/);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    assert.throws(() => toJsonSafe(cyc, "x"), /x\.self refers back to itself/);
  });
});
