/**
 * Opens an exported page in the shared headless Chromium with the network off (only file:, data:,
 * blob: and about: URLs load), checks what a reader would see — every figure drawn, equations
 * typeset, no console errors — and prints it to PDF (A4; the page's print CSS swaps each
 * interactive plot for its static image).
 */
import * as fs from "node:fs";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { FIGURE_MARKER } from "../../kernel/display";

/** A4 width minus 2 × 12 mm margins, in CSS px: the page is laid out at the width it is printed at. */
export const PRINT_WIDTH_PX = 703;

export interface PageCheck {
  /** Figures the HTML holds (outputs from show()). */
  figures: number;
  /** Of those, how many Plotly drew (an SVG root `.main-svg` inside `.js-plotly-plot`). */
  drawn: number;
  /** Slider frames per drawn figure, in page order. */
  frames: number[];
  /** "typeset", "none" (no MathJax on the page) or "failed: …". */
  mathjax: string;
  /** Typeset equations on the page. */
  equations: number;
  consoleErrors: string[];
  /** Requests refused because they were not local. */
  blocked: string[];
  /** Pages of the PDF, when printed. */
  pdfPages: number | null;
  /** Raster images embedded in the PDF (the static figures, among others). */
  pdfImages: number | null;
  ms: number;
}

/** Counts pages and image XObjects of a PDF written by Chromium (no object streams there). */
export function pdfCounts(buf: Buffer): { pages: number; images: number } {
  const s = buf.toString("latin1");
  const pages = (s.match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
  const images = (s.match(/\/Subtype\s*\/Image\b/g) ?? []).length;
  return { pages, images };
}

export async function checkAndPrint(browser: Browser, htmlFile: string, pdfFile: string | null, timeoutMs = 60_000): Promise<PageCheck> {
  const t0 = Date.now();
  const page = await browser.newPage({ viewport: { width: PRINT_WIDTH_PX, height: 1000 } });
  const consoleErrors: string[] = [];
  const blocked: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(`uncaught: ${e.message}`));
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (/^(file|data|blob|about):/i.test(url)) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  try {
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: "load", timeout: timeoutMs });
    const mathjax = await page.evaluate(
      (ms) =>
        new Promise<string>((resolve) => {
          const MJ = (window as unknown as { MathJax?: { Hub?: { Queue(f: () => void): void } } }).MathJax;
          if (!MJ || !MJ.Hub) return resolve("none");
          const timer = setTimeout(() => resolve("failed: MathJax did not finish"), ms);
          MJ.Hub.Queue(() => {
            clearTimeout(timer);
            resolve("typeset");
          });
        }),
      Math.min(timeoutMs, 30_000),
    );
    const count = () =>
      page.evaluate((marker) => {
        const figs = Array.from(document.querySelectorAll(`[${marker}]`));
        const drawn = figs.filter((f) => f.querySelector(".js-plotly-plot .main-svg") !== null);
        return {
          figures: figs.length,
          drawn: drawn.length,
          frames: drawn.map((f) => {
            const gd = f.querySelector(".js-plotly-plot") as unknown as { _transitionData?: { _frames?: unknown[] } };
            return gd?._transitionData?._frames?.length ?? 0;
          }),
          equations: document.querySelectorAll(".MathJax_CHTML, .MathJax, .MathJax_SVG, mjx-container").length,
        };
      }, FIGURE_MARKER);
    let c = await count();
    const deadline = Date.now() + Math.min(timeoutMs, 20_000);
    while (c.drawn < c.figures && Date.now() < deadline) {
      await page.waitForTimeout(200);
      c = await count();
    }
    let pdfPages: number | null = null;
    let pdfImages: number | null = null;
    if (pdfFile) {
      const buf = await page.pdf({ format: "A4", printBackground: true, margin: { top: "12mm", bottom: "12mm", left: "12mm", right: "12mm" } });
      fs.writeFileSync(pdfFile, buf);
      const n = pdfCounts(buf);
      pdfPages = n.pages;
      pdfImages = n.images;
    }
    return { ...c, mathjax, consoleErrors, blocked, pdfPages, pdfImages, ms: Date.now() - t0 };
  } finally {
    await page.close();
  }
}
