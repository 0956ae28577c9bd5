/**
 * Offline copies of what nbconvert's HTML loads from outside the page: MathJax 2 and require.js
 * (Debian's nbconvert points at file:///usr/share/javascript/…, nbconvert 7 at a CDN — neither
 * travels with the HTML). A subset of MathJax (TeX input, CommonHTML output, its fonts; about 1.5 MB)
 * is copied once to `html/_static/`, and the pages refer to it by relative URL, so `build/html/` is
 * self-contained: it can be zipped, moved, or opened with no network.
 *
 * MathJax comes from `$ELBO_LAB_MATHJAX` (a folder holding MathJax.js, version 2), the npm package
 * `mathjax@2` in node_modules, or Debian's `libjs-mathjax` (`/usr/share/javascript/mathjax`); require.js
 * from the npm package `requirejs` or Debian's `libjs-requirejs`. (pip's JupyterLab 4 / nbconvert 7 carry
 * neither: Debian's Notebook 6 used to bring both.) Without MathJax, the pages keep nbconvert's own
 * MathJax URL (a CDN on nbconvert 7), and the exporter says that math then needs the network. Without
 * require.js the pages load none (nothing here needs it: tslab has no widgets, and plotly.js is carried
 * AMD-safe), instead of nbconvert's CDN copy.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface Assets {
  /** Relative URL (from a page in html/) of MathJax.js with its config, or null. */
  mathjaxUrl: string | null;
  /** Relative URL of require.js, or "" (nbconvert then loads none). */
  requireJsUrl: string;
  jqueryUrl: string | null;
  notes: string[];
}

export const MATHJAX_ENV = "ELBO_LAB_MATHJAX";
export const MATHJAX_CONFIG = "TeX-AMS_CHTML-full,Safe";

/** Parts of MathJax 2 that the TeX-AMS_CHTML-full configuration loads (files and folders). */
const MATHJAX_PARTS = [
  "MathJax.js",
  "config/TeX-AMS_CHTML-full.js",
  "config/Safe.js",
  "extensions",
  "jax/input/TeX",
  "jax/output/CommonHTML",
  "jax/element",
  "fonts/HTML-CSS/TeX/woff",
  "localization/en",
];

/** The folder of an npm package in this checkout's node_modules, or null. */
function npmPackageDir(name: string): string | null {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

export function findMathJax(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env[MATHJAX_ENV], npmPackageDir("mathjax"), "/usr/share/javascript/mathjax", "/usr/local/share/javascript/mathjax"];
  if (env.CONDA_PREFIX) candidates.push(path.join(env.CONDA_PREFIX, "share", "javascript", "mathjax"));
  for (const c of candidates) {
    if (c && fs.existsSync(path.join(c, "MathJax.js")) && fs.existsSync(path.join(c, "config", "TeX-AMS_CHTML-full.js"))) return c;
  }
  return null;
}

function findFile(candidates: string[]): string | null {
  for (const c of candidates) if (fs.existsSync(c)) return c;
  return null;
}

function copyIfChanged(src: string, dest: string): void {
  const s = fs.statSync(src);
  try {
    const d = fs.statSync(dest);
    if (d.size === s.size && d.mtimeMs >= s.mtimeMs) return;
  } catch {
    /* absent */
  }
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(src, dest);
}

function copyTree(src: string, dest: string): void {
  const st = fs.statSync(src); // follows symlinks (Debian links some fonts from other packages)
  if (st.isDirectory()) {
    for (const e of fs.readdirSync(src)) copyTree(path.join(src, e), path.join(dest, e));
  } else if (st.isFile()) {
    copyIfChanged(src, dest);
  }
}

/** Copies the assets into `<htmlDir>/_static/` and returns their relative URLs. */
export function prepareAssets(htmlDir: string, env: NodeJS.ProcessEnv = process.env): Assets {
  const staticDir = path.join(htmlDir, "_static");
  const notes: string[] = [];
  let mathjaxUrl: string | null = null;
  const mj = findMathJax(env);
  if (mj) {
    for (const part of MATHJAX_PARTS) {
      const src = path.join(mj, part);
      if (fs.existsSync(src)) copyTree(src, path.join(staticDir, "mathjax", part));
    }
    mathjaxUrl = `_static/mathjax/MathJax.js?config=${MATHJAX_CONFIG}`;
  } else {
    notes.push(
      `no local MathJax 2 found (set ${MATHJAX_ENV}, or on Debian: apt-get install libjs-mathjax): equations in the HTML and PDF need the network`,
    );
  }
  const npmRequire = npmPackageDir("requirejs");
  const req = findFile([
    ...(npmRequire ? [path.join(npmRequire, "require.js")] : []),
    "/usr/share/javascript/requirejs/require.min.js",
    "/usr/share/javascript/requirejs/require.js",
  ]);
  // "" makes nbconvert write <script src=""></script>: nothing is fetched (no CDN), nothing here needs AMD.
  let requireJsUrl = "";
  if (req) {
    copyIfChanged(req, path.join(staticDir, "require.min.js"));
    requireJsUrl = "_static/require.min.js";
  }
  const jq = findFile(["/usr/share/javascript/jquery/jquery.min.js", "/usr/share/javascript/jquery/jquery.js"]);
  let jqueryUrl: string | null = null;
  if (jq) {
    copyIfChanged(jq, path.join(staticDir, "jquery.min.js"));
    jqueryUrl = "_static/jquery.min.js";
  }
  return { mathjaxUrl, requireJsUrl, jqueryUrl, notes };
}
