/**
 * The printed form of a slider figure: a grid of a few of its frames ("small multiples"), each
 * panel labelled with its slider step, instead of the one frame a static image would freeze.
 *
 * A figure without frames is returned unchanged (the same object). With frames, the panels are
 * `count` frames evenly spaced over the slider, always the first and the last (all of them when
 * there are at most `count`), in slider order, laid out `columns` to a row. Every panel keeps the
 * figure's axes (titles, ranges, log type), so panels compare at a glance; its label is the
 * slider's `currentvalue.prefix` and the step's label ("mean of q = 1.5"), with the frame's own
 * caption (the `<sup>` line of its title, if any) under it. The legend is drawn once, and colour
 * bars once. Sliders and buttons are dropped: paper cannot move them.
 *
 * Used by the kernel's static renderer (../../kernel/render.ts) for the print PNG and the
 * `application/pdf` of every figure; the interactive views keep the slider.
 *
 * @example smallMultiples(sweepFigure({ …, parameter: { label: "m", values: [0, 1, 2, 3, 4, 5, 6] } })).data.length
 * // 4 × (series per frame); panels at m = 0, 2, 4, 6
 */
import type { Figure, PlotlyAxis, PlotlyFrame, PlotlyLayout, PlotlyTrace } from "./types";

export interface SmallMultiplesOptions {
  /** How many frames to show (default 4; at least 2). */
  count?: number;
  /** Panels per row (default 2). */
  columns?: number;
  /** Size of one frame in CSS px (default: the layout's width and height, else 760 × 420). */
  frameSize?: { width: number; height: number };
}

/** One panel of the grid: which frame, and the label printed over it. */
export interface SmallMultiplePanel {
  frame: number;
  label: string;
  /** Lines of the label (the step, then the frame's caption wrapped to the panel's width). */
  lines: number;
}

/** Indices of `count` frames evenly spaced over `n`, first and last included. */
export function evenlySpaced(n: number, count: number): number[] {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`evenlySpaced: n must be an integer ≥ 1, got ${n}`);
  if (!(Number.isInteger(count) && count >= 2)) throw new RangeError(`evenlySpaced: count must be an integer ≥ 2, got ${count}`);
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.round((i * (n - 1)) / (count - 1)));
}

function stripTags(s: string): string {
  return s.replace(/<[^>]+>/g, "").trim();
}

function titleText(layout: Partial<PlotlyLayout> | undefined): string | undefined {
  const t = layout?.title as { text?: string } | string | undefined;
  return typeof t === "string" ? t : t?.text;
}

/** Splits a caption into lines of at most `max` characters, at ", " and "; " (a longer piece keeps a line of its own). */
export function wrapCaption(caption: string, max: number): string[] {
  const pieces = caption.split(/(?<=[,;]) /);
  const lines: string[] = [];
  for (const piece of pieces) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + piece.length <= max) lines[last] += ` ${piece}`;
    else lines.push(piece);
  }
  return lines;
}

/** The panels `smallMultiples` would draw for `fig` (empty for a figure without frames). */
export function smallMultiplePanels(fig: Figure, opts: SmallMultiplesOptions = {}): SmallMultiplePanel[] {
  const frames = fig.frames ?? [];
  if (frames.length === 0) return [];
  const slider = fig.layout.sliders?.[0];
  const prefix = slider?.currentvalue?.prefix ?? "";
  const stepLabel = (f: PlotlyFrame, i: number): string => {
    const step = slider?.steps.find((s) => s.args?.[0]?.[0] === f.name) ?? slider?.steps[i];
    return step?.label ?? f.name;
  };
  const panels = evenlySpaced(frames.length, opts.count ?? 4);
  const columns = Math.max(1, Math.min(opts.columns ?? 2, panels.length));
  // Characters of 11 px text that fit a panel's width (about 6 px each) of a frame `width` wide.
  const maxChars = Math.max(20, Math.floor((frameSize(fig, opts).width * (0.92 / columns)) / 6.2));
  return panels.map((i) => {
    const f = frames[i];
    const caption = /<br>\s*<sup>(.*?)<\/sup>/s.exec(titleText(f.layout) ?? "")?.[1];
    const head = `${prefix}${stepLabel(f, i)}`.trim();
    const lines = caption ? wrapCaption(stripTags(caption), maxChars) : [];
    return { frame: i, label: [head, ...lines.map((l) => `<span style="font-size:11px">${l}</span>`)].join("<br>"), lines: 1 + lines.length };
  });
}

function frameSize(fig: Figure, opts: SmallMultiplesOptions): { width: number; height: number } {
  return opts.frameSize ?? { width: typeof fig.layout.width === "number" ? fig.layout.width : 760, height: typeof fig.layout.height === "number" ? fig.layout.height : 420 };
}

/** Where the panels go, in px and in fractions of the plotting area. */
interface Geometry {
  columns: number;
  rows: number;
  width: number;
  height: number;
  top: number;
  bottom: number;
  /** Panel width and height, and the gaps between them, as fractions of the plotting area. */
  w: number;
  h: number;
  gapX: number;
  gapY: number;
}

