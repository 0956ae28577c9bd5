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
 * plotly.js itself (for the HTML views) travels as its own `text/html` output just before a figure:
 * - run from an interactive front end (JupyterLab, Notebook 7: the request names its cell), with the
 *   first figure of every cell run. The kernel cannot see the page: after a reload, a re-run or a
 *   cleared output, the output that carried plotly.js may be gone from the page and from the saved
 *   file. Carried by every cell that shows a figure, each cell's outputs draw on their own (also in
 *   the notebook saved from there and in nbconvert's HTML of it), and a page still evaluates
 *   plotly.js only once (./plotlyjs.ts skips a copy when `window.Plotly` exists). The cost is
 *   4.8 MB per figure cell in notebooks saved from JupyterLab;
 * - run headless (nbclient: the runner, `jupyter nbconvert --execute`, which run a notebook once, top
 *   to bottom), once per kernel session, with the first figure.
 * A figure drawn before plotly.js has arrived waits for the event in ./plotlyjs.ts.
 *
 * Where scripts do not run (an untrusted notebook in a front end without the Plotly renderer, a
 * viewer that renders HTML only), the figure's HTML shows one line saying how to see the figure; its
 * script removes that line when it draws.
 *
 * A figure with slider frames prints as small multiples: its print PNG and `application/pdf` show four of
 * its frames in a grid, first and last included, each labelled with its slider step (./render.ts,
 * ../src/figures/small-multiples.ts); the interactive views keep the slider.
 *
 * Static images need a browser (./browser.ts). Without one the figure is still shown (interactive),
 * its text says why there is no static image, and the exporter lists it.
 */
import type { Figure } from "../src/figures/types";
import { findChromium } from "./chromium";
import { currentExecution } from "./execution";
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

/** For which cell run (interactive) or kernel session (headless) plotly.js was last sent; see the file comment. */
let libraryCarriedFor: string | null = null;

function libraryScope(): string {
  const e = currentExecution();
  return e && e.cellId !== null ? `request ${e.seq}` : "session";
}

/** Forget that plotly.js was sent (the next figure carries it again). */
export function resendPlotlyJs(): void {
  libraryCarriedFor = null;
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

/** Class of the one-line note a figure shows until its script draws it (see {@link untrustedNote}). */
export const FIGURE_NOTE_CLASS = "elbo-lab-figure-note";

/** What a figure's HTML says where its script does not run (e.g. an untrusted notebook without the Plotly renderer). */
export function untrustedNote(title: string): string {
  return `Figure "${title}" is not drawn here: run its cell, or trust the notebook ("Trust Notebook" command), or install the Plotly renderer (pip install plotly).`;
}
/** The note while the script waits for plotly.js (normally a moment: it is in an earlier output of the same cell). */
const WAITING_NOTE = "Loading plotly.js…";
/** The note when plotly.js never came (the output that carried it was cleared). */
const MISSING_LIBRARY_NOTE = "plotly.js is not on this page: run this cell again (it brings plotly.js with it).";

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
  const noteId = `${id}-note`;
  return [
    `<div class="elbo-lab-figure" ${FIGURE_MARKER}="${id}" data-static="${images ? "png" : "missing"}">`,
    `<style>${FIGURE_CSS}</style>`,
    // Plain HTML survives an untrusted notebook's sanitizer; the script below removes it when it runs.
    `<p class="${FIGURE_NOTE_CLASS}" id="${noteId}">${escapeHtml(untrustedNote(title))}</p>`,
    // No height until drawn: where scripts do not run, no empty box.
    `<div class="elbo-lab-live" id="${id}" style="width:100%"></div>`,
    img,
    `<script type="text/javascript">(function(){`,
    `var fig=${scriptJson({ data: fig.data, layout: fig.layout, frames: fig.frames ?? [], config })};`,
    `var el=document.getElementById(${JSON.stringify(id)});if(!el)return;`,
    `var note=document.getElementById(${JSON.stringify(noteId)});if(note)note.textContent=${JSON.stringify(WAITING_NOTE)};`,
    `function draw(){if(el.getAttribute("data-drawn"))return;el.setAttribute("data-drawn","1");if(note&&note.parentNode)note.parentNode.removeChild(note);`,
    `el.style.height="${height}px";window.Plotly.newPlot(el,fig);}`,
    `if(window.Plotly){draw();}else{window.addEventListener(${JSON.stringify(PLOTLY_READY_EVENT)},draw);`,
    `setTimeout(function(){if(!window.Plotly&&!el.getAttribute("data-drawn")&&note){note.textContent=${JSON.stringify(MISSING_LIBRARY_NOTE)};}},15000);}`,
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

  const scope = libraryScope();
  if (libraryCarriedFor !== scope) {
    // Its own output with only text/html: JupyterLab and HTML views run it; LaTeX and consoles skip it.
    emit({ "text/html": plotlyJsHtml() });
    libraryCarriedFor = scope;
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
