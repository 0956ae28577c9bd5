/**
 * End to end: the display fixture notebook (3 figures, a DataFrame, a progress bar, math) is run by
 * the real runner and kernel, exported, and then checked independently of the exporter's own checks:
 *
 * - the executed notebook: each figure one output (the in-place update applied), the static image
 *   under application/pdf, no image/png; the progress bar one output in its final state;
 * - the HTML, opened in headless Chromium with every non-file request blocked: each figure drawn
 *   (Plotly SVG roots), the slider frames there and working, equations typeset, no console error,
 *   no reference outside build/html;
 * - the PDF: pages rendered by pdftoppm, one embedded image per figure (pdfimages -list);
 * - nbconvert's LaTeX route picks the figures' application/pdf;
 * - the inputs of the cells tagged remove-input / hide-input are in neither the HTML nor the PDF;
 * - no Chromium left running after the kernel exited.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, after, test } from "node:test";
import { pathToFileURL } from "node:url";
import { closeBrowser, getBrowser } from "../kernel/browser";
import { findChromium } from "../kernel/chromium";
import { PLOTLY_MIME } from "../kernel/display";
import { findJupyterPython, projectRoot } from "../kernel/jupyter";
import { exportAll, type ExportReport } from "./export";
import { runNotebooks, type RunOutcome } from "./run";

const root = projectRoot();
const FIXTURE = path.join(root, "test", "fixtures", "display", "figures.ipynb");
const FIGURES = 3;
/** First lines of the fixture's cells tagged remove-input and hide-input, and of an untagged one. */
const REMOVED = ["const means = [-1, -0.5, 0", "const elbo = [-2.63, -2.31, -2.24];"];
const KEPT = "const r1 = await showFigure(densityFigure({";
const jupyter = findJupyterPython().found;
const chromium = findChromium();
const skip = !jupyter ? "no Jupyter python found" : !chromium.path ? `no Chromium: ${chromium.reason}` : false;

let build = "";
let outcome: RunOutcome;
let exported = false;
let report: { seconds: number; notebooks: ExportReport[] };
const started = Date.now();

/** Chromium processes (not zombies) orphaned to pid 1 that started after this test file did. */
function orphanChromiums(): string[] {
  const ps = spawnSync("ps", ["-eo", "pid=,ppid=,stat=,etimes=,comm="], { encoding: "utf8" });
  const ageLimit = (Date.now() - started) / 1000;
  return (ps.stdout || "")
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter(([, ppid, stat, et, comm]) => comm && /chrom/i.test(comm) && ppid === "1" && !stat.startsWith("Z") && Number(et) < ageLimit)
    .map((f) => f.join(" "));
}

