import * as assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkParameters, injectParameters, parameterNames, ParameterError, parseValue, tsLiteral, variantFileName, variantName, type Nb } from "./parameters";

const nb = (src: string): Nb => ({
  cells: [
    { cell_type: "markdown", source: "# t", metadata: {} },
    { cell_type: "code", source: src, metadata: { tags: ["parameters"] } },
    { cell_type: "code", source: "console.log(seed)", metadata: {} },
  ],
});

describe("parameters", () => {
  test("names are the `let` declarations at the start of a line", () => {
    assert.deepEqual(parameterNames("let seed = 1; // seed\nlet n: number = 5;\nconst x = 2;\n  let inner = 3;\nlet data: number[] = [1, 0];"), ["seed", "n", "data"]);
  });
  test("values parse as JSON, else as text", () => {
    assert.equal(parseValue("7"), 7);
    assert.deepEqual(parseValue("[1, 0, 1]"), [1, 0, 1]);
    assert.equal(parseValue('"a b"'), "a b");
    assert.equal(parseValue("abc"), "abc");
    assert.equal(parseValue("true"), true);
  });
  test("the injected cell follows the parameters cell, tagged, assigning each value", () => {
    const out = injectParameters(nb("let seed = 1;\nlet data = [1, 0];"), { seed: 7, data: [1, 1, 0] }, "t.ipynb");
    assert.equal(out.cells.length, 4);
    assert.deepEqual(out.cells[2].metadata, { tags: ["injected-parameters"] });
    assert.match(String(out.cells[2].source), /\nseed = 7;\ndata = \[1,1,0\];$/);
    assert.equal(out.cells[3].source, "console.log(seed)");
  });
  test("no values: the notebook itself, unchanged", () => {
    const n = nb("let seed = 1;");
    assert.equal(injectParameters(n, {}, "t"), n);
  });
  test("an undeclared name is an error naming it and listing the declared ones", () => {
    assert.throws(() => checkParameters(nb("let seed = 1;\nlet n = 2;"), { sed: 3 }, "t.ipynb"), (e: unknown) => e instanceof ParameterError && /t\.ipynb: no parameter named "sed" \(its parameters cell declares: seed, n\)/.test(e.message));
  });
  test("a notebook without a parameters cell, or with two, says so", () => {
    assert.throws(() => checkParameters({ cells: [{ cell_type: "code", source: "", metadata: {} }] }, { a: 1 }, "t"), /no cell tagged "parameters", so a cannot be set/);
    const two = nb("let a = 1;");
    two.cells.push({ cell_type: "code", source: "let b = 1;", metadata: { tags: ["parameters"] } });
    assert.throws(() => checkParameters(two, {}, "t"), /2 cells are tagged "parameters"/);
  });
  test("non-finite numbers are refused", () => {
    assert.throws(() => tsLiteral("x", [1, Infinity]), /parameter x/);
  });
  test("variant names and file names", () => {
    assert.equal(variantName({ seed: 7, n: 20 }), "seed=7,n=20");
    assert.equal(variantName({ data: [1, 0], label: "a b/c" }), "data=_1,0_,label=a_b_c");
    assert.equal(variantFileName("03-x.ipynb", "seed=7"), "03-x-seed=7.ipynb");
    assert.equal(variantFileName("03-x.ipynb", null), "03-x.ipynb");
  });
});
