/**
 * `jupyter nbconvert --to html` on the Jupyter python found by kernel/jupyter.ts (on Debian the
 * `python3` first on PATH may lack Jupyter), with MathJax/require.js pointed at the local copies and the
 * inputs of cells tagged `remove-input` / `hide-input` removed.
 */
import { spawn } from "node:child_process";
import type { Assets } from "./assets";
import { REMOVE_INPUT_TAGS } from "./pdf-check";

export interface NbconvertResult {
  ok: boolean;
  stderr: string;
  ms: number;
}

/**
 * Cell tags whose code the exports leave out (the cell's outputs stay): the names Jupyter Book uses,
 * honoured through nbconvert's TagRemovePreprocessor. Cells that only build a figure carry `hide-input`
 * (and `jupyter.source_hidden`, so JupyterLab shows them collapsed; a reader can still open them).
 */
export const INPUT_HIDING_TAGS: readonly string[] = REMOVE_INPUT_TAGS;

export function nbconvertArgs(input: string, outDir: string, outName: string, assets: Assets): string[] {
  const args = ["-m", "nbconvert", "--to", "html", "--output-dir", outDir, "--output", outName, "--log-level=WARN"];
  // Given once: traitlets reads a repeated container option as a list of its literal strings.
  args.push("--TagRemovePreprocessor.enabled=True", `--TagRemovePreprocessor.remove_input_tags=${JSON.stringify(INPUT_HIDING_TAGS)}`);
  if (assets.mathjaxUrl) args.push(`--HTMLExporter.mathjax_url=${assets.mathjaxUrl}`);
  args.push(`--HTMLExporter.require_js_url=${assets.requireJsUrl}`);
  if (assets.jqueryUrl) args.push(`--HTMLExporter.jquery_url=${assets.jqueryUrl}`);
  args.push(input);
  return args;
}

export function nbconvertHtml(python: string, input: string, outDir: string, outName: string, assets: Assets, timeoutMs = 300_000): Promise<NbconvertResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(python, nbconvertArgs(input, outDir, outName, assets), { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < 20_000) stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ ok: false, stderr: `could not start ${python}: ${e.message}`, ms: Date.now() - t0 });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ ok: code === 0, stderr: code === 0 ? stderr : `${stderr}\n(exit code ${code})`, ms: Date.now() - t0 });
    });
  });
}
