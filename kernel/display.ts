/**
 * `await show(fig)` — one call shows a Plotly figure in every front end and export.
 *
 * The display bundle, and who reads what:
 *
 * | MIME type                          | read by                                                        |
 * | ---------------------------------- | -------------------------------------------------------------- |
 * | `application/vnd.plotly.v1+json`   | JupyterLab, Notebook 7, VS Code (interactive, their renderer)   |
 * | `text/html`                        | classic Notebook 6, nbconvert HTML 6/7, webpdf, our PDF print  |
 * | `application/pdf`                  | nbconvert's LaTeX route (`--to latex` / `--to pdf`)             |
 * | `text/plain`                       | consoles, logs, anything else                                  |
 *
 * Why no `image/png` in the bundle: JupyterLab's Plotly renderer (in the Python `plotly` package)
 * shows a bundle's `image/png` instead of the interactive plot. `application/pdf` is ignored by that
 * renderer, is not among the types nbconvert's HTML exporter or Notebook 6 display, and is the type
 * nbconvert's LaTeX exporter prefers after `text/latex` (vector, sharp at any size). The PNG lives
 * inside the `text/html` instead, as an `<img>` hidden on screen and shown only in print
 * (`@media print`), so printed pages (our export, nbconvert 7's webpdf) get a picture that fits the
 * page instead of an interactive plot sized for the screen.
 *
 * plotly.js itself (for the HTML views) is carried once per kernel session: the first `show` emits it
 * as its own `text/html` output just before the figure; later figures wait for it if they are drawn
 * first (e.g. a notebook reopened with outputs), through the event in ./plotlyjs.ts.
 *
 * Static images need a browser (./browser.ts). Without one the figure is still shown (interactive),
 * its text says why there is no static image, and the exporter lists it.
 */
import type { Figure } from "../src/figures/types";
import { findChromium } from "./chromium";
import { emit, newDisplayId, type MimeBundle } from "./output";
import { PLOTLY_READY_EVENT, plotlyJsHtml } from "./plotlyjs";
import { renderStatic, type StaticImages } from "./render";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";
/** Attribute on each figure's HTML: the exporter counts figures and finds missing static images with it. */
export const FIGURE_MARKER = "data-elbo-lab-figure";

export interface ShowOptions {
  /** Size of the static image in CSS px (default: the layout's, else 760 × 420). */
  width?: number;
  height?: number;
  /** `false` skips the static image (interactive only). Default true. */
  staticImage?: boolean;
}

/** What `show` did, for tests and for notebooks that want to report it. */
export interface ShowResult {
  displayId: string;
  staticImage: boolean;
  /** Why there is no static image, when there is none. */
  missing: string | null;
  renderMs: number | null;
  /** Which browser drew the static image: this kernel's own, or the run's shared render service. */
  renderer: "local" | "service" | null;
}

let libraryEmitted = false;

