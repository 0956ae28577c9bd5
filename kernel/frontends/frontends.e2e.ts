/**
 * The notebooks as a student sees them, in a real JupyterLab 4 and Notebook 7 (from the Jupyter
 * python, `findJupyterPython()`), in headless Debian Chromium driven by playwright-core, in smoke mode.
 *
 * Run: `npm run build && node --test --test-reporter=spec dist/kernel/frontends/frontends.e2e.js`
 * (`ELBO_LAB_BROWSER_NOTEBOOKS=02,05` picks notebooks by number; default: all). Skipped, with one
 * line saying why, without JupyterLab + Notebook 7 + plotly in that python, or without Chromium.
 *
 * - JupyterLab with the Plotly renderer: for each notebook, Run All with the project's kernel; no
 *   cell fails; every code cell is numbered; every figure is an interactive plot drawn by the Plotly
 *   renderer (an svg with traces, no <img>); a hover shows a tooltip; a slider moves the plot to
 *   another frame; tables and the progress display show. Saved, and the saved file's `text/html`
 *   outputs, alone on a page, draw every figure.
 * - Notebook 7 (/notebooks/…): the walkthrough, the same checks.
 * - JupyterLab without the renderer (plugin `@jupyterlab/plotly-extension:factory` off):
 *   a saved notebook opened untrusted shows a one-line note where each figure would be, no empty box;
 *   after outputs are cleared, the notebook saved and the page reloaded with the kernel still alive,
 *   re-running one figure cell draws it (the text/html route), and the notebook saved then still
 *   draws every figure from its own text/html.
 * Screenshots: build/screenshots/lab-*.png, notebook7-*.png.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { closeBrowser, getBrowser } from "../browser";
import { findChromium } from "../chromium";
import { FIGURE_NOTE_CLASS, PLOTLY_MIME } from "../display";
import { PLOTLY_JS_MARKER } from "../plotlyjs";
import { projectRoot } from "../jupyter";
import { BUILD_DIR_ENV } from "../protocol";
import { command, expectedOutputs, notebookPath, prompts, runAll, waitForKernel, type Frontend } from "./page";
import { JupyterServer, jupyterLabMissing, servedCopy } from "./server";

const root = projectRoot();
const chromium = findChromium();
const missing = jupyterLabMissing();
const skip = missing ? `skipped: ${missing}` : !chromium.path ? `skipped: no Chromium: ${chromium.reason}` : false;
if (skip) console.log(`# JupyterLab / Notebook 7 browser tests ${skip}`);
const SHOTS = path.join(root, "build", "screenshots");
const RENDERER_PLUGIN = "@jupyterlab/plotly-extension:factory";
const NOTEBOOK_TIMEOUT_MS = 600_000;
/**
 * The kernels' environment: smoke mode; and no static images (they are hidden on screen, shown only
 * in print; each kernel would otherwise launch a Chromium of its own, seconds of a 2-core machine).
 */
const KERNEL_ENV = { ELBO_LAB_SMOKE: "1", ELBO_LAB_CHROMIUM: "none" };
/** KERNEL_ENV, plus the served copy's own build/ for saved models (not the checkout's, whose records the reference checks read). */
const kernelEnv = (): Record<string, string> => ({ ...KERNEL_ENV, [BUILD_DIR_ENV]: path.join(served, "build") });

const pick = (process.env.ELBO_LAB_BROWSER_NOTEBOOKS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const NOTEBOOKS = fs
  .readdirSync(path.join(root, "notebooks"))
  .filter((f) => f.endsWith(".ipynb") && (pick.length === 0 || pick.some((p) => f.startsWith(p))))
  .sort();
const WALKTHROUGH = "02-video-walkthrough.ipynb";

let served = "";
let lab: JupyterServer | null = null;
let browser: Browser | null = null;
const timings: string[] = [];
const t00 = Date.now();

before(async () => {
  if (skip) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  served = servedCopy(root);
  lab = await JupyterServer.start({ root: served, env: kernelEnv() });
  browser = await getBrowser();
});

after(async () => {
  await closeBrowser();
  if (lab) await lab.stop();
  if (served) fs.rmSync(served, { recursive: true, force: true });
  if (!skip) console.log(`# browser tests: ${timings.join("; ")}; all ${((Date.now() - t00) / 1000).toFixed(0)} s`);
});

/**
 * Uncaught errors of the front ends' own code, not of our outputs: JupyterLab's debugger asks every
 * kernel for a debug session (tslab has none); Notebook 7, served by the JupyterLab server, throws the
 * other two (seen on the walkthrough; not investigated further). Any other uncaught error fails the test.
 */
const FRONTEND_OWN_ERRORS = [/^No active debugger session$/, /^Command 'filebrowser:open-path' not registered\.$/, /^Cannot read properties of undefined \(reading 'schema'\)$/];

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => {
    if (!FRONTEND_OWN_ERRORS.some((re) => re.test(e.message))) errors.push(e.message);
  });
  return { page, errors };
}

