#!/usr/bin/env python3
"""PyTorch peer of our training step, for timing: width = depth = d (d hidden ReLU layers of width d),
a linear output layer of 10, He normal weights (kaiming_normal_, fan-in, ReLU gain; the output layer
too, as in lib/nn/classifier.ts), zero biases, softmax cross-entropy, plain SGD lr 0.01, batch 1024,
float32, 2 threads. Times the optimizer steps of one MNIST epoch (60,000 images, the last batch
partial), excluding data loading and evaluation, and prints one JSON object (wall and process CPU seconds:
the machine is shared, and CPU time is less disturbed by other jobs).

    python3 bench/torch_train.py [--depths 50,100] [--steps N] [--seed 0] [--threads 2]

--steps N times N full batches only and scales to an epoch (60000/1024 batch-equivalents).
"""
import argparse, json, sys, time

import torch

sys.dont_write_bytecode = True  # no __pycache__ in the repository
from mnist_idx import DEFAULT_DIR, mnist_train  # noqa: E402


def model(d):
    layers, n = [], 784
    for _ in range(d):
        layers += [torch.nn.Linear(n, d), torch.nn.ReLU()]
        n = d
    layers.append(torch.nn.Linear(n, 10))
    net = torch.nn.Sequential(*layers)
    for m in net:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
            torch.nn.init.zeros_(m.bias)
    return net


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--depths", default="50,100")
    ap.add_argument("--steps", type=int, default=0, help="time this many batches and scale to an epoch (0: a full epoch)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (the comparison uses 2)")
    ap.add_argument("--mnist-dir", default=DEFAULT_DIR)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    images, labels = mnist_train(a.mnist_dir)
    labels = torch.tensor(labels, dtype=torch.int64)
    x_all = torch.tensor(images, dtype=torch.float32) / 255.0  # outside the timing, as our loader's bytes are
    n, batch = x_all.shape[0], 1024
    results = []
    for d in [int(s) for s in a.depths.split(",")]:
        net = model(d)
        opt = torch.optim.SGD(net.parameters(), lr=0.01)
        order = torch.randperm(n)
        steps = (n + batch - 1) // batch if a.steps == 0 else a.steps
        t0, c0 = time.perf_counter(), time.process_time()
        for s in range(steps):
            idx = order[s * batch:(s + 1) * batch]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(x_all[idx]), labels[idx])
            loss.backward()
            opt.step()
        secs, cpu = time.perf_counter() - t0, time.process_time() - c0
        scale = 1 if a.steps == 0 else (n / batch) / steps
        per_epoch = secs * scale
        results.append({"d": d, "steps_timed": steps, "seconds_timed": round(secs, 3),
                        "cpu_seconds_timed": round(cpu, 3),
                        "seconds_per_epoch": round(per_epoch, 3), "cpu_seconds_per_epoch": round(cpu * scale, 3), "last_loss": round(loss.item(), 5)})
    print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "batch": batch, "lr": 0.01, "dtype": "float32", "results": results}))


if __name__ == "__main__":
    main()
