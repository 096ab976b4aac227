#!/usr/bin/env python3
"""Per-node inference profile of ONNX Runtime on the benchmark models, to pair with Striate's
per-pass timings (same model, same batch, same thread count).

The model is exactly the one the peer benchmark runs: it is built by `torch_model` from
../shared/bench/peers.py (imported, not copied), with the same seed, exported to ONNX with the
same settings as peers.py's `ort` peer (opset 13, TorchScript exporter, dynamic batch axis,
input "input", output "logits"), and run in an InferenceSession with the same options
(intra_op_num_threads = THREADS, inter_op_num_threads = 1, ORT_ENABLE_ALL, sequential
execution, CPUExecutionProvider). The only addition is SessionOptions.enable_profiling.

    python3 bench/ort_profile.py MODEL [--threads 2] [--batch B] [--runs 40] [--warmup W]

MODEL: lenet5 | fashion-cnn | resnet8 | resnet18. B and W default to peers.py's infer protocol
(batch 256 and 5 warm-up runs; batch 16 and 2 warm-up runs for resnet18).

Output, one line per node that ORT executed, in execution order (as in the first timed run):

    node_name op_type mean_us share%

mean_us is the node's kernel time averaged over the timed runs, share% its part of the sum of
all node times. ORT's node names may contain spaces ("fused /7/Gemm"), so split a line from the
right: `name, op_type, mean_us, share = line.rsplit(" ", 3)`. Then:

    total_us_per_run X img_per_s Y      wall time of one profiled run (ORT's model_run events),
                                        and batch / that time
    nodes_us_per_run X                  sum of the node kernel times per run (the 100% above)
    unprofiled_us_per_run X img_per_s Y perf_counter wall time of a run in a second session
                                        without profiling (same options, same warm-up and runs)

Which figure to quote: for throughput, the unprofiled line (the same measurement peers.py makes;
profiling adds per-node timestamps and event bookkeeping). The per-node mean_us/share% are for
the breakdown only; total_us_per_run minus nodes_us_per_run is the time outside kernels
(input/output copies, allocation, executor and profiler overhead).

Caveats:
- Node names and op types are those of ORT's optimised graph, not of the PyTorch model: ORT
  folds BatchNormalization into the preceding Conv, fuses Conv+Relu (and Conv+Add+Relu) into
  FusedConv, fuses Gemm+Relu into FusedGemm ("fused /7/Gemm"), and with the NCHWc layout
  transformer (x86 with AVX2/AVX-512) runs convolutions and pools in a blocked channel layout,
  adding ReorderInput/ReorderOutput nodes that convert to and from it. The profile reports those
  NCHWc kernels with op_type Conv/MaxPool/...; their node names end in "_nchwc" (named after the
  tensor they produce, e.g. "/1/Relu_output_0_nchwc" is Conv /0 fused with Relu /1). The numbers
  in the names are the indices in the PyTorch nn.Sequential, which is how to pair them with
  Striate's passes (by hand). In resnet8/resnet18 the residual add and its ReLU are fused into
  the block's second conv ("/4/a/a.3/Conv_output_0_nchwc" is conv + BN + add + ReLU).
- Only kernel time ("Node" events ending in _kernel_time) is counted; the fence events are
  dropped. With intra-op threads > 1 a kernel's time is its wall time across all threads.
- The profile file ORT writes (in a temporary directory) is read and then deleted.
- Timings on a loaded machine are noisy; the shares are more stable than the absolute times.
"""
import argparse, json, os, shutil, sys, tempfile, time, warnings
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "bench"))
import peers  # noqa: E402


def export(model, name, shape, path):
    """Exactly peers.py's export of the model for its `ort` peer."""
    import torch
    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kw = {"dynamo": False} if tuple(int(v) for v in torch.__version__.split(".")[:2]) >= (2, 5) else {}
        torch.onnx.export(model, torch.rand(1, *shape), path, input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13, **kw)


def session(path, threads, profile_prefix=None):
    """peers.py's session options, plus profiling when profile_prefix is given."""
    import onnxruntime as ort
    so = ort.SessionOptions(); so.intra_op_num_threads = threads; so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if profile_prefix:
        so.enable_profiling = True
        so.profile_file_prefix = profile_prefix
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def main():
    p = argparse.ArgumentParser(description="Per-node ONNX Runtime profile of a benchmark model")
    p.add_argument("model")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=None)
    p.add_argument("--runs", type=int, default=40)
    p.add_argument("--warmup", type=int, default=None)
    a = p.parse_args()

    import torch
    if hasattr(torch.backends, "nnpack"): torch.backends.nnpack.set_flags(False)
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    m = peers.torch_model(a.model)
    shape, _, _, (ib, iw, _), _ = peers.protocol(a.model)
    batch = a.batch or ib
    warm = iw if a.warmup is None else a.warmup

    tmp = tempfile.mkdtemp(prefix="ort_profile_")
    try:
        path = os.path.join(tmp, a.model + ".onnx")
        export(m, a.model, shape, path)
        x = np.random.rand(batch, *shape).astype(np.float32)

        # Profiled session.
        s = session(path, a.threads, os.path.join(tmp, "prof"))
        for _ in range(warm + a.runs): s.run(None, {"input": x})
        prof = s.end_profiling()
        with open(prof) as f: events = json.load(f)
        os.remove(prof)
        del s

        runs = sorted((e for e in events if e.get("cat") == "Session" and e.get("name") == "model_run"),
                      key=lambda e: e["ts"])
        if len(runs) < warm + a.runs:
            sys.exit(f"expected {warm + a.runs} model_run events, found {len(runs)}")
        timed = runs[-a.runs:]  # skip the warm-up runs
        nodes = sorted((e for e in events if e.get("cat") == "Node" and e["name"].endswith("_kernel_time")),
                       key=lambda e: e["ts"])
        order, tot, op = [], {}, {}
        i = 0
        for r in timed:
            lo, hi = r["ts"], r["ts"] + r["dur"]
            while i < len(nodes) and nodes[i]["ts"] < lo: i += 1
            while i < len(nodes) and nodes[i]["ts"] <= hi:
                e = nodes[i]; i += 1
                n = e["name"][:-len("_kernel_time")]
                if n not in tot:
                    order.append(n); tot[n] = 0.0; op[n] = e.get("args", {}).get("op_name", "?")
                tot[n] += e["dur"]
        node_sum = sum(tot.values())
        for n in order:
            print(f"{n} {op[n]} {tot[n] / a.runs:.1f} {100 * tot[n] / node_sum:.1f}%")
        run_us = sum(r["dur"] for r in timed) / a.runs
        print(f"total_us_per_run {run_us:.0f} img_per_s {batch / run_us * 1e6:.0f}")
        print(f"nodes_us_per_run {node_sum / a.runs:.0f}")

        # Unprofiled session, timed as peers.py does.
        s = session(path, a.threads)
        wall = peers.timed(lambda: s.run(None, {"input": x}), warm, a.runs) * 1e6
        print(f"unprofiled_us_per_run {wall:.0f} img_per_s {batch / wall * 1e6:.0f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