function sourceCount(nb: string, re: RegExp): number {
  const cells = (JSON.parse(fs.readFileSync(path.join(served, "notebooks", nb), "utf8")) as { cells: Array<{ cell_type: string; source: string | string[] }> }).cells;
  return cells.filter((c) => c.cell_type === "code").reduce((n, c) => n + ((Array.isArray(c.source) ? c.source.join("") : c.source).match(re) ?? []).length, 0);
}

/** An output drawn by the Plotly renderer of the `plotly` package (jupyterlab-plotly: its widget class). */
const PLOTLY_OUTPUT = ".jp-OutputArea .jp-RenderedPlotly";

/** Scrolls each figure into view and checks it is drawn by the Plotly renderer; returns how many were. */
async function checkFigures(page: Page, expected: number, label: string): Promise<void> {
  const outputs = page.locator(PLOTLY_OUTPUT);
  assert.equal(await outputs.count(), expected, `${label}: outputs rendered by the Plotly renderer`);
  for (let i = 0; i < expected; i++) {
    const o = outputs.nth(i);
    await o.scrollIntoViewIfNeeded();
    // The renderer's widget node is itself the Plotly graph (.js-plotly-plot).
    await o.locator(".main-svg").first().waitFor({ state: "visible", timeout: 30_000 });
    const seen = await o.evaluate((el) => ({
      graph: el.classList.contains("js-plotly-plot") || el.querySelector(".js-plotly-plot") !== null,
      // Drawn data: scatter/bar traces (.trace), heatmaps (.hm) or images (svg <image>).
      traces: el.querySelectorAll(".trace, .hm, .imagelayer image").length,
      // A picture in place of the plot (what the renderer shows when a bundle carries image/png); the renderer keeps hidden ones.
      imgs: Array.from(el.querySelectorAll("img")).filter((i) => i.getBoundingClientRect().width > 50 && getComputedStyle(i).display !== "none" && getComputedStyle(i).visibility !== "hidden").length,
      svgWidth: el.querySelector(".main-svg")?.getBoundingClientRect().width ?? 0,
      height: el.getBoundingClientRect().height,
    }));
    assert.ok(seen.graph && seen.traces > 0 && seen.imgs === 0 && seen.svgWidth > 300 && seen.height > 150, `${label}: figure ${i + 1} is not an interactive plot with traces: ${JSON.stringify(seen)}`);
  }
}

/**
 * Hovers over the figures, first to last, until Plotly shows a tooltip (some figures turn hover off,
 * e.g. a grid of digit images); at least one figure of the notebook must show one.
 */
async function checkHover(page: Page, label: string, shot: string): Promise<void> {
  const figures = page.locator(PLOTLY_OUTPUT);
  const n = await figures.count();
  for (let i = 0; i < n; i++) {
    const fig = figures.nth(i);
    await fig.scrollIntoViewIfNeeded();
    const box = await fig.locator(".nsewdrag").first().boundingBox();
    if (!box) continue;
    for (const fx of [0.5, 0.3, 0.7, 0.15, 0.85, 0.4, 0.6]) {
      await page.mouse.move(box.x + box.width * fx, box.y + box.height * 0.5);
      await page.waitForTimeout(300);
      if ((await fig.evaluate((el) => el.querySelector(".hoverlayer")?.childElementCount ?? 0)) > 0) {
        await page.screenshot({ path: shot });
        await page.mouse.move(0, 0);
        return;
      }
    }
  }
  assert.fail(`${label}: hovering over ${n} figures showed no tooltip`);
}

