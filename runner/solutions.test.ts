import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import type { Nb } from "./parameters";
import { answerCells, applyAnswers, readSolutions, solutionsFile } from "./solutions";

const blank = "const answerA: number | undefined = undefined;";
const nb = (): Nb => ({
  cells: [
    { cell_type: "code", source: blank, metadata: { tags: ["exercise-answer"], exercise: "a" } },
    { cell_type: "code", source: "exercise('a', answerA, 1, {abs: 0})", metadata: {} },
  ],
});
const sol = { a: { answer: "const answerA: number | undefined = 1;", mistake: "const answerA: number | undefined = 2;" } };

describe("solutions", () => {
  test("live beside the notebooks' folder", () => {
    assert.equal(solutionsFile("/p/notebooks/03-x.ipynb"), "/p/solutions/03-x.json");
  });
  test("fill the answer cells of a copy, the solution or the mistake; the input is untouched", () => {
    const n = nb();
    assert.equal(applyAnswers(n, sol, "solutions", "t", "s.json").cells[0].source, sol.a.answer);
    assert.equal(applyAnswers(n, sol, "mistakes", "t", "s.json").cells[0].source, sol.a.mistake);
    assert.equal(n.cells[0].source, blank);
  });
  test("answer cells and solutions must match one to one", () => {
    assert.throws(() => applyAnswers(nb(), {}, "solutions", "t.ipynb", "s.json"), /t\.ipynb: exercise "a" has no solution in s\.json/);
    assert.throws(() => applyAnswers(nb(), { ...sol, b: sol.a }, "solutions", "t", "s.json"), /s\.json: exercise "b" has no answer cell in t/);
    assert.throws(() => applyAnswers(nb(), { a: { answer: sol.a.answer, mistake: null } }, "mistakes", "t", "s.json"), /no "mistake"/);
    assert.throws(() => applyAnswers(nb(), { a: { answer: blank, mistake: null } }, "solutions", "t", "s.json"), /is the notebook's blank cell itself/);
  });
  test("an answer cell needs an id, used once", () => {
    const n = nb();
    n.cells[0].metadata = { tags: ["exercise-answer"] };
    assert.throws(() => answerCells(n, "t"), /cell 0 is tagged "exercise-answer" but has no "exercise" id/);
    const m = nb();
    m.cells[1].metadata = { tags: ["exercise-answer"], exercise: "a" };
    assert.throws(() => answerCells(m, "t"), /"a" is used by two answer cells/);
  });
  test("a file: sources as strings or lines; bad JSON named", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-sol-"));
    const f = path.join(dir, "x.json");
    fs.writeFileSync(f, JSON.stringify({ a: { answer: ["const a = 1;", "const b = 2;"] } }));
    assert.deepEqual(readSolutions(f), { a: { answer: "const a = 1;\nconst b = 2;", mistake: null } });
    fs.writeFileSync(f, "{");
    assert.throws(() => readSolutions(f), /x\.json: not JSON/);
    assert.deepEqual(readSolutions(path.join(dir, "none.json")), {});
    fs.rmSync(dir, { recursive: true });
  });
});
