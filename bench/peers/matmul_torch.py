#!/usr/bin/env python3
"""PyTorch peer of bench/cases/matmul.ts: GFLOP/s of a dense 1024x1024 float32 matmul.

    OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 /usr/bin/python3 bench/peers/matmul_torch.py '{"n": 1024, "threads": 2, "reps": 20}'

2·n³ flops per product; the minimum time over the repetitions gives the peak, the median the
typical rate. Prints one JSON line.
"""
import json
import os
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vae_torch_bench import blas_libraries, torch_config  # noqa: E402


def main():
    a = dict(n=1024, threads=1, reps=20, warmup=3)
    if len(sys.argv) > 1:
        a.update(json.loads(sys.argv[1]))
    torch.set_num_threads(int(a["threads"]))
    g = torch.Generator().manual_seed(1)
    x = torch.rand(a["n"], a["n"], generator=g, dtype=torch.float32)
    y = torch.rand(a["n"], a["n"], generator=g, dtype=torch.float32)
    out = torch.empty(a["n"], a["n"])
    for _ in range(a["warmup"]):
        torch.matmul(x, y, out=out)
    ms = []
    for _ in range(a["reps"]):
        t = time.perf_counter()
        torch.matmul(x, y, out=out)
        ms.append(1000 * (time.perf_counter() - t))
    print(json.dumps(dict(torch=torch.__version__, threads=torch.get_num_threads(), n=a["n"], ms=ms,
                          blas=blas_libraries(), torchConfig=torch_config(),
                          maxRssMb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)))


if __name__ == "__main__":
    main()
