/**
 * `exportAll(results, buildDir)` — after a run (`elbo-lab-run --export`, `npm start`), every executed
 * notebook becomes
 *
 * - `build/html/<name>.html`: interactive and offline (nbconvert's HTML + plotly.js carried by the
 *   notebook + MathJax copied to `build/html/_static/`), with print CSS;
 * - `build/pdf/<name>.pdf`: that page printed by headless Chromium (one browser for all notebooks),
 *   each figure as its static image;
 * - `build/index.html` linking them, and `build/export.json` with what was checked per notebook.
 *
 * Returns false when anything a reader would miss went wrong: a page that failed to convert or print,
 * a figure not drawn, a console error, a request that needed the network. Figures without a static
 * image are listed (their PDF shows the live plot instead) but do not fail the export.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { closeBrowser, getBrowser } from "../kernel/browser";
import { findChromium } from "../kernel/chromium";
import { findJupyterPython, noJupyterMessage, projectRoot } from "../kernel/jupyter";
import { prepareAssets } from "./export/assets";
import { indexHtml, type IndexRow } from "./export/index-page";
import { nbconvertHtml } from "./export/nbconvert";
import { postprocess } from "./export/postprocess";
import { checkAndPrint, type PageCheck } from "./export/print";
import { scanNotebook, type FigureInfo } from "./export/scan";
import type { NotebookResult } from "./report";

export interface ExportReport {
  notebook: string;
  status: string;
  executed: string | null;
  html: string | null;
  pdf: string | null;
  figures: FigureInfo[];
  check: PageCheck | null;
  injectedPlotlyJs: boolean;
  external: string[];
  problems: string[];
  warnings: string[];
  seconds: { nbconvert: number; print: number; total: number };
}

export interface ExportOptions {
  log?: (line: string) => void;
  /** Override the Jupyter python (default: findJupyterPython()). */
  python?: string;
}

/** `build/executed/a/b.ipynb` → `a--b` (a flat, unique name for html/ and pdf/). */
export function exportName(executedAbs: string, buildDir: string): string {
  const executedDir = path.join(buildDir, "executed");
  const rel = executedAbs.startsWith(executedDir + path.sep) ? path.relative(executedDir, executedAbs) : path.basename(executedAbs);
  return rel.replace(/\.ipynb$/, "").split(path.sep).join("--");
}

