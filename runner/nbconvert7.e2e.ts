/**
 * nbconvert 7 as a user runs it: `jupyter nbconvert --to webpdf|html|pdf NOTEBOOK` from the project's
 * environment (`.venv/bin/jupyter`), with no option but the format, on notebooks executed by the runner,
 * offline (Debian's Chromium, nothing downloaded). What the set-up's nbconvert config must make true,
 * checked from the outputs alone (./export/pdf-check.ts for PDFs, headless Chromium for HTML):
 *
 * - webpdf: every PDF complete (every heading in order and the last cell's text), one image per figure,
 *   every equation typeset; the walkthrough printed `ELBO_LAB_WEBPDF_REPEAT` times (default 6) two at a time
 *   while as many busy loops as the machine has cores spin beside them, complete every time; the source's
 *   literal `jupyter nbconvert --to webpdf --allow-chromium-download elbo.ipynb` too, complete;
 * - html: opened with the network blocked, every figure drawn;
 * - pdf (LaTeX, where xelatex is installed): complete, equations typeset, every figure's title in the text
 *   (the figures are the outputs' vector `application/pdf`);
 * - cells tagged `remove-input` / `hide-input` lose their input in all three.
 *
 * The notebooks: every notebook under notebooks/, run in smoke mode into a temporary build folder, or the
 * executed copies in `$ELBO_LAB_EXECUTED` (e.g. build/executed after `npm test`'s run) when that is set.
 * Named `.e2e` so that `node --test dist/` (the unit phase, before any notebook ran) leaves it out:
 * `ELBO_LAB_EXECUTED=build/executed node --test dist/runner/nbconvert7.e2e.js` after the runner.
 *
 * What nbconvert's defaults lack, and the env's `jupyter_nbconvert_config.json` must supply, as measured:
 * - equations: nbconvert 7 loads MathJax from a CDN, so offline every `$…$` prints raw; the config must name
 *   a local MathJax 2 (`WebPDFExporter.mathjax_url`, `file://…/MathJax.js?config=TeX-AMS_CHTML-full,Safe`);
 * - tags: `TagRemovePreprocessor.remove_input_tags` is empty by default (nbconvert ignores `hide-input`,
 *   `remove-input` and `jupyter.source_hidden` alike);
 * - completeness: webpdf prints `page_render_timeout` ms (100) after Playwright's "networkidle", which waits
 *   neither for `load` nor for MathJax. On a busy machine PDFs ended mid-page (plotly.js, 4.8 MB, as an inline
 *   script: it now travels as a data block, kernel/plotlyjs.ts) or kept raw TeX (MathJax typesets after
 *   `load`; no fixed timeout is enough under every load). The config makes webpdf use the project's template
 *   `elbo-lab-webpdf` (runner/export/nbconvert-templates), whose print hold keeps the network busy until the
 *   page has loaded and MathJax has typeset it (tested alone in ./export/print-hold.test.ts).
 * - LaTeX: the default fonts lack ✔, ≥, ∫, ‖ outside math (84 blanks in the walkthrough): the config gives
 *   `--to pdf` the project's template `elbo-lab-latex`, nbconvert's own with DejaVu fonts.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import { closeBrowser, getBrowser } from "../kernel/browser";
import { findChromium } from "../kernel/chromium";
import { FIGURE_MARKER } from "../kernel/display";
import { findJupyterPython, projectRoot } from "../kernel/jupyter";
import { checkPdf, expectations, pdfProblems, REMOVE_INPUT_TAGS, type NotebookJson } from "./export/pdf-check";
import { discoverNotebooks, runNotebooks } from "./run";

const root = projectRoot();
const python = findJupyterPython().found?.python ?? null;
const jupyter = python ? path.join(path.dirname(python), "jupyter") : null;
const chromium = findChromium();
const has = (cmd: string) => process.env.PATH?.split(path.delimiter).some((d) => fs.existsSync(path.join(d, cmd))) ?? false;
const skip = !jupyter || !fs.existsSync(jupyter) ? "no Jupyter environment (run scripts/setup.sh)" : !chromium.path ? `no Chromium: ${chromium.reason}` : !has("pdftotext") ? "no poppler-utils" : false;
// The LaTeX route needs XeLaTeX and pandoc (`bash scripts/setup.sh --latex`; CI installs them). The set-up's config
// gives it the project's template (elbo-lab-latex): xelatex's default fonts lacked ✔, ≥, ∫, ‖ (84 blanks in the walkthrough).
const noLatex = skip || (!has("xelatex") ? "no xelatex (bash scripts/setup.sh --latex)" : !has("pandoc") ? "no pandoc (bash scripts/setup.sh --latex)" : false);
// webpdf's completeness on every notebook, and the walkthrough beside busy loops, run by default (CI included);
// ELBO_LAB_TEST_WEBPDF=0 leaves them out (276 s in the fresh-clone CI). The template's print hold (see the file comment)
// made every print here complete: 17 of 17 notebooks and 6 of 6 walkthroughs beside two busy loops (load about 4).
// At load 12-15 (helpers' work plus the busy loops) some still printed early: the worker's requests stalled for
// over a second with every thread of the page. Until 2026-12-02 this test was opt-in because of that; two of its
// failures then were the checker's, not webpdf's (pdftotext drops the hyphen of a word broken at a line's end).
const webpdfComplete = process.env.ELBO_LAB_TEST_WEBPDF !== "0";
const skipWebpdf = skip || (webpdfComplete ? false : "webpdf completeness left out (ELBO_LAB_TEST_WEBPDF=0)");
const REPEAT = Number(process.env.ELBO_LAB_WEBPDF_REPEAT ?? 6);
const WALKTHROUGH = "02-video-walkthrough";
const JOBS = Math.max(1, Math.min(2, os.cpus().length));

let work = "";
/** Executed notebooks by stem (`02-video-walkthrough`). */
const executed = new Map<string, string>();

