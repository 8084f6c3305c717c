#!/usr/bin/env python3
"""numpy peer of our training step, for timing: width = depth = d (d hidden ReLU layers of width d), a
linear output layer of 10, He normal weights (fan-in, ReLU gain; the output layer too, as in
lib/nn/classifier.ts), zero biases, softmax cross-entropy, plain SGD lr 0.01, batch 1024, float32.
The forward and backward passes are written out in numpy with preallocated buffers and in-place
elementwise work, so nearly all the time is in BLAS (sgemm) calls: the strongest plain-numpy peer.
Times the optimizer steps (batch gathering included) of one MNIST epoch (60,000 images, the last
batch partial), excluding data loading, and prints one JSON object with wall seconds and process CPU
seconds (all threads: the core-seconds the peer used) and which BLAS ran (threadpoolctl, or numpy's
build configuration when threadpoolctl is missing), so that a reference-BLAS numpy cannot pass for
an OpenBLAS one.

    python3 bench/numpy_train.py [--depths 50,100] [--steps N] [--seed 0] [--threads 2]

--steps N times N full batches only and scales to an epoch (60000/1024 batch-equivalents).
"""
import argparse, json, sys, time

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the repository
from mnist_idx import DEFAULT_DIR, mnist_train  # noqa: E402
from blas_info import blas_info, limit_threads  # noqa: E402


class Net:
    """Parameters, activations and gradients of one dense ReLU net, all float32 and preallocated."""

    def __init__(self, d, batch, rng):
        widths = [784] + [d] * d + [10]
        self.W = [(rng.standard_normal((o, i)) * np.sqrt(2.0 / i)).astype(np.float32) for i, o in zip(widths, widths[1:])]
        self.b = [np.zeros(o, np.float32) for o in widths[1:]]
        self.a = [np.empty((batch, w), np.float32) for w in widths]  # a[0] is the input batch

    def step(self, x, y, lr):
        a, W, b = self.a, self.W, self.b
        L, B = len(W), x.shape[0]
        a[0][:B] = x
        for j in range(L):
            z = a[j + 1][:B]
            np.matmul(a[j][:B], W[j].T, out=z)
            z += b[j]
            if j < L - 1:
                np.maximum(z, 0, out=z)
        # softmax cross-entropy, in place on the logits
        z = a[L][:B]
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        s = z.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(s[:, 0]) - np.log(z[np.arange(B), y])))
        z /= s
        z[np.arange(B), y] -= 1
        z /= B
        g = z
        for j in range(L - 1, -1, -1):
            dW = g.T @ a[j][:B]
            db = g.sum(axis=0)
            if j > 0:
                g = g @ W[j]
                g *= a[j][:B] > 0
            W[j] -= lr * dW
            b[j] -= lr * db
        return loss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--depths", default="50,100")
    ap.add_argument("--steps", type=int, default=0, help="time this many batches and scale to an epoch (0: a full epoch)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2, help="BLAS threads (the comparison uses 2)")
    ap.add_argument("--mnist-dir", default=DEFAULT_DIR)
    a = ap.parse_args()
    if a.steps < 0 or a.threads < 1:
        sys.exit("error: --steps must be >= 0 and --threads >= 1")
    limiter = limit_threads(a.threads)
    images, labels = mnist_train(a.mnist_dir)
    x_all = images.astype(np.float32) / 255.0  # outside the timing, as our loader's bytes are
    labels = labels.astype(np.int64)
    n, batch = x_all.shape[0], 1024
    rng = np.random.default_rng(a.seed)
    results = []
    for d in [int(s) for s in a.depths.split(",")]:
        net = Net(d, batch, rng)
        order = rng.permutation(n)
        steps = (n + batch - 1) // batch if a.steps == 0 else a.steps
        net.step(x_all[order[:batch]], labels[order[:batch]], 0.0)  # warm-up: first-touch of every buffer
        t0, c0 = time.perf_counter(), time.process_time()
        for s in range(steps):
            idx = order[s * batch:(s + 1) * batch]
            loss = net.step(x_all[idx], labels[idx], 0.01)
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        scale = 1 if a.steps == 0 else (n / batch) / steps
        results.append({"d": d, "steps_timed": steps, "seconds_timed": round(secs, 3), "cpu_seconds_timed": round(cpu, 3),
                        "seconds_per_epoch": round(secs * scale, 3), "cpu_seconds_per_epoch": round(cpu * scale, 3),
                        "last_loss": round(loss, 5)})
    print(json.dumps({"impl": "numpy", "numpy": np.__version__, "python": sys.executable, "threads": a.threads,
                      "blas": blas_info(), "thread_limit": limiter, "batch": batch, "lr": 0.01, "dtype": "float32",
                      "results": results}))


if __name__ == "__main__":
    main()
