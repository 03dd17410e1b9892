#!/usr/bin/env python3
"""The mlpbench model in PyTorch, so the two can be compared on one machine.

Same data (IDX files), same network (784-h1-h2-10, ReLU, ReLU, softmax
cross-entropy), same initialisation scheme (He normal for the hidden layers,
Glorot normal for the output, zero biases), same optimizer settings and batch
size, reshuffled every epoch. PyTorch computes in float32 (its default;
-dtype float64 for the same precision as mlpbench).

    python3 nnlib/cmd/mlpbench/peer_torch.py -data /usr/share/datasets/fashion-mnist -threads 1

Prints one JSON line with the same keys as mlpbench. Needs torch and numpy
(Debian: apt-get install python3-torch).

-save-run DIR writes the run's starting point and batch order, so that
mlpbench -replay DIR can train from exactly the same start in the same order:
W1.bin, b1.bin, ... (each layer's weights as in×out and biases, float64,
little-endian, row-major) and perms.bin (the permutation of every epoch,
int64, little-endian). Use it with -dtype float64: the two runs then agree to
rounding, epoch by epoch.
"""
import argparse
import gzip
import json
import os
import resource
import statistics
import struct
import sys
import time


def read_idx(path):
    import numpy as np

    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        sys.exit(f"peer_torch: {path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    return data.reshape(dims)


def find(dirname, stem):
    for name in (stem + ".gz", stem):
        p = os.path.join(dirname, name)
        if os.path.exists(p):
            return p
    sys.exit(f"peer_torch: {stem}(.gz) not found in {dirname}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("-epochs", type=int, default=15)
    ap.add_argument("-batch", type=int, default=100)
    ap.add_argument("-hidden", default="256,256")
    ap.add_argument("-opt", default="sgd", choices=["sgd", "adam"])
    ap.add_argument("-lr", type=float, default=0.04)
    ap.add_argument("-seed", type=int, default=1)
    ap.add_argument("-threads", type=int, default=1)
    ap.add_argument("-dtype", default="float32", choices=["float32", "float64"])
    ap.add_argument("-save-run", dest="save_run", default="",
                    help="folder to write the initial weights and the batch order to, for mlpbench -replay")
    ap.add_argument("-loader", default="tensor", choices=["tensor", "dataloader"],
                    help="tensor: index the data tensors with a permutation (fastest); "
                         "dataloader: torch.utils.data.DataLoader(shuffle=True), the tutorial way")
    a = ap.parse_args()

    import numpy as np
    import torch

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    dtype = getattr(torch, a.dtype)
    torch.set_default_dtype(dtype)

    def load(prefix):
        x = read_idx(find(a.data, prefix + "-images-idx3-ubyte"))
        y = read_idx(find(a.data, prefix + "-labels-idx1-ubyte"))
        x = torch.from_numpy(x.reshape(len(x), -1).astype(a.dtype) / 255.0)
        return x, torch.from_numpy(y.astype(np.int64))

    xtr, ytr = load("train")
    xte, yte = load("t10k")

    sizes = [xtr.shape[1]] + [int(h) for h in a.hidden.split(",") if h] + [10]
    layers = []
    for i in range(len(sizes) - 1):
        lin = torch.nn.Linear(sizes[i], sizes[i + 1])
        if i < len(sizes) - 2:
            torch.nn.init.kaiming_normal_(lin.weight, nonlinearity="relu")
        else:
            torch.nn.init.xavier_normal_(lin.weight)
        torch.nn.init.zeros_(lin.bias)
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    perms_file = None
    if a.save_run:
        if a.loader != "tensor":
            sys.exit("peer_torch: -save-run needs -loader tensor (the DataLoader's order is not visible)")
        os.makedirs(a.save_run, exist_ok=True)
        linears = [l for l in layers if isinstance(l, torch.nn.Linear)]
        for i, lin in enumerate(linears, 1):
            lin.weight.detach().double().numpy().T.astype("<f8").tofile(os.path.join(a.save_run, f"W{i}.bin"))
            lin.bias.detach().double().numpy().astype("<f8").tofile(os.path.join(a.save_run, f"b{i}.bin"))
        perms_file = open(os.path.join(a.save_run, "perms.bin"), "wb")
    if a.opt == "sgd":
        opt = torch.optim.SGD(net.parameters(), lr=a.lr)
    else:
        opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    lossf = torch.nn.CrossEntropyLoss()

    n = len(xtr)
    if a.loader == "dataloader":
        loader = torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(xtr, ytr), batch_size=a.batch, shuffle=True)

        def batches():
            yield from loader
    else:
        def batches():
            perm = torch.randperm(n)
            if perms_file:
                perms_file.write(perm.numpy().astype("<i8").tobytes())
            for s in range(0, n, a.batch):
                idx = perm[s : s + a.batch]
                yield xtr[idx], ytr[idx]
    times = []
    for _ in range(a.epochs):
        t0 = time.perf_counter()
        total = 0.0
        for xb, yb in batches():
            opt.zero_grad(set_to_none=True)
            loss = lossf(net(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
        times.append(time.perf_counter() - t0)
        print(f"epoch {len(times)}/{a.epochs}  loss {total / n:.6f}  {times[-1]:.3f} s", file=sys.stderr)

    if perms_file:
        perms_file.close()
    with torch.no_grad():
        acc = (net(xte).argmax(1) == yte).float().mean().item()
    spe = statistics.median(times)
    print(json.dumps({
        "impl": "pytorch",
        "torch": torch.__version__,
        "dtype": a.dtype,
        "loader": a.loader,
        "threads": a.threads,
        "epochs": a.epochs,
        "batch": a.batch,
        "hidden": a.hidden,
        "opt": a.opt,
        "lr": a.lr,
        "train_samples": n,
        "seconds_per_epoch": round(spe, 4),
        "samples_per_second": round(n / spe, 1),
        "test_accuracy": round(acc, 4),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