interface Run {
  code: number | null;
  stderr: string;
  seconds: number;
}
function jupyterRun(args: string[], cwd: string): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    // No PLAYWRIGHT_BROWSERS_PATH of ours: the environment's own set-up must make webpdf find Chromium.
    const child = spawn(jupyter!, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, seconds: (Date.now() - t0) / 1000 });
    });
  });
}

/** Runs `f` on every item, `jobs` at a time, keeping the order of results. */
async function pool<T, R>(items: T[], jobs: number, f: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i], i);
    }
  }));
  return out;
}

const readNb = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as NotebookJson & { cells: Array<{ cell_type: string; source: unknown; metadata: { tags?: string[]; jupyter?: object } }> };

/** nbconvert `--to FORMAT` of each notebook (its own output folder per item), checked. */
async function convertAll(format: "webpdf" | "pdf" | "html", stems: string[], tag: string, extra: string[] = []) {
  return pool(stems, JOBS, async (stem, i) => {
    const dir = path.join(work, `${format}-${tag}-${i}`);
    fs.mkdirSync(dir, { recursive: true });
    const input = path.join(dir, `${stem}.ipynb`);
    fs.copyFileSync(executed.get(stem)!, input);
    const r = await jupyterRun(["nbconvert", "--to", format, ...extra, `${stem}.ipynb`], dir);
    const out = path.join(dir, `${stem}.${format === "html" ? "html" : "pdf"}`);
    return { stem, run: r, out, nb: readNb(input) };
  });
}