/** Forget that plotly.js was sent (the next figure carries it again), e.g. after clearing all outputs. */
export function resendPlotlyJs(): void {
  libraryEmitted = false;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/** JSON that may sit inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function titleOf(fig: Figure): string {
  const t = fig.layout?.title;
  const text = typeof t === "string" ? t : t?.text;
  return (text ?? "untitled figure").replace(/<br>.*$/s, "").replace(/<[^>]+>/g, "");
}

/** Screen: the live plot. Print: the static PNG when there is one (hidden on screen). */
export const FIGURE_CSS =
  ".elbo-lab-static{display:none}" +
  "@media print{.elbo-lab-figure[data-static=png] .elbo-lab-live{display:none!important}" +
  ".elbo-lab-figure[data-static=png] .elbo-lab-static{display:block!important;max-width:100%!important;height:auto!important}" +
  ".elbo-lab-figure{break-inside:avoid;page-break-inside:avoid}}";

export function figureHtml(fig: Figure, id: string, images: StaticImages | null, height: number): string {
  const title = titleOf(fig);
  const config = { responsive: true, displaylogo: false };
  const img = images
    ? // Hidden inline too: a front end that drops <style> from outputs must still not show it twice.
      `<img class="elbo-lab-static" style="display:none" alt="${escapeHtml(title)}" width="${images.width}" height="${images.height}" src="data:image/png;base64,${images.png}">`
    : "";
  return [
    `<div class="elbo-lab-figure" ${FIGURE_MARKER}="${id}" data-static="${images ? "png" : "missing"}">`,
    `<style>${FIGURE_CSS}</style>`,
    `<div class="elbo-lab-live" id="${id}" style="width:100%;height:${height}px"></div>`,
    img,
    `<script type="text/javascript">(function(){`,
    `var fig=${scriptJson({ data: fig.data, layout: fig.layout, frames: fig.frames ?? [], config })};`,
    `var el=document.getElementById(${JSON.stringify(id)});if(!el)return;`,
    `function draw(){if(el.getAttribute("data-drawn"))return;el.setAttribute("data-drawn","1");window.Plotly.newPlot(el,fig);}`,
    `if(window.Plotly){draw();}else{window.addEventListener(${JSON.stringify(PLOTLY_READY_EVENT)},draw);`,
    `setTimeout(function(){if(!window.Plotly&&!el.getAttribute("data-drawn")){el.style.height="auto";el.textContent="plotly.js is not loaded on this page: run the notebook again from the top (the first figure carries it).";}},15000);}`,
    `})();</script>`,
    `</div>`,
  ].join("");
}

function plainText(fig: Figure, missing: string | null): string {
  const parts = [`${fig.data.length} trace${fig.data.length === 1 ? "" : "s"}`];
  if (fig.frames?.length) parts.push(`${fig.frames.length} slider frames`);
  return `Figure: ${titleOf(fig)} (${parts.join(", ")})${missing ? `\n[no static image: ${missing}]` : ""}`;
}

export function figureBundle(fig: Figure, id: string, images: StaticImages | null, missing: string | null, height: number): MimeBundle {
  const bundle: MimeBundle = {
    [PLOTLY_MIME]: { data: fig.data, layout: fig.layout, ...(fig.frames?.length ? { frames: fig.frames } : {}) },
    "text/html": figureHtml(fig, id, images, height),
    "text/plain": plainText(fig, missing),
  };
  if (images) bundle["application/pdf"] = images.pdf;
  return bundle;
}

function checkFigure(fig: unknown): asserts fig is Figure {
  const f = fig as Partial<Figure> | null;
  if (!f || typeof f !== "object" || !Array.isArray(f.data)) {
    throw new TypeError("show(fig): fig must be a Plotly figure {data: [...], layout: {...}} (see ../dist/src figure builders)");
  }
  if (f.layout !== undefined && (typeof f.layout !== "object" || f.layout === null)) throw new TypeError("show(fig): fig.layout must be an object");
}

/**
 * Shows `fig` — the one call notebooks use. The interactive views appear at once; the static image
 * follows (the same display is updated in place) once the browser has drawn it. Await it, so that the
 * update lands in this cell. It resolves to nothing, so `await show(fig)` can end a cell without tslab
 * printing a value; {@link showFigure} returns what happened.
 *
 * @example await show(densityFigure({ title: "Prior and posterior", z, curves: { prior, posterior } }))
 */
export async function show(fig: Figure, opts: ShowOptions = {}): Promise<void> {
  await showFigure(fig, opts);
}

/** {@link show}, resolving to what it did (display id, whether a static image was made, why not). */
export async function showFigure(fig: Figure, opts: ShowOptions = {}): Promise<ShowResult> {
  checkFigure(fig);
  const layout = fig.layout ?? {};
  const height = opts.height ?? (typeof layout.height === "number" ? layout.height : 420);
  const width = opts.width ?? (typeof layout.width === "number" ? layout.width : 760);
  const figure: Figure = { ...fig, layout };
  const displayId = newDisplayId("elbo-lab-figure");

  if (!libraryEmitted) {
    // Its own output with only text/html: JupyterLab and HTML views run it; LaTeX and consoles skip it.
    emit({ "text/html": plotlyJsHtml() });
    libraryEmitted = true;
  }

  let missing: string | null = null;
  if (opts.staticImage === false) missing = "turned off for this figure (staticImage: false)";
  else {
    const found = findChromium();
    if (!found.path) missing = found.reason;
  }
  emit(figureBundle(figure, displayId, null, missing ?? "being rendered", height), { displayId });
  if (missing) return { displayId, staticImage: false, missing, renderMs: null, renderer: null };

  try {
    const images = await renderStatic(figure, { width, height });
    emit(figureBundle(figure, displayId, images, null, height), { displayId, update: true });
    return { displayId, staticImage: true, missing: null, renderMs: images.ms, renderer: images.via ?? "local" };
  } catch (e) {
    missing = `rendering failed: ${(e as Error).message.split("\n")[0]}`;
    emit(figureBundle(figure, displayId, null, missing, height), { displayId, update: true });
    return { displayId, staticImage: false, missing, renderMs: null, renderer: null };
  }
}
