#!/usr/bin/env python3
"""PyTorch peer of one Figure 1(a) net (lib/experiments/lengths.ts): width = depth = d, every weight
drawn afresh from N(0, 2/n) (He normal), one random unit-norm input pushed through with zero biases,
and ln(M_d/M_0) kept, renormalizing each layer as lib/nn/trace.ts does so deep nets cannot overflow.
Reports nets per second, and the paper-scale extrapolation: six initializations × depths 10..100 ×
1,000 nets costs Σ_d 6·1000·d³ weight draws, i.e. 6000·Σ(d/100)³ = 18,150 nets at d = 100, since
drawing weights (d layers of d×d) dominates both implementations.

    /usr/bin/python3 bench/torch_fig1a.py [--depth 100] [--nets 200] [--threads 1] [--dtype float64]
"""
import argparse, json, math, time

import torch

PAPER_DEPTHS = range(10, 101, 10)
PAPER_NET_EQUIVALENTS = 6 * 1000 * sum((d / 100) ** 3 for d in PAPER_DEPTHS)  # 18150 nets at d = 100


def one_net(d, dtype, gen):
    h = torch.randn(d, dtype=dtype, generator=gen)
    h /= h.norm()
    log_m0 = math.log(1.0 / d)  # ‖x‖ = 1, M_0 = ‖x‖²/n_0
    h *= math.sqrt(d)  # ‖h‖²/n = 1; the log scale carries the length
    log_scale = 0.5 * log_m0
    std = math.sqrt(2.0 / d)
    w = torch.empty(d, d, dtype=dtype)
    for _ in range(d):
        w.normal_(0.0, std, generator=gen)
        h = torch.relu(w @ h)
        s = float(h.dot(h))
        if s == 0.0:
            return -math.inf
        m = s / d
        h /= math.sqrt(m)
        log_scale += 0.5 * math.log(m)
    return 2 * log_scale - log_m0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--depth", type=int, default=100)
    ap.add_argument("--nets", type=int, default=200)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dtype", default="float64", choices=["float32", "float64"])
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    dtype = getattr(torch, a.dtype)
    gen = torch.Generator().manual_seed(0)
    for _ in range(5):  # warm-up: first calls allocate and dispatch slowly
        one_net(a.depth, dtype, gen)
    t0, c0 = time.perf_counter(), time.process_time()
    logs = [one_net(a.depth, dtype, gen) for _ in range(a.nets)]
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    per_second = a.nets / secs
    alive = [l for l in logs if l > -math.inf]
    print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(), "dtype": a.dtype,
                      "depth": a.depth, "width": a.depth, "nets": a.nets, "seconds": secs, "cpu_seconds": cpu, "nets_per_second": per_second,
                      "nets_per_cpu_second": a.nets / cpu,
                      "mean_log10_ratio": sum(alive) / max(len(alive), 1) / math.log(10),
                      "paper_net_equivalents": PAPER_NET_EQUIVALENTS,
                      "paper_seconds_one_thread": PAPER_NET_EQUIVALENTS / per_second}))


if __name__ == "__main__":
    main()
