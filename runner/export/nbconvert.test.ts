import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { findJupyterPython } from "../../kernel/jupyter";
import { INPUT_HIDING_TAGS, nbconvertHtml } from "./nbconvert";

test("the HTML export leaves out the code of cells tagged hide-input or remove-input, and keeps their outputs", async () => {
  const py = findJupyterPython();
  assert.ok(py.found, "a Jupyter python is needed for this test");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-tags-"));
  const code = (src: string, tags: string[], out: string) => ({
    cell_type: "code", execution_count: null, metadata: tags.length ? { tags, jupyter: { source_hidden: true } } : {}, source: src,
    outputs: [{ output_type: "stream", name: "stdout", text: out }],
  });
  const nb = {
    nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells: [code("const shownCode = 1;", [], "OUT_ONE"), ...INPUT_HIDING_TAGS.map((t, i) => code(`const hiddenCode${i} = 2;`, [t], `OUT_HIDDEN_${i}`))],
  };
  const input = path.join(dir, "t.ipynb");
  fs.writeFileSync(input, JSON.stringify(nb));
  const r = await nbconvertHtml(py.found!.python, input, dir, "t", { mathjaxUrl: null, requireJsUrl: "", jqueryUrl: null, notes: [] });
  assert.ok(r.ok, r.stderr);
  const html = fs.readFileSync(path.join(dir, "t.html"), "utf8");
  assert.ok(html.includes("shownCode"));
  INPUT_HIDING_TAGS.forEach((_, i) => {
    assert.ok(!html.includes(`hiddenCode${i}`), `the code of the cell tagged ${INPUT_HIDING_TAGS[i]} is in the HTML`);
    assert.ok(html.includes(`OUT_HIDDEN_${i}`), `the output of the cell tagged ${INPUT_HIDING_TAGS[i]} is missing`);
  });
  fs.rmSync(dir, { recursive: true, force: true });
});
