import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The repository root: the nearest ancestor of this file holding package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "src"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("repoRoot: no package.json above " + __dirname);
    dir = up;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let cached: any;

/**
 * test/reference/reference.json, written by test/reference/make_reference.py (NumPy/SciPy/mpmath).
 * Typed loosely: tests index it by the section names the script writes.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function loadReference(): any {
  if (!cached) cached = JSON.parse(readFileSync(join(repoRoot(), "test", "reference", "reference.json"), "utf8"));
  return cached;
}
