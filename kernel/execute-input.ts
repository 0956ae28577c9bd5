/**
 * `execute_input` for tslab, which never sends it.
 *
 * Jupyter's protocol has every kernel broadcast, on IOPub, the code it is about to run together with
 * its execution count (`execute_input`). nbclient (the runner, `jupyter nbconvert --execute`) takes a
 * cell's `execution_count` from the IOPub messages that carry one (nbclient 0.11, client.py,
 * `process_message`: `if "execution_count" in content: cell["execution_count"] = ...`); only its
 * `execute()` of a whole notebook (`jupyter nbconvert --execute`, `jupyter execute`) also numbers each
 * cell itself after the reply (`execution_count=self.code_cells_executed + 1`, set before a failure
 * is raised). tslab 1.0.22 puts the count only in its `execute_reply`, so a notebook executed cell by
 * cell with `execute_cell` (our runner) kept `In [ ]:` everywhere.
 *
 * This file reaches into tslab's private classes (`ZmqServer.prototype.handleExecute`, its
 * `connInfo`/`iopub`, the request's `createReply`/`signAndSend`, the handler's `execCount`): it is
 * the one place that does, and {@link installExecuteInput} throws at kernel start, naming what is
 * missing, when a tslab release changes them. kernel/execute-input.test.ts runs a real kernel.
 */
import { setCurrentExecution } from "./execution";

/** What tslab's `ZmqMessage` looks like to us (private class). */
interface TslabMessage {
  header: { msg_type: string };
  metadata?: Record<string, unknown>;
  content: Record<string, unknown>;
  createReply(): TslabMessage;
  signAndSend(key: string, socket: unknown): void;
}
interface TslabServer {
  connInfo: { key: string };
  iopub: unknown;
}
interface TslabServerPrototype {
  handleExecute(this: TslabServer, sock: unknown, msg: TslabMessage): Promise<void>;
}

/** Hidden on the request's content (the object tslab hands to its execute handler). */
const ANNOUNCE = Symbol("elbo-lab execute_input");
type Announce = (count: number) => void;

let seq = 0;

/**
 * Patches tslab's server so that each execute request can announce itself (see {@link beginExecution}).
 * Call once, before the server starts.
 */
export function installExecuteInput(jupyter: { ZmqServer?: { prototype: unknown } }): void {
  const proto = jupyter.ZmqServer?.prototype as Partial<TslabServerPrototype> | undefined;
  if (!proto || typeof proto.handleExecute !== "function") {
    throw new Error("elbo-lab kernel: tslab/dist/jupyter has no ZmqServer.prototype.handleExecute (tslab changed?): cannot send execute_input");
  }
  const original = proto.handleExecute;
  proto.handleExecute = function (this: TslabServer, sock: unknown, msg: TslabMessage): Promise<void> {
    const server = this;
    const cellId = typeof msg.metadata?.cellId === "string" ? msg.metadata.cellId : null;
    const announce: Announce = (count) => {
      const out = msg.createReply();
      out.header.msg_type = "execute_input";
      out.content = { code: typeof msg.content.code === "string" ? msg.content.code : "", execution_count: count };
      out.signAndSend(server.connInfo.key, server.iopub);
      seq += 1;
      setCurrentExecution({ seq, count, cellId });
    };
    Object.defineProperty(msg.content, ANNOUNCE, { value: announce, enumerable: false });
    return original.call(this, sock, msg);
  };
}

/**
 * Called when tslab starts to run a request (inside its execute queue, so requests it aborts
 * announce nothing): publishes `execute_input` with the count tslab is about to give the cell.
 * `handler` is tslab's `JupyterHandlerImpl`, whose `execCount` is the last count it gave.
 */
export function beginExecution(handler: unknown, req: unknown): void {
  const announce = (req as Record<symbol, Announce | undefined> | null)?.[ANNOUNCE];
  const last = (handler as { execCount?: unknown }).execCount;
  if (typeof last !== "number") throw new Error("elbo-lab kernel: tslab's handler has no numeric execCount (tslab changed?): cannot send execute_input");
  announce?.(last + 1);
}
