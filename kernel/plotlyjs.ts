/**
 * plotly.js for the HTML views (classic Notebook, nbconvert's HTML, printing): read from the npm
 * package `plotly.js-dist-min` (the minified build of `plotly.js-dist`: 4.8 MB instead of 11 MB in every
 * executed notebook and HTML page) and carried once per notebook.
 *
 * It travels as a data block (`<script type="text/plain">`, which the HTML parser reads as text and
 * does not run) followed by a small loader. Why not an ordinary inline `<script>`: on a static page
 * (nbconvert's HTML and webpdf) the parser stops at an inline script until it has compiled and run it,
 * and nbconvert's webpdf prints a fixed time after the network went quiet, not after the page was read.
 * On a busy machine it printed while the parser was still inside plotly.js, and the PDF ended there
 * (measured: 2 of 4 webpdfs of the walkthrough complete at load 5-10). The printed page needs no
 * plotly.js (a figure prints its static PNG), so the loader runs the library after the page's `load`
 * event; where the page has loaded already (JupyterLab, Notebook, any output added later) it runs it
 * at once. Running it hides require.js's `define.amd` (an AMD-aware bundle would otherwise register
 * itself as an anonymous module and leave `window.Plotly` undefined), then announces it with the DOM
 * event {@link PLOTLY_READY_EVENT} for figures waiting for it. A static page that loads in print media
 * (webpdf emulates it before it opens the page) does not run it at all: printed figures are their PNGs, and
 * compiling 4.8 MB of script is the page's longest task, which would only delay MathJax and the print.
 */
import * as fs from "node:fs";

/** Attribute on the script that carries the library; the exporter looks for it. */
export const PLOTLY_JS_MARKER = "data-elbo-lab-plotlyjs";
/** Event fired on `window` once plotly.js has loaded. */
export const PLOTLY_READY_EVENT = "elbo-lab-plotly-ready";

export function plotlyJsPath(): string {
  return require.resolve("plotly.js-dist-min/plotly.min.js");
}

export function plotlyJsVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (require("plotly.js-dist-min/package.json") as { version: string }).version;
}

let cached: string | null = null;

/** Escapes text so that it cannot end the <script> element it is inlined in. */
export function scriptSafe(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/**
 * The loader that follows the data block: finds the library's text (its own data block, else any on the
 * page), runs it once per page (a page may carry several copies, one per figure cell, see
 * ./display.ts), and fires {@link PLOTLY_READY_EVENT}. Before the page's `load` event it waits for it.
 */
export const PLOTLY_LOADER =
  "(function(){var own=document.currentScript&&document.currentScript.previousElementSibling;" +
  "function source(){if(own&&own.hasAttribute(\"" + PLOTLY_JS_MARKER + "\")&&own.textContent)return own.textContent;" +
  "var all=document.querySelectorAll(\"script[" + PLOTLY_JS_MARKER + "]\");" +
  "for(var i=0;i<all.length;i++){if(all[i].textContent)return all[i].textContent;}return null;}" +
  "function run(){if(!window.Plotly){var text=source();if(!text)return;" +
  "var d=window.define,amd=null;if(typeof d===\"function\"&&d.amd){amd=d.amd;d.amd=undefined;}" +
  "try{var s=document.createElement(\"script\");s.text=text;(document.head||document.documentElement).appendChild(s);}" +
  "finally{if(amd)d.amd=amd;}}" +
  "if(window.Plotly)window.dispatchEvent(new Event(\"" + PLOTLY_READY_EVENT + "\"));}" +
  "if(document.readyState===\"complete\")run();else window.addEventListener(\"load\",function(){" +
  "if(window.matchMedia&&window.matchMedia(\"print\").matches)return;setTimeout(run,0);});})();";

/** The HTML that carries plotly.js: the library as a data block, then {@link PLOTLY_LOADER}. */
export function plotlyJsHtml(): string {
  if (cached) return cached;
  const lib = scriptSafe(fs.readFileSync(plotlyJsPath(), "utf8"));
  cached = [
    `<script type="text/plain" ${PLOTLY_JS_MARKER}="${plotlyJsVersion()}">\n${lib}\n</script>`,
    `<script type="text/javascript">${PLOTLY_LOADER}</script>`,
  ].join("\n");
  return cached;
}
