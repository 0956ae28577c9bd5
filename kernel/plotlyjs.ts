/**
 * plotly.js for the HTML views (classic Notebook, nbconvert's HTML, printing): read from the npm
 * package `plotly.js-dist-min` (the minified build of `plotly.js-dist`: 4.8 MB instead of 11 MB in every
 * executed notebook and HTML page) and carried once per notebook, in a script that hides require.js's
 * `define.amd` while it loads (an AMD-aware bundle would otherwise register itself as an anonymous
 * module and leave `window.Plotly` undefined), then announces itself with the DOM event
 * {@link PLOTLY_READY_EVENT} for figures drawn before it arrived.
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
 * The HTML that loads plotly.js inline (three scripts: hide AMD, the library, restore and announce).
 * A page that already has `window.Plotly` (an earlier output carried it) skips the library: a
 * notebook may carry several copies (one per figure cell, see ./display.ts), evaluated once.
 */
export function plotlyJsHtml(): string {
  if (cached) return cached;
  const lib = scriptSafe(fs.readFileSync(plotlyJsPath(), "utf8"));
  cached = [
    `<script type="text/javascript">(function(){if(window.Plotly)return;var d=window.define;if(typeof d==="function"&&d.amd){window.__elboLabAmd=d.amd;d.amd=undefined;}})();</script>`,
    `<script type="text/javascript" ${PLOTLY_JS_MARKER}="${plotlyJsVersion()}">if(!window.Plotly){\n${lib}\n}</script>`,
    `<script type="text/javascript">(function(){var d=window.define;if(typeof d==="function"&&window.__elboLabAmd){d.amd=window.__elboLabAmd;}try{delete window.__elboLabAmd;}catch(e){}` +
      `window.dispatchEvent(new Event("${PLOTLY_READY_EVENT}"));})();</script>`,
  ].join("\n");
  return cached;
}
