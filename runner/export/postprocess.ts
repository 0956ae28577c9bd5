/**
 * Turns nbconvert's HTML into a page that stands alone and prints well:
 * - MathJax breaks long equations at the page width (automatic line breaking);
 * - print CSS: prompts hidden (their width goes to the content), code wrapped instead of clipped,
 *   outputs never wider than the page, figures kept on one page;
 * - plotly.js inlined in <head> if no output carries it (cells re-run out of order);
 * - every reference outside the page folder is listed, so the exporter can say what needs the network.
 */
import { FIGURE_CSS } from "../../kernel/display";
import { plotlyJsHtml } from "../../kernel/plotlyjs";

export const PRINT_CSS = `
@media print {
  @page { size: A4; margin: 12mm; }
  html, body { margin: 0 !important; padding: 0 !important; }
  .jp-InputPrompt, .jp-OutputPrompt, .prompt, .input_prompt, .output_prompt { display: none !important; }
  .jp-Cell, .jp-Notebook, .jp-Cell-inputWrapper, .jp-Cell-outputWrapper { padding-left: 0 !important; padding-right: 0 !important; margin-left: 0 !important; }
  pre, code, .jp-InputArea-editor pre, .highlight pre, .jp-RenderedText pre {
    white-space: pre-wrap !important; overflow-wrap: anywhere !important; word-break: break-word !important; overflow: visible !important;
  }
  .jp-InputArea-editor, .jp-OutputArea-output, .jp-RenderedHTMLCommon, .output_subarea { overflow: visible !important; max-width: 100% !important; }
  img, svg, canvas { max-width: 100% !important; }
  img { height: auto !important; }
  table { max-width: 100% !important; font-size: 9pt !important; }
  .MathJax_Display, .MJXc-display { overflow: visible !important; }
  .jp-OutputArea-child, .elbo-lab-figure, .elbo-lab-progress, table { break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
}
`;

const MATHJAX_CONFIG =
  `<script type="text/x-mathjax-config">MathJax.Hub.Config({CommonHTML:{linebreaks:{automatic:true}},` +
  `"HTML-CSS":{linebreaks:{automatic:true}},SVG:{linebreaks:{automatic:true}}});</script>`;

export interface Postprocessed {
  html: string;
  /** URLs the page loads from outside its folder (network or absolute file paths). */
  external: string[];
  injectedPlotlyJs: boolean;
}

export function postprocess(html: string, opts: { figures: number; carriesPlotlyJs: boolean }): Postprocessed {
  let head = `\n<!-- elbo-lab export -->\n${MATHJAX_CONFIG}\n<style type="text/css">${PRINT_CSS}\n${FIGURE_CSS}</style>\n`;
  const injectedPlotlyJs = opts.figures > 0 && !opts.carriesPlotlyJs;
  if (injectedPlotlyJs) head += plotlyJsHtml() + "\n";
  const at = html.search(/<head[^>]*>/i);
  if (at < 0) throw new Error("nbconvert's HTML has no <head>");
  const end = at + (/<head[^>]*>/i.exec(html.slice(at))?.[0].length ?? 0);
  const out = html.slice(0, end) + head + html.slice(end);
  return { html: out, external: externalReferences(out), injectedPlotlyJs };
}

/** `src`/`href` of scripts, stylesheets and images that point outside the page's folder. */
export function externalReferences(html: string): string[] {
  const found = new Set<string>();
  // Only tags, not the text of inline scripts (plotly.js mentions URLs in its strings).
  const tags = html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, "$1$2");
  const re = /<(script|link|img|iframe)\b[^>]*?\s(?:src|href)\s*=\s*["']([^"']+)["']/gi;
  for (let m = re.exec(tags); m; m = re.exec(tags)) {
    const url = m[2];
    if (/^(data:|#|blob:)/i.test(url)) continue;
    if (/^([a-z][a-z0-9+.-]*:|\/)/i.test(url)) found.add(url);
  }
  return [...found];
}
