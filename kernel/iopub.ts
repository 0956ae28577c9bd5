/**
 * Makes tslab's IOPub socket lose nothing (issue 15).
 *
 * tslab publishes every output on a zeromq.js `Publisher` with the library's defaults, under which
 * messages disappear without an error:
 * - zeromq.js sends synchronously at most 512 times without the event loop turning
 *   (`max_sync_operations` in zeromq 6's src/socket.cc); then one send waits for the loop and every
 *   further send throws EBUSY ("Socket is busy writing"). tslab never awaits its sends, and Node's
 *   `console.log` swallows what its stream throws, so a synchronous loop's output stops after about
 *   500 messages (measured: 495 of 200,000 lines; the other 199,505 sends threw EBUSY).
 *   With `sendTimeout = 0` every send is synchronous and a `Publisher` send never waits, so it never
 *   throws;
 * - a publisher drops messages for a subscriber that is 1,000 messages behind (ZMQ_SNDHWM). With
 *   `sendHighWaterMark = 0` (no limit) they queue instead. What bounds the queue is what cells write:
 *   their stream text is coalesced and capped per cell by ./cell-output.ts.
 *
 * Like ./execute-input.ts this reaches into tslab's private `ZmqServer` (its `bindSocket` and
 * `iopub`), and {@link installLosslessIopub} throws at kernel start, naming what is missing, when a
 * tslab release changes them. Options are set in `bindSocket`, before the socket binds (ZeroMQ
 * applies a high-water mark to connections made after it is set).
 */

interface TslabSocket {
  sendHighWaterMark: number;
  sendTimeout: number;
}
interface TslabServer {
  iopub?: TslabSocket;
}
interface TslabServerPrototype {
  bindSocket(this: TslabServer, sock: TslabSocket, port: number): Promise<void>;
}

/** Patches tslab's server so that its IOPub socket never drops or refuses a message. Call once, before the server starts. */
export function installLosslessIopub(jupyter: { ZmqServer?: { prototype: unknown } }): void {
  const proto = jupyter.ZmqServer?.prototype as Partial<TslabServerPrototype> | undefined;
  if (!proto || typeof proto.bindSocket !== "function") {
    throw new Error("elbo-lab kernel: tslab/dist/jupyter has no ZmqServer.prototype.bindSocket (tslab changed?): cannot make IOPub lossless");
  }
  const original = proto.bindSocket;
  proto.bindSocket = function (this: TslabServer, sock: TslabSocket, port: number): Promise<void> {
    if (this.iopub === undefined) throw new Error("elbo-lab kernel: tslab's ZmqServer has no iopub socket when binding (tslab changed?)");
    if (sock === this.iopub) {
      sock.sendHighWaterMark = 0;
      sock.sendTimeout = 0;
    }
    return original.call(this, sock, port);
  };
}