export async function exportAll(results: NotebookResult[], buildDir: string, opts: ExportOptions = {}): Promise<boolean> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const t0 = Date.now();
  const root = projectRoot();
  buildDir = path.resolve(buildDir);
  const htmlDir = path.join(buildDir, "html");
  const pdfDir = path.join(buildDir, "pdf");
  fs.mkdirSync(htmlDir, { recursive: true });
  fs.mkdirSync(pdfDir, { recursive: true });

  let python = opts.python;
  if (!python) {
    const py = findJupyterPython();
    if (!py.found) {
      log(noJupyterMessage(py.tried));
      return false;
    }
    python = py.found.python;
  }
  const assets = prepareAssets(htmlDir);
  for (const n of assets.notes) log(`export: ${n}`);

  log(`\nExporting ${results.length} notebook(s) to ${path.relative(process.cwd(), htmlDir) || "."}/ and ${path.relative(process.cwd(), pdfDir) || "."}/`);
  const reports: ExportReport[] = [];
  for (const r of results) {
    const rep: ExportReport = {
      notebook: r.notebook, status: r.status === "ok" && r.problems.length === 0 ? "ok" : r.kind ?? r.status, executed: r.executed,
      html: null, pdf: null, figures: [], check: null, injectedPlotlyJs: false, external: [], problems: [], warnings: [],
      seconds: { nbconvert: 0, print: 0, total: 0 },
    };
    reports.push(rep);
    if (!r.executed) {
      rep.problems.push("not exported: the notebook did not run (no executed copy)");
      continue;
    }
    const executedAbs = path.resolve(root, r.executed);
    const name = exportName(executedAbs, buildDir);
    let nb: Parameters<typeof scanNotebook>[0];
    try {
      nb = JSON.parse(fs.readFileSync(executedAbs, "utf8"));
    } catch (e) {
      rep.problems.push(`cannot read ${r.executed}: ${(e as Error).message}`);
      continue;
    }
    const scan = scanNotebook(nb);
    rep.figures = scan.figures;
    for (const f of scan.figures) if (f.missingStatic) rep.warnings.push(`figure "${f.title}" (cell ${f.cell}) has no static image: ${f.missingStatic}`);

    const conv = await nbconvertHtml(python, executedAbs, htmlDir, name, assets);
    rep.seconds.nbconvert = conv.ms / 1000;
    const htmlFile = path.join(htmlDir, `${name}.html`);
    if (!conv.ok || !fs.existsSync(htmlFile)) {
      rep.problems.push(`nbconvert failed: ${conv.stderr.trim().split("\n").slice(-5).join(" | ")}`);
      continue;
    }
    const post = postprocess(fs.readFileSync(htmlFile, "utf8"), { figures: scan.figures.length, carriesPlotlyJs: scan.carriesPlotlyJs });
    fs.writeFileSync(htmlFile, post.html);
    rep.html = htmlFile;
    rep.injectedPlotlyJs = post.injectedPlotlyJs;
    rep.external = post.external;
    for (const u of post.external) rep.problems.push(`the page loads ${u}, outside build/html (needs the network or this machine)`);
  }

  // One browser for every page.
  const chromium = findChromium();
  let browser: Awaited<ReturnType<typeof getBrowser>> | null = null;
  if (!chromium.path) log(`export: no PDFs and no page checks: ${chromium.reason}`);
  else {
    try {
      browser = await getBrowser();
    } catch (e) {
      log(`export: no PDFs and no page checks: Chromium did not start: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  try {
    for (const rep of reports) {
      if (!rep.html) continue;
      if (!browser) {
        rep.problems.push("no PDF: no browser");
        continue;
      }
      const pdfFile = path.join(pdfDir, path.basename(rep.html).replace(/\.html$/, ".pdf"));
      try {
        const c = await checkAndPrint(browser, rep.html, pdfFile);
        rep.check = c;
        rep.seconds.print = c.ms / 1000;
        rep.pdf = pdfFile;
        if (c.drawn < rep.figures.length) rep.problems.push(`${c.drawn} of ${rep.figures.length} figures drawn in the HTML`);
        if (c.figures !== rep.figures.length) rep.problems.push(`the HTML holds ${c.figures} figures, the notebook ${rep.figures.length}`);
        for (const e of c.consoleErrors) rep.problems.push(`console error: ${e.slice(0, 300)}`);
        for (const u of c.blocked) rep.problems.push(`the page asked for ${u} (blocked: no network)`);
        if (c.mathjax.startsWith("failed")) rep.problems.push(`equations: ${c.mathjax}`);
      } catch (e) {
        rep.problems.push(`printing failed: ${(e as Error).message.split("\n")[0]}`);
      }
    }
  } finally {
    await closeBrowser();
  }

  const rel = (p: string | null) => (p ? path.relative(buildDir, p).split(path.sep).join("/") : null);
  const rows: IndexRow[] = reports.map((r) => ({
    name: r.notebook,
    status: r.status,
    html: rel(r.html),
    pdf: rel(r.pdf),
    figures: r.figures.length,
    drawn: r.check ? r.check.drawn : null,
    pages: r.check?.pdfPages ?? null,
    missingStatic: r.figures.filter((f) => f.missingStatic).map((f) => `${f.title} (cell ${f.cell}): ${f.missingStatic}`),
    problems: r.problems,
  }));
  const indexFile = path.join(buildDir, "index.html");
  fs.writeFileSync(indexFile, indexHtml(rows));
  for (const r of reports) r.seconds.total = r.seconds.nbconvert + r.seconds.print;
  fs.writeFileSync(path.join(buildDir, "export.json"), JSON.stringify({ seconds: (Date.now() - t0) / 1000, notebooks: reports }, null, 1) + "\n");

  let ok = true;
  for (const r of reports) {
    const c = r.check;
    const what = c ? `${c.drawn}/${r.figures.length} figures, ${c.equations} equations, ${c.pdfPages} PDF pages` : `${r.figures.length} figures`;
    log(`${r.problems.length ? "✘" : r.warnings.length ? "!" : "✔"} ${r.notebook}: ${what} (${r.seconds.total.toFixed(1)} s)`);
    for (const w of r.warnings) log(`    ${w}`);
    for (const p of r.problems) log(`    ${p}`);
    if (r.problems.length) ok = false;
  }
  const here = (p: string) => path.relative(process.cwd(), p) || ".";
  log(`export: ${here(indexFile)}  (HTML: ${here(htmlDir)}/, PDF: ${here(pdfDir)}/, checks: ${here(path.join(buildDir, "export.json"))}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return ok;
}
