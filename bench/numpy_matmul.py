#!/usr/bin/env python3
"""numpy peer of bench/matmul.ts: GFLOP/s (2·m·n·k per product) for the same shapes and transposes,
float32 and float64, with 1 and 2 BLAS threads. Each sample times enough calls to last --sample-ms;
the figure is the median over --reps samples after a warm-up, by wall time and by process CPU time
(all threads: GFLOP per core-second, which a shared machine disturbs less). Prints one JSON object
with which BLAS ran (bench/blas_info.py).

    python3 bench/numpy_matmul.py [--reps 11] [--sample-ms 25] [--threads 1,2]

Transposed operands are real transposed views (A stored k×m, B stored n×k), as our kernels see them.
"""
import argparse, json, statistics, sys, time

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the repository
from blas_info import blas_info, limit_threads  # noqa: E402

# (m, n, k, transA, transB): the cases of bench/matmul.ts, in its order.
CASES = [
    (1024, 100, 784, False, False), (1024, 100, 784, True, False), (1024, 100, 784, False, True),
    (1024, 256, 256, False, False), (1024, 256, 256, True, False), (1024, 256, 256, False, True),
    (1024, 100, 100, False, False), (1024, 50, 50, False, False), (100, 1, 100, False, False),
]


def label(m, n, k, ta, tb):
    a = f"({k}×{m})ᵀ" if ta else f"{m}×{k}"
    b = f"({n}×{k})ᵀ" if tb else f"{k}×{n}"
    return f"{a}·{b}"


def time_calls(fn, calls):
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - t0) / calls, (time.process_time() - c0) / calls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=11)
    ap.add_argument("--sample-ms", type=float, default=25)
    ap.add_argument("--threads", default="1,2")
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    rows = []
    for threads in [int(t) for t in a.threads.split(",")]:
        how = limit_threads(threads)
        for dtype in (np.float32, np.float64):
            for m, n, k, ta, tb in CASES:
                A = rng.standard_normal((k, m)).astype(dtype).T if ta else rng.standard_normal((m, k)).astype(dtype)
                B = rng.standard_normal((n, k)).astype(dtype).T if tb else rng.standard_normal((k, n)).astype(dtype)
                out = np.empty((m, n), dtype)
                fn = lambda: np.matmul(A, B, out=out)  # noqa: E731 — out= keeps allocation out of the timing
                warm_until = time.perf_counter() + 0.1
                while time.perf_counter() < warm_until:
                    fn()
                calls = max(1, int(a.sample_ms / 1000 / max(time_calls(fn, 1)[0], 1e-7)))
                samples = [time_calls(fn, calls) for _ in range(a.reps)]
                wall = statistics.median(s[0] for s in samples)
                cpu = statistics.median(s[1] for s in samples)
                flops = 2 * m * n * k
                rows.append({"shape": label(m, n, k, ta, tb), "m": m, "n": n, "k": k, "transA": ta, "transB": tb,
                             "threads": threads, "thread_limit": how, "dtype": np.dtype(dtype).name, "ms": wall * 1e3,
                             "gflops": flops / (wall * 1e9), "bestGflops": flops / (min(s[0] for s in samples) * 1e9),
                             "gflopsPerCpuSecond": flops / (max(cpu, 1e-9) * 1e9)})
    print(json.dumps({"impl": "numpy", "numpy": np.__version__, "python": sys.executable, "blas": blas_info(),
                      "reps": a.reps, "rows": rows}))


if __name__ == "__main__":
    main()
