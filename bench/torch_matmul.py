#!/usr/bin/env python3
"""PyTorch peer of bench/matmul.ts: GFLOP/s (2·m·n·k per product) for the same shapes and transposes,
float32 and float64, with torch.set_num_threads(1) and (2); and normal draws per second (normal_). Each sample times enough calls to last
--sample-ms; the figure is the median over --reps samples after a warm-up. Prints one JSON object.

    /usr/bin/python3 bench/torch_matmul.py [--reps 11] [--sample-ms 25] [--threads 1,2]

Transposed operands are real transposed views (A stored k×m, B stored n×k), as our kernels see them.
"""
import argparse, json, os, statistics, time

import torch

# (m, n, k, transA, transB): the cases of bench/matmul.ts, in its order.
CASES = [
    (1024, 100, 784, False, False), (1024, 100, 784, True, False), (1024, 100, 784, False, True),
    (1024, 256, 256, False, False), (1024, 256, 256, True, False), (1024, 256, 256, False, True),
    (1024, 100, 100, False, False), (1024, 50, 50, False, False), (100, 1, 100, False, False),
]

NORMAL_DRAWS = 1 << 20


def label(m, n, k, ta, tb):
    a = f"({k}×{m})ᵀ" if ta else f"{m}×{k}"
    b = f"({n}×{k})ᵀ" if tb else f"{k}×{n}"
    return f"{a}·{b}"


def time_calls(fn, calls):
    t0 = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - t0) / calls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=11)
    ap.add_argument("--sample-ms", type=float, default=25)
    ap.add_argument("--threads", default="1,2")
    a = ap.parse_args()
    torch.manual_seed(0)
    rows = []
    for threads in [int(t) for t in a.threads.split(",")]:
        torch.set_num_threads(threads)
        for dtype in (torch.float32, torch.float64):
            for m, n, k, ta, tb in CASES:
                A = torch.randn(k, m, dtype=dtype).t() if ta else torch.randn(m, k, dtype=dtype)
                B = torch.randn(n, k, dtype=dtype).t() if tb else torch.randn(k, n, dtype=dtype)
                out = torch.empty(m, n, dtype=dtype)
                fn = lambda: torch.matmul(A, B, out=out)  # noqa: E731 — out= keeps allocation out of the timing
                warm_until = time.perf_counter() + 0.1
                while time.perf_counter() < warm_until:
                    fn()
                calls = max(1, int(a.sample_ms / 1000 / max(time_calls(fn, 1), 1e-7)))
                samples = [time_calls(fn, calls) for _ in range(a.reps)]
                ms = statistics.median(samples) * 1e3
                flops = 2 * m * n * k
                rows.append({"shape": label(m, n, k, ta, tb), "m": m, "n": n, "k": k, "transA": ta, "transB": tb,
                             "threads": threads, "dtype": str(dtype).replace("torch.", ""), "ms": ms,
                             "gflops": flops / (ms * 1e6), "bestGflops": flops / (min(samples) * 1e9)})
    # Normal draws, the peer of our fillNormal rows: Tensor.normal_ on 2^20 entries, one thread.
    torch.set_num_threads(1)
    normals = []
    for dtype in (torch.float32, torch.float64):
        x = torch.empty(NORMAL_DRAWS, dtype=dtype)
        fn = lambda: x.normal_(0.0, 1.0)  # noqa: E731
        fn()
        samples = [time_calls(fn, 1) for _ in range(a.reps)]
        ms = statistics.median(samples) * 1e3
        normals.append({"dtype": str(dtype).replace("torch.", ""), "threads": 1, "draws": NORMAL_DRAWS, "ms": ms,
                        "perSecond": NORMAL_DRAWS / (ms / 1e3), "nsPerDraw": ms * 1e6 / NORMAL_DRAWS})
    # Debian's torch is built with BLAS_INFO=generic and calls whatever libblas.so.3 the alternatives
    # system points at: the reference (netlib) BLAS unless OpenBLAS or BLIS is installed. Record which.
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "blas": blas, "reps": a.reps, "rows": rows, "normals": normals}))


if __name__ == "__main__":
    main()