before(async () => {
  if (skip) return;
  build = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-export-test-"));
  outcome = await runNotebooks({ notebooks: [FIXTURE], jobs: 1, cellTimeout: 120, notebookTimeout: 300, smoke: true, buildDir: build, log: () => undefined });
  const t0 = Date.now();
  exported = await exportAll(outcome.results, build, { log: (l) => console.log(`# ${l}`) });
  console.log(`# run ${outcome.wallSeconds.toFixed(1)} s, export ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  report = JSON.parse(fs.readFileSync(path.join(build, "export.json"), "utf8"));
});

after(async () => {
  await closeBrowser();
  if (build && !process.env.KEEP_EXPORT_TEST) fs.rmSync(build, { recursive: true, force: true });
});

test("the fixture runs and exports without problems", { skip }, () => {
  const r = outcome.results[0];
  assert.equal(r.status, "ok", `run failed: ${r.kind} ${r.message}\n${r.cell?.stderr ?? ""}`);
  assert.equal(r.checksPassed, 3);
  assert.ok(exported, `exportAll returned false:\n${JSON.stringify(report.notebooks.map((n) => n.problems), null, 1)}`);
  for (const f of ["index.html", "html/_static/mathjax/MathJax.js"]) assert.ok(fs.existsSync(path.join(build, f)), `${f} missing`);
  const index = fs.readFileSync(path.join(build, "index.html"), "utf8");
  const n = report.notebooks[0];
  assert.ok(index.includes(`href="html/${path.basename(n.html!)}"`) && index.includes(`href="pdf/${path.basename(n.pdf!)}"`), "index links the HTML and the PDF");
});

test("the executed notebook keeps final states only: one output per figure with its static image, one progress output", { skip }, () => {
  const nb = JSON.parse(fs.readFileSync(path.join(root, outcome.results[0].executed!), "utf8")) as { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> };
  const outs = nb.cells.flatMap((c) => c.outputs ?? []);
  const figs = outs.filter((o) => o.data?.[PLOTLY_MIME]);
  assert.equal(figs.length, FIGURES);
  for (const f of figs) {
    assert.ok(f.data!["application/pdf"], "static image (application/pdf) in the final state");
    assert.ok(!f.data!["image/png"], "no image/png at the top level of the bundle");
  }
  const progress = outs.filter((o) => String(o.data?.["text/plain"] ?? "").includes("fake training"));
  assert.equal(progress.length, 1, "the progress display was updated in place, not appended");
  assert.match(String(progress[0].data!["text/plain"]), /40\/40 \(100%\).*took/);
});

test("the HTML works offline: every figure drawn, sliders move, math typeset, no console errors", { skip }, async () => {
  const html = report.notebooks[0].html!;
  const text = fs.readFileSync(html, "utf8").replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, "$1$2");
  assert.doesNotMatch(text, /<(script|link)[^>]+(src|href)="(https?:|file:|\/\/)/, "no reference outside build/html");
  const browser = await getBrowser();
  const page = await browser.newPage();
  const errors: string[] = [];
  const blocked: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  await page.route("**/*", (r) => (r.request().url().startsWith("file:") ? r.continue() : (blocked.push(r.request().url()), r.abort())));
  try {
    await page.goto(pathToFileURL(html).href, { waitUntil: "load" });
    await page.waitForFunction((n) => document.querySelectorAll(".js-plotly-plot .main-svg").length >= n, FIGURES, { timeout: 20_000 });
    await page.waitForFunction(() => document.querySelectorAll(".MathJax_CHTML").length > 0, undefined, { timeout: 20_000 });
    // The page's function runs in the browser: the strings it looks for are passed in, not closed over.
    const seen = await page.evaluate(({ removed, kept }) => ({
      plots: document.querySelectorAll(".js-plotly-plot").length,
      roots: Array.from(document.querySelectorAll(".js-plotly-plot")).filter((p) => p.querySelector(".main-svg")).length,
      unrenderedMath: document.body.innerText.includes("\\mathrm{ELBO}"),
      tables: document.querySelectorAll("table.elbo-lab-table").length,
      removedInputs: removed.filter((r) => document.body.innerText.includes(r)),
      keptInput: document.body.innerText.includes(kept),
    }), { removed: REMOVED, kept: KEPT });
    assert.deepEqual(seen, { plots: FIGURES, roots: FIGURES, unrenderedMath: false, tables: 1, removedInputs: [], keptInput: true });
    // The slider: jump to another frame with no kernel, and q moves.
    const moved = await page.evaluate(async () => {
      const gd = Array.from(document.querySelectorAll(".js-plotly-plot")).find((g) => (g as unknown as { _transitionData: { _frames: unknown[] } })._transitionData._frames.length > 0) as unknown as {
        data: Array<{ y: number[] }>;
        _transitionData: { _frames: Array<{ name: string }> };
      };
      const P = (window as unknown as { Plotly: { animate(gd: unknown, f: string[], o: unknown): Promise<void> } }).Plotly;
      const before = gd.data[1].y.indexOf(Math.max(...gd.data[1].y));
      await P.animate(gd, [gd._transitionData._frames[8].name], { mode: "immediate", frame: { duration: 0, redraw: true }, transition: { duration: 0 } });
      const afterIdx = gd.data[1].y.indexOf(Math.max(...gd.data[1].y));
      return { frames: gd._transitionData._frames.length, before, after: afterIdx };
    });
    assert.equal(moved.frames, 9);
    assert.ok(moved.after > moved.before, `q's peak should move right when the mean goes from 0 to 2: ${JSON.stringify(moved)}`);
    assert.deepEqual(errors, [], "console errors");
    assert.deepEqual(blocked, [], "requests that needed the network");
  } finally {
    await page.close();
  }
});

