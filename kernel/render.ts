/**
 * Static images of Plotly figures, drawn by plotly.js itself in the shared headless Chromium
 * (./browser.ts): a PNG (for the print view inside the figure's HTML) and a vector PDF (the
 * `application/pdf` of the figure's bundle, for nbconvert's LaTeX route).
 *
 * The page holding plotly.js is loaded once per process (with the browser's launch, about 2.3 s of
 * a notebook's first figure cell); after that one figure takes 100–300 ms. Renders are queued one at
 * a time. Under the runner, kernels share one warm browser through ./render-service.ts instead.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { smallMultiples, smallMultiplesSize } from "../src/figures/small-multiples";
import type { Figure } from "../src/figures/types";
import { getBrowser } from "./browser";
import { plotlyJsPath } from "./plotlyjs";
import { RENDER_SERVICE_ENV, renderViaService, ServiceUnreachable } from "./render-service";

export interface StaticImages {
  /** Base64 PNG at twice the CSS pixel size (sharp when printed). */
  png: string;
  /** Base64 one-page PDF whose page is the figure (vector). */
  pdf: string;
  width: number;
  height: number;
  ms: number;
  /** Where it was drawn: this process's browser, or the run's shared render service. */
  via?: "local" | "service";
}

export interface RenderSize {
  width: number;
  height: number;
}

let pages: Promise<{ plot: Page; pdf: Page }> | null = null;
/** This process's temporary folders, removed at exit whatever ends it (see ./launch.ts for signals). */
const tempDirs = new Set<string>();
let exitHooked = false;

function removeTempDirs(): void {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

function makeTempDir(): string {
  if (!exitHooked) {
    exitHooked = true;
    process.on("exit", removeTempDirs);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-render-"));
  tempDirs.add(dir);
  return dir;
}
let queue: Promise<unknown> = Promise.resolve();
/** Milliseconds the page setup (plotly.js load) took, for reports. */
export let plotlyLoadMs = 0;

function renderPages(): Promise<{ plot: Page; pdf: Page }> {
  if (pages) return pages;
  pages = (async () => {
    const browser = await getBrowser();
    browser.on("disconnected", () => {
      pages = null;
    });
    const t0 = Date.now();
    const plot = await browser.newPage();
    // No network: this page only ever needs plotly.js and itself. Loading plotly.js by file URL is
    // about 3x faster than injecting its 11 MB of text (measured 1.8 s against 5.2 s).
    const dir = makeTempDir();
    const page = path.join(dir, "render.html");
    const lib = pathToFileURL(plotlyJsPath()).href;
    fs.writeFileSync(page, `<!doctype html><html><head><meta charset="utf-8"><script src="${lib}"></script></head><body></body></html>`);
    await plot.route(/^(?!data:|about:)/, (route) => {
      const url = route.request().url();
      return url === lib || url === pathToFileURL(page).href ? route.continue() : route.abort();
    });
    try {
      await plot.goto(pathToFileURL(page).href);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
    }
    if (!(await plot.evaluate(() => typeof (window as unknown as { Plotly?: unknown }).Plotly === "object"))) {
      throw new Error(`plotly.js did not load from ${lib}`);
    }
    const pdf = await browser.newPage();
    await pdf.route(/^(?!data:|about:)/, (route) => route.abort());
    plotlyLoadMs = Date.now() - t0;
    return { plot, pdf };
  })();
  pages.catch(() => {
    pages = null;
  });
  return pages;
}

/** Starts the browser and loads plotly.js now (e.g. while a notebook computes), instead of at the first figure. */
export async function warmUp(): Promise<void> {
  await renderPages();
}

/**
 * What a static image shows: the figure itself, or, for a figure with slider frames, a grid of a few
 * of its frames (../src/figures/small-multiples.ts) at a size that fits them: paper has no slider.
 */
export function printedForm(fig: unknown, size: RenderSize): { fig: unknown; size: RenderSize } {
  const f = fig as Figure;
  if (!Array.isArray(f?.frames) || f.frames.length === 0 || typeof f.layout !== "object" || f.layout === null) return { fig, size };
  return { fig: smallMultiples(f, { frameSize: size }), size: smallMultiplesSize(f, size) };
}

async function renderNow(original: unknown, requested: RenderSize): Promise<StaticImages> {
  const t0 = Date.now();
  const { fig, size } = printedForm(original, requested);
  const { plot, pdf } = await renderPages();
  const { svg, png } = await plot.evaluate(
    async ({ fig, width, height }) => {
      const P = (window as unknown as { Plotly: { toImage(f: unknown, o: Record<string, unknown>): Promise<string> } }).Plotly;
      const f = fig as { data: unknown[]; layout?: Record<string, unknown> };
      const one = { data: f.data, layout: { ...(f.layout ?? {}), width, height, autosize: false } };
      const svgUrl = await P.toImage(one, { format: "svg", width, height });
      const pngUrl = await P.toImage(one, { format: "png", width, height, scale: 2 });
      return { svg: decodeURIComponent(svgUrl.slice(svgUrl.indexOf(",") + 1)), png: pngUrl.slice(pngUrl.indexOf(",") + 1) };
    },
    { fig, width: size.width, height: size.height },
  );
  await pdf.setContent(
    `<!doctype html><html><head><meta charset="utf-8"><style>@page{margin:0}html,body{margin:0;padding:0}svg{display:block}</style></head><body>${svg}</body></html>`,
  );
  const pdfBytes = await pdf.pdf({ width: `${size.width}px`, height: `${size.height}px`, printBackground: true, pageRanges: "1" });
  return { png, pdf: Buffer.from(pdfBytes).toString("base64"), width: size.width, height: size.height, ms: Date.now() - t0 };
}

/**
 * Renders one figure; figures are rendered one after another. Rejects with the reason on failure.
 *
 * When {@link RENDER_SERVICE_ENV} names a render service (the runner starts one per run, see
 * ./render-service.ts), the figure is drawn there, by a browser that is already warm; if nothing
 * listens there, it falls back to this process's own browser.
 */
export async function renderStatic(fig: unknown, size: RenderSize, timeoutMs = 90_000): Promise<StaticImages> {
  const socket = process.env[RENDER_SERVICE_ENV];
  if (socket && !serviceGone) {
    try {
      return { ...(await renderViaService(socket, fig, size, timeoutMs)), via: "service" };
    } catch (e) {
      if (!(e instanceof ServiceUnreachable)) throw e;
      serviceGone = true;
    }
  }
  return { ...(await renderStaticLocally(fig, size, timeoutMs)), via: "local" };
}

/** Set once the render service could not be reached: later figures go straight to the local browser. */
let serviceGone = false;

/** {@link renderStatic} in this process's browser, whatever the environment says (the service's own path). */
export function renderStaticLocally(fig: unknown, size: RenderSize, timeoutMs = 90_000): Promise<StaticImages> {
  const run = queue.then(() => renderNow(fig, size));
  queue = run.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`static rendering took longer than ${timeoutMs / 1000} s`)), timeoutMs);
    timer.unref();
  });
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}
