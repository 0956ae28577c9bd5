import { strict as assert } from "node:assert";
import { after, test } from "node:test";
import { setOutputSink, type DisplayMessage } from "./output";
import { progress } from "./progress";

after(() => setOutputSink(null));

test("progress updates one display in place, throttled, and always shows the final state", () => {
  const sent: Array<{ msg: DisplayMessage; update: boolean }> = [];
  setOutputSink((msg, update) => sent.push({ msg, update }));
  let t = 0;
  const p = progress({ total: 100, label: "training", value: "ELBO", every: 1000, now: () => t });
  for (let i = 1; i <= 100; i++) {
    t += 50; // 20 items per second
    p.update(i, -3 + i / 100);
  }
  p.done("converged");
  assert.ok(sent.every((s) => s.msg.transient.display_id === p.displayId), "one display id");
  assert.deepEqual([sent[0].update, sent[1].update], [false, true]);
  assert.ok(sent.length <= 8, `throttled to about one update per second of 5 s, got ${sent.length} outputs`);
  const last = String(sent[sent.length - 1].msg.data["text/plain"]);
  assert.equal(last, "training: 100/100 (100%) · 20.0 it/s · took 0:05 · ELBO -2 · converged");
  assert.match(String(sent[sent.length - 1].msg.data["text/html"]), /<polyline/);
});
