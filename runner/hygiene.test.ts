import * as assert from "node:assert/strict";
import { describe, test } from "node:test";
import { clean, looseInlineMath, problems } from "./hygiene";

const dirty = {
  cells: [
    { cell_type: "markdown", id: "intro", metadata: {}, source: "# t" },
    { cell_type: "code", id: "code-1", metadata: { scrolled: true, tags: ["keep"] }, source: "1", execution_count: 3, outputs: [{ output_type: "stream", name: "stdout", text: "1" }] },
  ],
  metadata: { kernelspec: { name: "python3" }, widgets: {} },
  nbformat: 4,
  nbformat_minor: 5,
};

describe("notebook hygiene", () => {
  test("inline math with a space inside its $ is found (pandoc would print it raw); tight, display and code math are not", () => {
    assert.deepEqual(looseInlineMath("a $x + $ b"), ["$x + $"]);
    assert.deepEqual(looseInlineMath("a $ x$ b"), ["$ x$"]);
    assert.deepEqual(looseInlineMath("a $x + y$ and $$ a + b $$, `$ not math $`, costs \\$5 and $z$"), []);
    const nb = { ...dirty, metadata: { kernelspec: { name: "tslab" } }, cells: [{ cell_type: "markdown", id: "m", metadata: {}, source: ["the gap $\\log 2 + $ the overlap"] }] };
    assert.ok(problems(nb).some((p) => p.includes("inline math")), problems(nb).join("; "));
  });
  test("every cell needs a valid, unique id (nbformat 4.5); clean() gives one, the same on every run", () => {
    const nb = {
      ...dirty,
      metadata: { kernelspec: { name: "tslab" } },
      cells: [
        { cell_type: "markdown", id: "a", metadata: {}, source: "# one" },
        { cell_type: "markdown", metadata: {}, source: "# two" },
        { cell_type: "markdown", id: "a", metadata: {}, source: "# three" },
        { cell_type: "markdown", id: "not valid!", metadata: {}, source: "# four" },
      ],
    };
    assert.deepEqual(problems(nb), ["cell 1 has no id", 'cell 2 has id "a", a repeat', 'cell 3 has id "not valid!", not a valid nbformat id']);
    const once = clean(nb);
    assert.deepEqual(problems(once), []);
    assert.equal(once.cells[0].id, "a", "a good id is kept");
    assert.deepEqual(Object.keys(once.cells[1]), ["cell_type", "id", "metadata", "source"], "where Jupyter writes it");
    assert.deepEqual(clean(nb), once, "deterministic");
    assert.deepEqual(clean(once), once, "idempotent");
  });
  test("finds outputs, execution counts, volatile metadata and a wrong kernel", () => {
    assert.deepEqual(problems(dirty), [
      'metadata.kernelspec.name is "python3", expected "tslab"',
      'notebook metadata "widgets" is volatile',
      "cell 1 has 1 output(s)",
      "cell 1 has execution_count 3",
      'cell 1 metadata "scrolled" is volatile',
    ]);
  });
  test("clean() leaves nothing to report and keeps sources and tags", () => {
    const c = clean(dirty);
    assert.deepEqual(problems(c), []);
    assert.equal(c.cells[1].source, "1");
    assert.deepEqual(c.cells[1].metadata, { tags: ["keep"] });
    assert.equal(dirty.cells[1].execution_count, 3, "the input is not mutated");
  });
  test("keeps jupyter.source_hidden (a figure-only cell shown collapsed) and strips the rest of jupyter", () => {
    const nb = {
      ...dirty,
      metadata: { kernelspec: { name: "tslab" } },
      cells: [
        { cell_type: "code", id: "f", metadata: { jupyter: { source_hidden: true }, tags: ["hide-input"] }, source: "await show(fig)", execution_count: null, outputs: [] },
        { cell_type: "code", id: "g", metadata: { jupyter: { source_hidden: true, outputs_hidden: true } }, source: "2", execution_count: null, outputs: [] },
        { cell_type: "code", id: "h", metadata: { jupyter: { outputs_hidden: true } }, source: "3", execution_count: null, outputs: [] },
      ],
    };
    assert.deepEqual(problems(nb), ['cell 1 metadata "jupyter" is volatile', 'cell 2 metadata "jupyter" is volatile']);
    const c = clean(nb);
    assert.deepEqual(problems(c), []);
    assert.deepEqual(c.cells[0].metadata, { jupyter: { source_hidden: true }, tags: ["hide-input"] });
    assert.deepEqual(c.cells[1].metadata, { jupyter: { source_hidden: true } });
    assert.deepEqual(c.cells[2].metadata, {});
  });
});
