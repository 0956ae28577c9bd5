import { test } from "node:test";
import assert from "node:assert/strict";
import { CellOutput, outputLimitFromEnv, type CellOutputOptions, type StreamName } from "./cell-output";
import { OUTPUT_TRUNCATED_MARKER } from "./protocol";

interface Sent {
  name: StreamName;
  text: string;
}

/** A CellOutput with a hand-driven clock and timer. */
function harness(options: Partial<CellOutputOptions> = {}) {
  const sent: Sent[] = [];
  let t = 0;
  let timer: (() => void) | null = null;
  const out = new CellOutput((name, text) => sent.push({ name, text }), {
    now: () => t,
    later: (fn) => (timer = fn),
    ...options,
  });
  return {
    out,
    sent,
    text: () => sent.map((s) => s.text).join(""),
    tick(ms: number) {
      t += ms;
      const fn = timer;
      timer = null;
      fn?.();
    },
    advance(ms: number) {
      t += ms;
    },
  };
}

const line = (i: number) => `${String(i).padStart(8, "0")} ${"x".repeat(90)}\n`; // 100 bytes

test("a few hundred lines come through whole, unmarked, in one message", () => {
  const h = harness();
  let expected = "";
  for (let i = 0; i < 300; i++) {
    h.out.write("stdout", line(i));
    expected += line(i);
  }
  h.out.end();
  assert.equal(h.text(), expected);
  assert.equal(h.sent.length, 1);
  assert.ok(!h.text().includes(OUTPUT_TRUNCATED_MARKER));
});

test("stdout and stderr keep their order; text waits at most flushMs, even inside a synchronous loop", () => {
  const h = harness({ flushMs: 50 });
  h.out.write("stdout", "a\n");
  h.out.write("stdout", "b\n");
  h.out.write("stderr", "c\n");
  h.out.write("stdout", "d\n");
  assert.deepEqual(h.sent, [{ name: "stdout", text: "a\nb\n" }, { name: "stderr", text: "c\n" }]);
  h.advance(60); // no timer ran (a busy loop): the next write sends
  h.out.write("stdout", "e\n");
  assert.deepEqual(h.sent.slice(2), [{ name: "stdout", text: "d\ne\n" }]);
  h.out.write("stdout", "f\n");
  h.tick(50); // the event loop turned: the timer sends
  assert.deepEqual(h.sent.slice(3), [{ name: "stdout", text: "f\n" }]);
});

test("a 20 MB flood: its beginning, one notice with the right counts, its end; about 1 MB in a few dozen messages", () => {
  const limit = 1_000_000;
  const tail = 32_000;
  const h = harness({ limitBytes: limit, tailBytes: tail });
  const n = 200_000;
  for (let i = 0; i < n; i++) h.out.write("stdout", line(i));
  h.out.end();
  const all = h.text();
  const notices = all.split("\n").filter((l) => l.startsWith(OUTPUT_TRUNCATED_MARKER));
  assert.equal(notices.length, 1, all.slice(0, 200));
  const [before, after] = all.split(notices[0] + "\n");
  // The beginning is a prefix of the input, the end a suffix, both whole lines.
  const headLines = before.split("\n").slice(0, -1);
  const tailLines = after.split("\n").slice(0, -1);
  headLines.forEach((l, i) => assert.equal(l + "\n", line(i)));
  tailLines.forEach((l, k) => assert.equal(l + "\n", line(n - tailLines.length + k)));
  const m = /(\S+) more lines \((\S+) MB\) not shown/.exec(notices[0]);
  assert.ok(m, notices[0]);
  const missing = Number(m[1].replace(/,/g, ""));
  assert.equal(headLines.length + missing + tailLines.length, n, notices[0]);
  assert.equal(Number(m[2]), Number(((missing * 100) / 1e6).toFixed(1)));
  assert.ok(before.length <= limit - tail && after.length <= tail, `${before.length} + ${after.length}`);
  assert.ok(before.length > limit - tail - 100 && after.length > tail - 200, "the limit is used, to within a line");
  assert.ok(h.sent.length < 40, `${h.sent.length} messages`);
  assert.match(notices[0], /limit is 1 MB of output per cell .*ELBO_LAB_OUTPUT_LIMIT/);
  assert.equal(h.sent.find((s) => s.text.includes(OUTPUT_TRUNCATED_MARKER))?.name, "stderr");
});

test("output just over the limit whose end fits in the kept tail loses nothing and is not marked", () => {
  const h = harness({ limitBytes: 10_000, tailBytes: 2_000 });
  let expected = "";
  for (let i = 0; i < 90; i++) {
    h.out.write("stdout", line(i));
    expected += line(i);
  }
  h.out.end();
  assert.equal(h.text(), expected);
});

test("one huge write is cut too, and the notice starts on its own line", () => {
  const h = harness({ limitBytes: 10_000, tailBytes: 1_000 });
  h.out.write("stdout", "y".repeat(50_000)); // no newline at all
  h.out.end();
  const all = h.text();
  const at = all.indexOf(OUTPUT_TRUNCATED_MARKER);
  assert.ok(at > 0 && all[at - 1] === "\n", all.slice(at - 5, at + 20));
  assert.match(all, /0 more lines \(40 KB\) not shown/);
});

test("output after the cell replied goes on under the same limit, and its notice follows when it goes quiet", () => {
  const h = harness({ limitBytes: 10_000, tailBytes: 1_000 });
  h.out.write("stdout", "done\n");
  h.out.end();
  assert.equal(h.text(), "done\n");
  for (let i = 0; i < 1000; i++) h.out.write("stdout", line(i)); // a timer of the cell, later
  h.tick(50);
  assert.equal(h.text().split("\n").filter((l) => l.startsWith(OUTPUT_TRUNCATED_MARKER)).length, 1);
  assert.ok(h.text().length < 11_000 + 300);
});

test("ELBO_LAB_OUTPUT_LIMIT: default 1 MB; a bad value is an error naming it", () => {
  assert.equal(outputLimitFromEnv({}), 1_000_000);
  assert.equal(outputLimitFromEnv({ ELBO_LAB_OUTPUT_LIMIT: "50000" }), 50_000);
  assert.throws(() => outputLimitFromEnv({ ELBO_LAB_OUTPUT_LIMIT: "1e" }), /ELBO_LAB_OUTPUT_LIMIT="1e"/);
  assert.throws(() => outputLimitFromEnv({ ELBO_LAB_OUTPUT_LIMIT: "10" }), /at least 1000/);
});
