/**
 * What an executed notebook holds for the exporter: its figures (outputs with the Plotly MIME type),
 * which of them lack a static image, and whether plotly.js travels with it.
 */
import { FIGURE_MARKER, PLOTLY_MIME } from "../../kernel/display";
import { PLOTLY_JS_MARKER } from "../../kernel/plotlyjs";

export interface FigureInfo {
  /** 0-based index of the cell. */
  cell: number;
  title: string;
  /** Why there is no static image, or null when there is one. */
  missingStatic: string | null;
}

export interface NotebookScan {
  figures: FigureInfo[];
  carriesPlotlyJs: boolean;
  /** Markdown cells hold `$…$` or `$$…$$` math. */
  hasMath: boolean;
}

interface Output {
  output_type?: string;
  data?: Record<string, unknown>;
}

const text = (v: unknown): string => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "");

export function scanNotebook(nb: { cells?: Array<{ cell_type?: string; source?: unknown; outputs?: Output[] }> }): NotebookScan {
  const figures: FigureInfo[] = [];
  let carriesPlotlyJs = false;
  let hasMath = false;
  (nb.cells ?? []).forEach((cell, i) => {
    if (cell.cell_type === "markdown" && /\$[^$]+\$/.test(text(cell.source))) hasMath = true;
    for (const o of cell.outputs ?? []) {
      if (o.output_type !== "display_data" && o.output_type !== "execute_result") continue;
      const html = text(o.data?.["text/html"]);
      if (html.includes(PLOTLY_JS_MARKER)) carriesPlotlyJs = true;
      const fig = o.data?.[PLOTLY_MIME] as { layout?: { title?: { text?: string } | string } } | undefined;
      if (!fig) continue;
      const t = fig.layout?.title;
      const title = (typeof t === "string" ? t : t?.text ?? "untitled").replace(/<br>.*$/s, "");
      let missingStatic: string | null = null;
      if (!o.data?.["application/pdf"] || !html.includes('data-static="png"')) {
        const plain = text(o.data?.["text/plain"]);
        missingStatic = /\[no static image: (.*)\]/.exec(plain)?.[1] ?? "no static image in the output";
      }
      if (!html.includes(FIGURE_MARKER)) missingStatic = missingStatic ?? "the figure's HTML is not from show()";
      figures.push({ cell: i, title, missingStatic });
    }
  });
  return { figures, carriesPlotlyJs, hasMath };
}