/** Clicks near the end of the first slider; the plotted data must change. Returns false when no figure has one. */
async function checkSlider(page: Page, label: string, shot: string): Promise<boolean> {
  const fig = page.locator(PLOTLY_OUTPUT).filter({ has: page.locator(".slider-container") }).first();
  if ((await fig.count()) === 0) return false;
  await fig.scrollIntoViewIfNeeded();
  const data = (): Promise<string> =>
    fig.evaluate((el) => {
      const gd = (el.classList.contains("js-plotly-plot") ? el : el.querySelector(".js-plotly-plot")) as unknown as { data?: Array<{ y?: unknown }> } | null;
      return JSON.stringify((gd?.data ?? []).map((t) => t.y));
    });
  const before = await data();
  const rail = fig.locator(".slider-rail-touch-rect").first();
  const box = await rail.boundingBox();
  assert.ok(box, `${label}: slider has no rail`);
  await page.mouse.click(box.x + box.width * 0.97, box.y + box.height / 2);
  let afterClick = before;
  for (let i = 0; i < 20 && afterClick === before; i++) {
    await page.waitForTimeout(250);
    afterClick = await data();
  }
  assert.notEqual(afterClick, before, `${label}: clicking the slider did not change the plotted data`);
  await page.screenshot({ path: shot });
  return true;
}

/** The saved file's text/html outputs, in order, alone on a page: every figure must draw. */
async function checkSavedHtmlDrawsAlone(file: string, label: string): Promise<number> {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> };
  const parts: string[] = [];
  for (const c of nb.cells) for (const o of c.outputs ?? []) {
    const h = o.data?.["text/html"];
    if (h !== undefined) parts.push(`<div class="out">${Array.isArray(h) ? h.join("") : String(h)}</div>`);
  }
  const page = await browser!.newPage({ viewport: { width: 1000, height: 800 } });
  try {
    await page.setContent(`<!doctype html><html><body>${parts.join("\n")}</body></html>`, { waitUntil: "load", timeout: 120_000 });
    const figures = await page.locator("[data-elbo-lab-figure]").count();
    const count = (): number => Array.from(document.querySelectorAll("[data-elbo-lab-figure]")).filter((f) => f.querySelector(".js-plotly-plot .main-svg")).length;
    await page.waitForFunction(`(${count.toString()})() >= ${figures}`, undefined, { timeout: 60_000 }).catch(() => undefined);
    const drawn = await page.evaluate(count);
    assert.equal(drawn, figures, `${label}: the saved notebook's text/html drew ${drawn} of ${figures} figures on its own`);
    return figures;
  } finally {
    await page.close();
  }
}

