import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { projectRoot } from "../kernel/jupyter";
import { MUTATIONS, mutatedCopy, runMutation } from "./mutate";

test("every mutation's text occurs exactly once in the compiled library, and the copy leaves dist/ alone", () => {
  const root = projectRoot();
  for (const m of MUTATIONS) {
    const before = fs.readFileSync(path.join(root, "dist", m.file), "utf8");
    const tmp = mutatedCopy(root, m);
    try {
      const mutated = fs.readFileSync(path.join(tmp, "dist", m.file), "utf8");
      assert.notEqual(mutated, before, m.name);
      assert.ok(mutated.includes(m.to), m.name);
      assert.equal(fs.readFileSync(path.join(root, "dist", m.file), "utf8"), before, `${m.name} touched the real dist/`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
});

// One cheap mutation end to end (a notebook in smoke mode, about a minute): the suite must catch it.
test("a dropped ½ in ½·log 2π fails a check of notebook 03", { timeout: 600_000 }, () => {
  const r = runMutation(projectRoot(), MUTATIONS.find((m) => m.name === "half-log-2pi")!);
  assert.ok(r.caught, `the mutation survived: ${r.firstFailure}`);
});
