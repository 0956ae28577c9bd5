/** Figure builders: pure functions returning Plotly `{data, layout, frames?}`. Shown by `show` in ../../kernel. */
export type { AxisSpec, Datum, Figure, PlotlyAxis, PlotlyFrame, PlotlyLayout, PlotlyTrace } from "./types";
export { EXTRA_COLORS, PALETTE, ROLE_DASH, ROLE_NAME, isRole, type Role } from "./palette";
export { THEME, axisTitle, baseLayout, type Series } from "./theme";
export { lineFigure, scatterFigure, type LineFigureSpec } from "./line";
export { densityFigure, type DensityFigureSpec } from "./density";
export { sweepFigure, type SweepFigureSpec } from "./sweep";
export { elboGapFigure, elboTermsFigure, stackedBarFigure, type ElboGapSpec, type ElboTermsSpec, type StackedBarSpec } from "./bars";
export { contourFigure, surfaceFigure, type GridFigureSpec } from "./surface";
export { histogramFigure, histogramBins, type HistogramFigureSpec, type HistogramMarker, type HistogramBins } from "./histogram";
export { smallMultiples, smallMultiplePanels, smallMultiplesSize, evenlySpaced, wrapCaption, type SmallMultiplesOptions, type SmallMultiplePanel } from "./small-multiples";