function geometry(fig: Figure, panels: SmallMultiplePanel[], opts: SmallMultiplesOptions): Geometry {
  const one = frameSize(fig, opts);
  const columns = Math.max(1, Math.min(opts.columns ?? 2, panels.length));
  const rows = Math.ceil(panels.length / columns);
  const labelPx = 20 + 14 * (Math.max(...panels.map((p) => p.lines)) - 1);
  const tickPx = 34; // tick labels under each panel
  const panelPx = Math.max(200, Math.round(0.55 * one.height));
  const areaPx = rows * panelPx + (rows - 1) * (labelPx + tickPx);
  const top = 72 + labelPx; // title and subtitle (22–65 px from the top), then the first row's labels
  const bottom = 120;
  const gapX = 0.08;
  return {
    columns,
    rows,
    width: one.width,
    height: areaPx + top + bottom,
    top,
    bottom,
    w: (1 - gapX * (columns - 1)) / columns,
    h: panelPx / areaPx,
    gapX,
    gapY: (labelPx + tickPx) / areaPx,
  };
}

/**
 * The size `smallMultiples(fig)` prints at: the width of one frame (`size`), and the height its
 * rows of panels, labels and legend need. A figure without frames keeps `size`.
 */
export function smallMultiplesSize(fig: Figure, size: { width: number; height: number }, opts: SmallMultiplesOptions = {}): { width: number; height: number } {
  const o = { ...opts, frameSize: size };
  const panels = smallMultiplePanels(fig, o);
  if (panels.length === 0) return size;
  const g = geometry(fig, panels, o);
  return { width: g.width, height: g.height };
}

/** The traces of frame `f` applied to the figure's traces, as `Plotly.animate` would. */
function tracesAtFrame(fig: Figure, f: PlotlyFrame): PlotlyTrace[] {
  const out = fig.data.map((t) => ({ ...t }));
  f.data.forEach((d, k) => {
    const at = f.traces?.[k] ?? k;
    out[at] = { ...(out[at] ?? {}), ...d } as PlotlyTrace;
  });
  return out;
}

function axisName(kind: "x" | "y", k: number): string {
  return k === 0 ? kind : `${kind}${k + 1}`;
}

/**
 * `fig` as a grid of a few of its frames (see the file comment), or `fig` itself when it has no
 * frames. The result is a plain figure (no frames, no sliders).
 */
export function smallMultiples(fig: Figure, opts: SmallMultiplesOptions = {}): Figure {
  const panels = smallMultiplePanels(fig, opts);
  if (panels.length === 0) return fig;
  const { columns, w, h, gapX, gapY, width, height, top, bottom } = geometry(fig, panels, opts);
  const frames = fig.frames as PlotlyFrame[];
  const { sliders: _s, updatemenus: _u, xaxis, yaxis, annotations, ...rest } = fig.layout;

  const title = titleText(fig.layout);
  const plain = title ? stripTags(title.replace(/<br>.*$/s, "")) : "";
  const layout: PlotlyLayout = {
    ...rest,
    title: { ...((typeof fig.layout.title === "object" ? fig.layout.title : {}) as object), text: `${plain}<br><sup>${panels.length} of ${frames.length} slider positions</sup>`, yref: "container", y: 1 - 22 / height, yanchor: "top" } as PlotlyLayout["title"],
    annotations: [...(annotations ?? [])],
    // Under the grid (60 px below the plotting area, under the x-axis title): above it, the legend would cover
    // the top row's panel labels.
    legend: { ...((rest.legend as object) ?? {}), orientation: "h", x: 0, y: -60 / (height - top - bottom), yanchor: "top" },
    // Room above the first row for the title, its subtitle and the first panel labels; below, for the legend.
    margin: { ...(rest.margin ?? {}), t: top, b: bottom },
    width,
    height,
    autosize: false,
  };
  const data: PlotlyTrace[] = [];
  panels.forEach((p, k) => {
    const col = k % columns;
    const row = Math.floor(k / columns);
    const x0 = col * (w + gapX);
    const y1 = 1 - row * (h + gapY);
    const xa = axisName("x", k);
    const ya = axisName("y", k);
    // Axis titles once per row (y, left column) and column (x, bottom row): the panels share their axes' meaning.
    const lastRow = k + columns >= panels.length;
    const { title: xTitle, ...xRest } = (xaxis ?? {}) as PlotlyAxis;
    const { title: yTitle, ...yRest } = (yaxis ?? {}) as PlotlyAxis;
    layout[k === 0 ? "xaxis" : `xaxis${k + 1}`] = { ...xRest, ...(lastRow && xTitle ? { title: xTitle } : {}), domain: [x0, x0 + w], anchor: ya } as PlotlyAxis;
    layout[k === 0 ? "yaxis" : `yaxis${k + 1}`] = { ...yRest, ...(col === 0 && yTitle ? { title: yTitle } : {}), domain: [y1 - h, y1], anchor: xa } as PlotlyAxis;
    for (const t of tracesAtFrame(fig, frames[p.frame])) {
      const trace: PlotlyTrace = { ...t, xaxis: xa, yaxis: ya };
      if (k > 0) {
        trace.showlegend = false;
        if ("colorbar" in trace || trace.type === "contour" || trace.type === "heatmap") trace.showscale = false;
      }
      data.push(trace);
    }
    layout.annotations!.push({
      text: p.label,
      xref: "paper",
      yref: "paper",
      x: x0,
      y: y1,
      xanchor: "left",
      yanchor: "bottom",
      showarrow: false,
      align: "left",
      font: { size: 13 },
    });
  });
  return { data, layout };
}
