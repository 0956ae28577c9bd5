#!/usr/bin/env python3
"""Kernel start as a front end sees it: `starts` times, start a kernel with jupyter_client, wait until it
is ready (its kernel_info reply, IOPub connected: `start_new_kernel`), then run one small cell.

The kernel is found by name in the usual Jupyter paths (the bench sets JUPYTER_PATH to a throwaway folder
holding its kernel.json). The first start is a warm-up (file cache; for ELBO Lab's kernel, the V8 code
cache written after a first cell) and is not counted.

    .venv/bin/python bench/peers/kernel_start.py '{"kernel": "tslab", "starts": 6, "code": "const x: number = 1 + 1; x"}'

Prints one JSON line: readySeconds and firstCellSeconds (from the start), one per counted start.
"""
import json
import sys
import time

from jupyter_client.manager import start_new_kernel


def main() -> None:
    args = json.loads(sys.argv[1])
    ready, first = [], []
    for i in range(args["starts"] + 1):
        t0 = time.monotonic()
        km, kc = start_new_kernel(kernel_name=args["kernel"], startup_timeout=60)
        try:
            t_ready = time.monotonic() - t0
            reply = kc.execute_interactive(args["code"], timeout=60, output_hook=lambda msg: None)
            if reply["content"]["status"] != "ok":
                raise SystemExit(f"the cell failed: {reply['content']}")
            t_first = time.monotonic() - t0
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        if i > 0:
            ready.append(t_ready)
            first.append(t_first)
    print(json.dumps({"readySeconds": ready, "firstCellSeconds": first}))


if __name__ == "__main__":
    main()