async function studentRun(frontend: Frontend, nb: string, server: JupyterServer): Promise<void> {
  const label = `${frontend === "lab" ? "JupyterLab" : "Notebook 7"} ${nb}`;
  const tag = `${frontend === "lab" ? "lab" : "notebook7"}-${nb.replace(/\.ipynb$/, "")}`;
  const t0 = Date.now();
  const { page, errors } = await newPage();
  try {
    await page.goto(server.url(notebookPath(frontend, `notebooks/${nb}`)), { waitUntil: "domcontentloaded" });
    await waitForKernel(page);
    const state = await runAll(page, NOTEBOOK_TIMEOUT_MS);
    assert.deepEqual(state.stderr, [], `${label}: a cell wrote to stderr (a failing cell)`);
    assert.ok(state.done, `${label}: not every cell ran in ${NOTEBOOK_TIMEOUT_MS / 1000} s: ${JSON.stringify(state.counts)}`);
    const runSeconds = (Date.now() - t0) / 1000;
    const shown = await prompts(page);
    assert.ok(shown.some((p) => p !== "(input hidden)") && shown.every((p) => /^\[\d+\]:$/.test(p) || p === "(input hidden)"), `${label}: cells not numbered: ${JSON.stringify(shown)}`);

    const want = await expectedOutputs(page, PLOTLY_MIME);
    const shows = sourceCount(nb, /\bshow(Figure)?\(/g);
    assert.ok(want.figures >= Math.min(shows, 1) && want.figures === want.htmlFigures, `${label}: ${JSON.stringify(want)} for ${shows} show calls`);
    await page.screenshot({ path: path.join(SHOTS, `${tag}-top.png`) });
    await checkFigures(page, want.figures, label);
    if (want.figures > 0) await checkHover(page, label, path.join(SHOTS, `${tag}-hover.png`));
    const slid = await checkSlider(page, label, path.join(SHOTS, `${tag}-slider.png`));
    if (sourceCount(nb, /sweepFigure\(/g) > 0) assert.ok(slid, `${label}: a sweep figure has no slider on the page`);
    assert.equal(await page.locator(".jp-OutputArea-output table.elbo-lab-table").count(), want.tables, `${label}: tables shown`);
    assert.ok(want.tables >= Math.min(1, sourceCount(nb, /showTable\(/g)), `${label}: showTable in the source but no table output`);
    const progress = page.locator(".jp-OutputArea-output .elbo-lab-progress");
    assert.equal(await progress.count(), want.progress, `${label}: progress displays shown`);
    // textContent, not innerText: JupyterLab does not lay out cells scrolled out of view, and innerText of an
    // element that is not laid out can be empty (seen for the first of three progress displays in one cell).
    const progressTexts = await progress.evaluateAll((els) => els.map((e) => e.textContent ?? ""));
    for (const [i, t] of progressTexts.entries()) assert.match(t, /\d+\/\d+ \(\d+%\)/, `${label}: progress display ${i + 1} shows no count: ${JSON.stringify(t.slice(0, 80))}`);
    assert.deepEqual(errors, [], `${label}: uncaught page errors`);

    await command(page, "docmanager:save");
    const saved = path.join(served, "notebooks", nb);
    if (want.figures > 0) await checkSavedHtmlDrawsAlone(saved, `${label} (saved)`);
    const text = fs.readFileSync(saved, "utf8");
    const copies = text.split(PLOTLY_JS_MARKER).length - 1;
    timings.push(`${tag} ${runSeconds.toFixed(0)} s to run, ${((Date.now() - t0) / 1000).toFixed(0)} s in all, saved ${(text.length / 1e6).toFixed(1)} MB with ${copies} plotly.js`);
  } finally {
    await page.close();
    await server.stopKernels();
  }
}

for (const nb of NOTEBOOKS) {
  test(`JupyterLab: ${nb} as a student sees it`, { skip, timeout: NOTEBOOK_TIMEOUT_MS + 120_000 }, async () => {
    await studentRun("lab", nb, lab!);
  });
}

test(`Notebook 7: ${WALKTHROUGH} as a student sees it`, { skip, timeout: NOTEBOOK_TIMEOUT_MS + 120_000 }, async () => {
  await studentRun("notebook", WALKTHROUGH, lab!);
});

test("JupyterLab without the Plotly renderer: untrusted notebook shows a note per figure; reload + re-run draws; the saved file draws alone", { skip, timeout: NOTEBOOK_TIMEOUT_MS + 300_000 }, async () => {
  const t0 = Date.now();
  // Fresh data dir: nothing this server sees is signed, so a notebook saved by the other server is untrusted here.
  const bare = await JupyterServer.start({ root: served, disabledPlugins: [RENDERER_PLUGIN], env: kernelEnv() });
  try {
    // 1. The text/html route live: run all, (keep an executed copy the server never signed), clear every
    //    output, save, reload (the kernel lives on), re-run one figure cell.
    const fixture = `notebooks/${WALKTHROUGH}`;
    const untrustedCopy = "notebooks/executed-untrusted-copy.ipynb";
    const { page, errors } = await newPage();
    try {
      await page.goto(bare.url(notebookPath("lab", fixture)), { waitUntil: "domcontentloaded" });
      await waitForKernel(page);
      const state = await runAll(page, NOTEBOOK_TIMEOUT_MS);
      assert.deepEqual(state.stderr, []);
      assert.ok(state.done, `not every cell ran: ${JSON.stringify(state.counts)}`);
      // Drawn: the live div became a Plotly graph with its svg (one graph has several .main-svg).
      const DRAWN = ".jp-OutputArea-output .elbo-lab-live.js-plotly-plot";
      const n = sourceCount(WALKTHROUGH, /\bshow(Figure)?\(/g);
      const drawnHtml = (): Promise<number> => page.evaluate((sel) => Array.from(document.querySelectorAll(sel)).filter((e) => e.querySelector(".main-svg")).length, DRAWN);
      await page.waitForFunction(([sel, k]) => Array.from(document.querySelectorAll(sel as string)).filter((e) => e.querySelector(".main-svg")).length >= (k as number), [DRAWN, n], { timeout: 60_000 });
      assert.equal(await page.locator(PLOTLY_OUTPUT).count(), 0, "the Plotly renderer is off");
      await command(page, "docmanager:save");
      const executed = JSON.parse(fs.readFileSync(path.join(served, fixture), "utf8")) as { metadata: Record<string, unknown> };
      executed.metadata["elbo-lab-test"] = "a copy whose signature no server holds";
      fs.writeFileSync(path.join(served, untrustedCopy), JSON.stringify(executed));
      await command(page, "notebook:clear-all-cell-outputs");
      await command(page, "docmanager:save");
      const cleared = JSON.parse(fs.readFileSync(path.join(served, fixture), "utf8")) as { cells: Array<{ outputs?: unknown[] }> };
      assert.equal(cleared.cells.reduce((n, c) => n + (c.outputs ?? []).length, 0), 0, "saved with every output cleared");
      const kernelBefore = await bare.api<Array<{ id: string }>>("/kernels");
      await page.reload({ waitUntil: "domcontentloaded" });
      await waitForKernel(page);
      assert.deepEqual((await bare.api<Array<{ id: string }>>("/kernels")).map((k) => k.id), kernelBefore.map((k) => k.id), "the same kernel after the reload");
      assert.equal(await page.evaluate(() => typeof (window as unknown as { Plotly?: unknown }).Plotly), "undefined", "a fresh page has no plotly.js");
      // The second figure's cell (the sweep), alone.
      const index = await page.evaluate(() => {
        const w = (window as unknown as { jupyterapp: { shell: { currentWidget: { content: { widgets: Array<{ model: { type: string; sharedModel: { getSource(): string } } }>; activeCellIndex: number; deselectAll(): void } } } } }).jupyterapp.shell.currentWidget;
        const i = w.content.widgets.findIndex((c) => c.model.type === "code" && c.model.sharedModel.getSource().includes("sweepFigure("));
        w.content.activeCellIndex = i;
        w.content.deselectAll();
        return i;
      });
      assert.ok(index > 0, "the walkthrough has a sweep cell");
      await command(page, "notebook:run-cell");
      await page.waitForFunction((sel) => Array.from(document.querySelectorAll(sel)).filter((e) => e.querySelector(".main-svg")).length >= 1, DRAWN, { timeout: 60_000 });
      assert.equal(await drawnHtml(), 1, "the re-run figure is drawn after the reload");
      await page.locator(".jp-OutputArea-output .elbo-lab-live").first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SHOTS, "lab-no-renderer-after-reload.png") });
      await page.waitForTimeout(1000);
      await command(page, "docmanager:save");
      assert.equal(await checkSavedHtmlDrawsAlone(path.join(served, fixture), "saved after reload and one re-run"), 1);
      assert.deepEqual(errors, [], "uncaught page errors");
    } finally {
      await page.close();
    }
    // 2. The executed copy, untrusted, no renderer: a visible one-line note where each figure would be.
    {
      const { page } = await newPage();
      try {
        await page.goto(bare.url(notebookPath("lab", untrustedCopy)), { waitUntil: "domcontentloaded" });
        await waitForKernel(page);
        const notes = page.locator(`.jp-OutputArea-output .${FIGURE_NOTE_CLASS}`);
        await notes.first().waitFor({ state: "attached", timeout: 30_000 });
        // Outputs render one cell after another: wait (bounded) until every figure's note is there.
        const expected = sourceCount(WALKTHROUGH, /\bshow(Figure)?\(/g);
        await page
          .waitForFunction(([cls, k]) => document.querySelectorAll(`.jp-OutputArea-output .${cls as string}`).length >= (k as number), [FIGURE_NOTE_CLASS, expected], { timeout: 30_000 })
          .catch(() => undefined);
        const n = await notes.count();
        const withNote = page.locator(".jp-OutputArea-output").filter({ has: page.locator(`.${FIGURE_NOTE_CLASS}`) });
        const figures = await withNote.count();
        assert.ok(n === sourceCount(WALKTHROUGH, /\bshow(Figure)?\(/g) && figures === n, `one note per figure output (${n} notes, ${figures} outputs)`);
        for (let i = 0; i < n; i++) {
          const out = withNote.nth(i);
          await out.scrollIntoViewIfNeeded();
          const seen = await out.evaluate((el, cls) => {
            const note = el.querySelector(`.${cls}`) as HTMLElement;
            return { text: note.innerText, noteHeight: note.getBoundingClientRect().height, outputHeight: el.getBoundingClientRect().height, plots: el.querySelectorAll(".js-plotly-plot").length };
          }, FIGURE_NOTE_CLASS);
          assert.match(seen.text, /not drawn here: run its cell, or trust the notebook/);
          assert.ok(seen.noteHeight > 5 && seen.outputHeight < 120 && seen.plots === 0, `figure ${i + 1}: a visible line, no empty box: ${JSON.stringify(seen)}`);
        }
        await notes.first().scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(SHOTS, "lab-untrusted-no-renderer.png") });
      } finally {
        await page.close();
        await bare.stopKernels();
      }
    }

    timings.push(`no-renderer checks ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    await bare.stop();
  }
});
