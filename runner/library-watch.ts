/**
 * Noticing a notebook that changes the compiled library (issue 15): a cell that writes into
 * `../dist/` changes what every later notebook and run imports, and git and the hygiene check
 * ignore `dist/`. The runner takes a snapshot of `dist/` (a hash of each file's content, ~540
 * files and 3 MB, some ms) when a notebook starts and compares when it ends. Content, not times:
 * a rebuild that rewrites identical files is no change.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Relative path → sha1 of the content, for every file under `dir` (empty when it does not exist). */
export function snapshotTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        try {
          out.set(path.relative(dir, p), createHash("sha1").update(fs.readFileSync(p)).digest("hex"));
        } catch {
          /* removed while walking: absent */
        }
      }
    }
  };
  walk(dir);
  return out;
}

/**
 * The files added, removed or modified between two snapshots, sorted.
 *
 * @example changedFiles(new Map([["a.js", "1:1"]]), new Map([["a.js", "2:5"], ["b.js", "1:1"]])) // ["a.js", "b.js"]
 */
export function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed = new Set<string>();
  for (const [f, v] of before) if (after.get(f) !== v) changed.add(f);
  for (const f of after.keys()) if (!before.has(f)) changed.add(f);
  return [...changed].sort();
}