before(async () => {
  if (skip) return;
  work = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-nbconvert7-"));
  const given = process.env.ELBO_LAB_EXECUTED;
  if (given) {
    for (const f of fs.readdirSync(given)) if (f.endsWith(".ipynb")) executed.set(f.replace(/\.ipynb$/, ""), path.resolve(given, f));
  } else {
    const build = path.join(work, "build");
    const t0 = Date.now();
    const outcome = await runNotebooks({ notebooks: discoverNotebooks(path.join(root, "notebooks")), jobs: JOBS, cellTimeout: 300, notebookTimeout: 900, smoke: true, buildDir: build, log: () => undefined });
    for (const r of outcome.results) {
      assert.equal(r.status, "ok", `${r.notebook} did not run: ${r.kind} ${r.message}`);
      executed.set(path.basename(r.executed!).replace(/\.ipynb$/, ""), path.resolve(root, r.executed!));
    }
    console.log(`# ran ${outcome.results.length} notebooks (smoke) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  assert.ok(executed.has(WALKTHROUGH), `no executed ${WALKTHROUGH}`);
});

after(async () => {
  await closeBrowser();
  if (work && !process.env.KEEP_NBCONVERT_TEST) fs.rmSync(work, { recursive: true, force: true });
});

test("webpdf with nbconvert's defaults: every notebook's PDF complete, one image per figure, every equation typeset", { skip: skipWebpdf }, async () => {
  const stems = [...executed.keys()].sort();
  const results = await convertAll("webpdf", stems, "all");
  const problems: string[] = [];
  for (const { stem, run, out, nb } of results) {
    if (run.code !== 0 || !fs.existsSync(out)) {
      problems.push(`${stem}: nbconvert exit ${run.code}: ${run.stderr.trim().split("\n").slice(-3).join(" | ")}`);
      continue;
    }
    const exp = expectations(nb);
    const f = checkPdf(out, exp);
    console.log(`# ${stem}: ${f.pages} pages, ${f.images} images / ${exp.figures.length} figures, ${exp.headings.length} headings, ${exp.math.length} math, ${run.seconds.toFixed(1)} s`);
    for (const p of pdfProblems(f, exp, { rasterFigures: true })) problems.push(`${stem}: ${p}`);
  }
  assert.deepEqual(problems, []);
});

/** Runs `f` while `n` processes spin (a busy machine: every core taken besides the work itself). */
async function withBusyLoops<R>(n: number, f: () => Promise<R>): Promise<R> {
  const loops = Array.from({ length: n }, () => spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" }));
  try {
    return await f();
  } finally {
    for (const c of loops) c.kill("SIGKILL");
  }
}

test(`webpdf of the walkthrough ${REPEAT} times, two at a time beside ${os.cpus().length} busy loops: complete every time`, { skip: skipWebpdf }, async () => {
  const results = await withBusyLoops(os.cpus().length, () => convertAll("webpdf", Array(REPEAT).fill(WALKTHROUGH), "repeat"));
  const exp = expectations(results[0].nb);
  const verdicts = results.map(({ run, out }) => (run.code !== 0 ? [`exit ${run.code}`] : pdfProblems(checkPdf(out, exp), exp, { rasterFigures: true })));
  const bad = verdicts.filter((v) => v.length > 0);
  console.log(`# ${REPEAT - bad.length} of ${REPEAT} complete; seconds ${results.map((r) => r.run.seconds.toFixed(1)).join(" ")}`);
  assert.deepEqual(bad, []);
});

test("the source's literal command, `jupyter nbconvert --to webpdf --allow-chromium-download elbo.ipynb`, works offline", { skip }, async () => {
  const dir = path.join(work, "literal");
  fs.mkdirSync(dir);
  fs.copyFileSync(executed.get(WALKTHROUGH)!, path.join(dir, "elbo.ipynb"));
  const r = await jupyterRun(["nbconvert", "--to", "webpdf", "--allow-chromium-download", "elbo.ipynb"], dir);
  assert.equal(r.code, 0, r.stderr);
  // Playwright's install must have found the set-up's browsers complete (it deletes a folder it thinks broken).
  const again = await jupyterRun(["nbconvert", "--to", "webpdf", "--output", "again", "elbo.ipynb"], dir);
  assert.equal(again.code, 0, `webpdf after --allow-chromium-download: ${again.stderr}`);
  if (!webpdfComplete) return; // its completeness is left out like every webpdf's (see skipWebpdf)
  const exp = expectations(readNb(path.join(dir, "elbo.ipynb")));
  assert.deepEqual(pdfProblems(checkPdf(path.join(dir, "elbo.pdf"), exp), exp, { rasterFigures: true }), []);
});

test("html with nbconvert's defaults, opened with the network blocked: every figure drawn", { skip }, async () => {
  const results = await convertAll("html", [...executed.keys()].sort(), "all");
  const browser = await getBrowser();
  const problems: string[] = [];
  for (const { stem, run, out } of results) {
    if (run.code !== 0) {
      problems.push(`${stem}: nbconvert exit ${run.code}: ${run.stderr.trim().split("\n").pop()}`);
      continue;
    }
    const page = await browser.newPage();
    const uncaught: string[] = [];
    page.on("pageerror", (e) => uncaught.push(e.message));
    await page.route("**/*", (r) => (r.request().url().startsWith("file:") ? r.continue() : r.abort()));
    try {
      await page.goto(pathToFileURL(out).href, { waitUntil: "load" });
      const count = () =>
        page.evaluate((marker) => {
          const figs = Array.from(document.querySelectorAll(`[${marker}]`));
          return { figures: figs.length, drawn: figs.filter((f) => f.querySelector(".js-plotly-plot .main-svg")).length };
        }, FIGURE_MARKER);
      let c = await count();
      for (const until = Date.now() + 20_000; c.drawn < c.figures && Date.now() < until; c = await count()) await page.waitForTimeout(200);
      const exp = expectations(readNb(path.join(path.dirname(out), `${stem}.ipynb`)));
      if (c.figures !== exp.figures.length || c.drawn !== c.figures) problems.push(`${stem}: ${c.drawn} of ${c.figures} figures drawn (notebook: ${exp.figures.length})`);
      if (uncaught.length) problems.push(`${stem}: uncaught errors: ${uncaught.join(" | ").slice(0, 300)}`);
    } finally {
      await page.close();
    }
  }
  assert.deepEqual(problems, []);
});

test("pdf (LaTeX) with nbconvert's defaults: complete, equations typeset, every figure's vector image", { skip: noLatex }, async () => {
  const results = await convertAll("pdf", [...executed.keys()].sort(), "all");
  const problems: string[] = [];
  for (const { stem, run, out, nb } of results) {
    if (run.code !== 0 || !fs.existsSync(out)) {
      problems.push(`${stem}: nbconvert exit ${run.code}: ${run.stderr.trim().split("\n").slice(-3).join(" | ")}`);
      continue;
    }
    const exp = expectations(nb);
    const f = checkPdf(out, exp);
    console.log(`# ${stem}: ${f.pages} pages, ${f.titlesInText} / ${exp.figures.length} figure titles in the text, ${run.seconds.toFixed(1)} s`);
    for (const p of pdfProblems(f, exp, { rasterFigures: false })) problems.push(`${stem}: ${p}`);
  }
  assert.deepEqual(problems, []);
});

test(`cells tagged ${REMOVE_INPUT_TAGS.join(" / ")} lose their input in html, webpdf and pdf`, { skip }, async () => {
  const nb = readNb(executed.get(WALKTHROUGH)!);
  // Tag the code cells that show figures: one tag on each half, so both tags are exercised (replacing the
  // hide-input the notebooks already carry on some of them: nbformat refuses a tag listed twice).
  const figureCells = nb.cells.filter((c) => c.cell_type === "code" && JSON.stringify(c).includes("application/vnd.plotly.v1+json"));
  assert.ok(figureCells.length >= 2, "the walkthrough shows at least two figures");
  figureCells.forEach((c, i) => (c.metadata = { ...c.metadata, tags: [...(c.metadata?.tags ?? []).filter((t) => !(REMOVE_INPUT_TAGS as readonly string[]).includes(t)), REMOVE_INPUT_TAGS[i % REMOVE_INPUT_TAGS.length]] }));
  const stem = `${WALKTHROUGH}-tagged`;
  const file = path.join(work, `${stem}.ipynb`);
  fs.writeFileSync(file, JSON.stringify(nb));
  executed.set(stem, file);
  const exp = expectations(nb);
  assert.equal(exp.removedInputs.length, figureCells.length);
  const formats: Array<"html" | "webpdf" | "pdf"> = noLatex ? ["html", "webpdf"] : ["html", "webpdf", "pdf"];
  for (const format of formats) {
    const [{ run, out }] = await convertAll(format, [stem], "tags");
    assert.equal(run.code, 0, run.stderr);
    if (format === "html") {
      const html = fs.readFileSync(out, "utf8");
      const inputs = (html.match(/class="jp-Cell-inputWrapper/g) ?? []).length;
      const codeCells = nb.cells.filter((c) => c.cell_type === "code").length;
      const mdCells = nb.cells.filter((c) => c.cell_type === "markdown").length;
      assert.equal(inputs, codeCells + mdCells - figureCells.length, "html: one input area per cell except the tagged ones");
    } else {
      const f = checkPdf(out, exp);
      assert.deepEqual(f.removedInputsShown, [], `${format}: tagged inputs printed`);
      if (format !== "webpdf" || webpdfComplete) assert.ok(f.missingHeadings.length === 0, `${format}: still complete`);
    }
  }
});
