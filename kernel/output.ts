/**
 * The one place that writes display outputs to Jupyter.
 *
 * tslab's public `display.*` sends one MIME type per output; a bundle (Plotly JSON + HTML + PNG, or a
 * record with a readable text/plain) needs the kernel's internal writer, which only the tslab copy
 * that runs the kernel has. The project's kernel (./launch.ts) runs the project-local tslab, and this
 * module resolves `tslab/dist/jupyter` from the same node_modules, so they are one copy.
 *
 * Outside a kernel (unit tests, plain `node`), outputs go to the sink set by {@link setOutputSink},
 * or else `text/plain` is printed to stdout.
 */

/** A Jupyter MIME bundle. */
export type MimeBundle = Record<string, unknown>;

export interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

type Writer = (msg: DisplayMessage, update: boolean) => void;

let sink: Writer | null = null;

/** Redirects outputs (for tests): pass null to restore. */
export function setOutputSink(w: Writer | null): void {
  sink = w;
}

function kernelWriter(): Writer | null {
  if (sink) return sink;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: Writer | null };
    return jupyter.lastWriteDisplayData;
  } catch {
    return null;
  }
}

/** True when outputs reach a Jupyter front end (a tslab kernel is running this code). */
export function inKernel(): boolean {
  return kernelWriter() !== null;
}

/**
 * Sends one display output. With `displayId`, a later call with `update: true` and the same id
 * replaces it in place (progress lines, live curves); an executed notebook keeps only the last state.
 */
export function emit(data: MimeBundle, opts: { metadata?: Record<string, unknown>; displayId?: string; update?: boolean } = {}): void {
  const msg: DisplayMessage = {
    data,
    metadata: opts.metadata ?? {},
    transient: opts.displayId ? { display_id: opts.displayId } : {},
  };
  const w = kernelWriter();
  if (w) {
    w(msg, opts.update === true);
    return;
  }
  const text = data["text/plain"];
  if (typeof text === "string") process.stdout.write(text.endsWith("\n") ? text : text + "\n");
}

let displayCounter = 0;
/** A fresh display id, unique within this kernel. */
export function newDisplayId(prefix = "elbo-lab"): string {
  displayCounter += 1;
  return `${prefix}-${process.pid}-${displayCounter}-${Date.now().toString(36)}`;
}