test("the PDF holds every figure as an image, on pages that render", { skip }, () => {
  const pdf = report.notebooks[0].pdf!;
  assert.ok(fs.existsSync(pdf));
  const list = execFileSync("pdfimages", ["-list", pdf], { encoding: "utf8" }).trim().split("\n").slice(2);
  const figurePages = new Set(list.map((l) => l.trim().split(/\s+/)[0]));
  assert.equal(list.length, FIGURES, `one raster image per figure:\n${list.join("\n")}`);
  const text = execFileSync("pdftotext", [pdf, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
  assert.deepEqual(REMOVED.filter((r) => text.includes(r)), [], "inputs tagged remove-input / hide-input are not printed");
  assert.ok(text.includes(KEPT), "an untagged input is printed");
  const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
  const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
  assert.equal(pages, report.notebooks[0].check!.pdfPages);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-pages-"));
  try {
    execFileSync("pdftoppm", ["-r", "30", "-gray", pdf, path.join(dir, "p")]);
    const imgs = fs.readdirSync(dir).sort();
    assert.equal(imgs.length, pages);
    for (const p of figurePages) {
      // A PGM page with a figure: plenty of non-white pixels.
      const f = imgs[Number(p) - 1];
      const buf = fs.readFileSync(path.join(dir, f));
      const body = buf.subarray(buf.length - 0.9 * buf.length);
      const dark = body.filter((v) => v < 200).length / body.length;
      assert.ok(dark > 0.01, `page ${p} looks blank (${(dark * 100).toFixed(2)}% dark pixels)`);
    }
    console.log(`# PDF: ${pages} pages, ${list.length} images on pages ${[...figurePages].join(", ")}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("nbconvert's LaTeX route takes each figure's application/pdf", { skip }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-latex-"));
  try {
    // Markdown cells need pandoc on the LaTeX route (not installed here): keep only the code cells.
    const nb = JSON.parse(fs.readFileSync(path.join(root, outcome.results[0].executed!), "utf8")) as { cells: Array<{ cell_type: string }> };
    nb.cells = nb.cells.filter((c) => c.cell_type === "code");
    const input = path.join(out, "figures.ipynb");
    fs.writeFileSync(input, JSON.stringify(nb));
    const r = spawnSync(jupyter!.python, ["-m", "nbconvert", "--to", "latex", "--output-dir", out, input], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const tex = fs.readFileSync(path.join(out, "figures.tex"), "utf8");
    // nbconvert 6.5 writes \adjustimage{max size=…}{figures_files/figures_1_1.pdf}; older ones \includegraphics.
    const graphics = tex.match(/\\(?:adjustimage|includegraphics)\b.*\.pdf\}$/gm) ?? [];
    assert.equal(graphics.length, FIGURES, `one extracted .pdf image per figure in the .tex, found ${graphics.length}`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test("no Chromium outlives the kernel (or this test's own browser, once closed)", { skip }, async () => {
  await closeBrowser();
  // chrome_crashpad_handler double-forks (its parent is pid 1 while Chromium runs): give it a moment.
  let left = orphanChromiums();
  for (let i = 0; i < 20 && left.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 250));
    left = orphanChromiums();
  }
  assert.deepEqual(left, []);
});
