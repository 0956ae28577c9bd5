/**
 * What a notebook's first cell type-checks. tslab compiles every cell against the declarations of
 * what it imports, so `import … from "../dist/src"` and `"../dist/kernel"` must stay light:
 * playwright-core's declarations are 2 MB and tfjs's 1.5 MB, and parsing them made the first cell
 * of every notebook about a second slower. These tests walk the compiled `.d.ts` import graph of
 * both barrels and fail if either reaches those packages.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const dist = path.resolve(__dirname, "..");

/** Every module specifier a declaration file imports or re-exports (static and `import("…")` types). */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\/\/\/\s*<reference\s+types=["']([^"']+)["']/g)) out.push(m[1]);
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, ""); // examples in comments are not imports
  for (const m of code.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) out.push(m[1]);
  return out;
}

function resolveDts(fromFile: string, spec: string): string | null {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const c of [`${base}.d.ts`, path.join(base, "index.d.ts")]) if (fs.existsSync(c)) return c;
  return null;
}

/** The packages (non-relative specifiers) reachable from `entry` through relative declaration imports. */
function reachablePackages(entry: string): { packages: Map<string, string>; files: number } {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of specifiers(fs.readFileSync(file, "utf8"))) {
      if (spec.startsWith(".")) {
        const next = resolveDts(file, spec);
        assert.ok(next, `${path.relative(dist, file)} imports ${spec}, which has no declaration file`);
        stack.push(next);
      } else if (!packages.has(spec)) packages.set(spec, path.relative(dist, file));
    }
  }
  return { packages, files: seen.size };
}

for (const barrel of ["src/index.d.ts", "kernel/index.d.ts"]) {
  test(`the declarations of dist/${barrel} reach neither playwright nor tfjs`, () => {
    const entry = path.join(dist, barrel);
    assert.ok(fs.existsSync(entry), `${entry} is missing: run npm run build`);
    const { packages, files } = reachablePackages(entry);
    assert.ok(files > 3, `walked only ${files} declaration files from ${barrel}`);
    for (const [pkg, via] of packages) {
      assert.ok(!/^playwright|^@tensorflow\//.test(pkg), `dist/${barrel} reaches ${pkg} (imported by ${via})`);
    }
  });
}

test("the walk does find heavy packages where they are meant to be (src/tf, kernel/browser)", () => {
  assert.ok(reachablePackages(path.join(dist, "src/tf/index.d.ts")).packages.has("@tensorflow/tfjs"));
  assert.ok(reachablePackages(path.join(dist, "kernel/browser.d.ts")).packages.has("playwright-core"));
});
