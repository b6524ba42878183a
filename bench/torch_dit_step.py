#!/usr/bin/env python3
"""Reference peer for the DiT training/sampling benchmark: the same transformer in PyTorch, on the CPU
or (--device cuda) on an NVIDIA GPU. Project copy of ../shared/bench/torch_dit_step.py, extended with
--device: phylab's `bench --only=dit` runs it with --device auto (CUDA when torch sees a GPU, so the
ratio is taken on the same GPU as the webgpu backend; else the CPU, as before).

Install once: apt-get install -y python3-torch libopenblas0-pthread   (Debian's build; run it with
/usr/bin/python3; without libopenblas0-pthread it falls back to the reference BLAS, ~30x slower)

It builds a DiT of adaLN-Zero blocks (Peebles & Xie 2023) over a token sequence and times
  - one training step: forward, MSE loss, backward, AdamW update
  - one sampling forward pass (no grad)
for the shape given on the command line, and prints one JSON line. Run the project's own
benchmark with the same shape and divide: that ratio is the figure to quote.

Example: /usr/bin/python3 torch_dit_step.py --batch 32 --tokens 128 --in-dim 192 --width 128 --depth 6 --heads 4
         python3 torch_dit_step.py --device cuda --batch 32 --tokens 512 --in-dim 12 --width 384 --depth 12 --heads 6
On CUDA the arithmetic is float32 with TF32 matmuls off (PyTorch's default; --tf32 turns them on),
so it computes in the same precision as TF.js; timings synchronise the device before each clock read.
"""
import argparse, json, math, os, sys, time

# glibc maps and unmaps every large tensor by default, which made PyTorch ~10x slower here:
# re-exec once with the allocator settings (and one BLAS thread, the fastest setting here).
_ENV = {"MALLOC_MMAP_MAX_": "0", "MALLOC_TRIM_THRESHOLD_": "100000000000", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
if any(os.environ.get(k) != v for k, v in _ENV.items()) and "--no-reexec" not in sys.argv:
    os.execve(sys.executable, [sys.executable] + sys.argv + ["--no-reexec"], {**os.environ, **_ENV})

import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, width, heads, mlp_ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(width, elementwise_affine=False, eps=1e-6)
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True)
        self.norm2 = nn.LayerNorm(width, elementwise_affine=False, eps=1e-6)
        hidden = int(width * mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(width, hidden), nn.GELU(approximate="tanh"), nn.Linear(hidden, width))
        self.ada = nn.Sequential(nn.SiLU(), nn.Linear(width, 6 * width))

    def forward(self, x, c):
        s1, g1, a1, s2, g2, a2 = self.ada(c).unsqueeze(1).chunk(6, dim=-1)
        h = self.norm1(x) * (1 + g1) + s1
        x = x + a1 * self.attn(h, h, h, need_weights=False)[0]
        h = self.norm2(x) * (1 + g2) + s2
        return x + a2 * self.mlp(h)


class DiT(nn.Module):
    def __init__(self, tokens, in_dim, width, depth, heads, mlp_ratio):
        super().__init__()
        self.embed = nn.Linear(in_dim, width)
        self.pos = nn.Parameter(torch.zeros(1, tokens, width))
        self.t_embed = nn.Sequential(nn.Linear(256, width), nn.SiLU(), nn.Linear(width, width))
        self.blocks = nn.ModuleList([Block(width, heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(width, elementwise_affine=False, eps=1e-6)
        self.out = nn.Linear(width, in_dim)

    def forward(self, x, t):
        half = 128
        freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
        args = t[:, None] * freqs[None]
        c = self.t_embed(torch.cat([torch.cos(args), torch.sin(args)], dim=-1))
        h = self.embed(x) + self.pos
        for b in self.blocks:
            h = b(h, c)
        return self.out(self.norm(h))


def median_ms(fn, warmup, iters, sync=lambda: None):
    for _ in range(warmup):
        fn()
    sync()
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        sync()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--tokens", type=int, default=128)
    p.add_argument("--in-dim", type=int, default=192, help="values per token before the patch embedding")
    p.add_argument("--width", type=int, default=128)
    p.add_argument("--depth", type=int, default=6)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--mlp-ratio", type=float, default=4.0)
    p.add_argument("--threads", type=int, default=0, help="0: PyTorch's default")
    p.add_argument("--iters", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="cpu", help="auto: cuda when available, else cpu")
    p.add_argument("--tf32", action="store_true", help="CUDA: allow TF32 matmuls (default: strict float32)")
    p.add_argument("--no-reexec", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    dev = a.device
    if dev == "auto":
        dev = "cuda" if torch.cuda.is_available() else "cpu"
    if dev == "cuda" and not torch.cuda.is_available():
        sys.exit("--device cuda: torch.cuda.is_available() is False (no GPU or a CPU-only torch build)")
    if dev == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = a.tf32
        torch.backends.cudnn.allow_tf32 = a.tf32
    torch.manual_seed(0)
    model = DiT(a.tokens, a.in_dim, a.width, a.depth, a.heads, a.mlp_ratio).to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    x = torch.randn(a.batch, a.tokens, a.in_dim, device=dev)
    t = torch.rand(a.batch, device=dev) * 1000
    y = torch.randn(a.batch, a.tokens, a.in_dim, device=dev)
    sync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss = ((model(x, t) - y) ** 2).mean()
        loss.backward()
        opt.step()

    def sample_step():
        with torch.no_grad():
            model(x, t)

    train = median_ms(train_step, a.warmup, a.iters, sync)
    sample = median_ms(sample_step, a.warmup, a.iters, sync)
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({
        "peer": f"pytorch-{dev}", "device": dev,
        "gpu": torch.cuda.get_device_name(0) if dev == "cuda" else None, "tf32": bool(dev == "cuda" and a.tf32),
        "torch": torch.__version__, "threads": torch.get_num_threads(),
        "batch": a.batch, "tokens": a.tokens, "in_dim": a.in_dim, "width": a.width, "depth": a.depth,
        "heads": a.heads, "mlp_ratio": a.mlp_ratio, "params": params,
        "train_step_ms": round(train, 2), "sample_forward_ms": round(sample, 2),
    }))


if __name__ == "__main__":
    main()
