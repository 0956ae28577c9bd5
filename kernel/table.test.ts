import { strict as assert } from "node:assert";
import { after, test } from "node:test";
import { setOutputSink, type DisplayMessage } from "./output";
import { formatCell, showTable, tableBundle } from "./table";

after(() => setOutputSink(null));

test("rows: HTML table and aligned text, numbers right-aligned", () => {
  const b = tableBundle([{ q: "far", ELBO: -2.63 }, { q: "near", ELBO: -2.3123456789, KL: 0.08 }], { caption: "ELBO (nats)" });
  const text = String(b["text/plain"]).split("\n");
  assert.deepEqual(text, ["ELBO (nats)", "q         ELBO    KL", "----  --------  ----", "far      -2.63", "near  -2.31235  0.08"]);
  const html = String(b["text/html"]);
  assert.match(html, /<caption[^>]*>ELBO \(nats\)<\/caption>/);
  assert.match(html, /<td style="text-align:right">-2.31235<\/td>/);
});

test("a danfojs DataFrame is read as it is, and escaped in HTML", () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const dfd = require("danfojs-node") as { DataFrame: new (d: unknown) => { columns: string[]; values: unknown[][] } };
  const df = new dfd.DataFrame({ name: ["<b>", "a&b"], x: [1, 2.5] });
  const sent: DisplayMessage[] = [];
  setOutputSink((m) => sent.push(m));
  showTable(df);
  assert.equal(sent.length, 1);
  assert.match(String(sent[0].data["text/html"]), /&lt;b&gt;/);
  assert.match(String(sent[0].data["text/plain"]), /^name\s+x\n/);
});

test("cells format with the stated digits", () => {
  assert.equal(formatCell(Math.PI, 4), "3.142");
  assert.equal(formatCell(1e-7, 3), "1.00e-7");
  assert.equal(formatCell(NaN), "NaN");
  assert.equal(formatCell(null), "");
  assert.throws(() => tableBundle({ columns: ["a"], rows: [[1, 2]] }), /row 0 has 2 cells, expected 1/);
});
