#!/usr/bin/env python3
"""Puts synclab's benchmark figures beside the peers' from the same run.

usage: compare.py OUTDIR   (OUTDIR/r1/synclab_*.json from our benchmarks and,
if bench-peers ran, OUTDIR/r1/go_*.txt and cpp_*.json from the peers)
"""
import glob, json, os, re, statistics, sys

out = sys.argv[1]
ours = {}   # name -> {metric: value}, medians
for path in glob.glob(os.path.join(out, "r1", "synclab_*.json")):
    for b in json.load(open(path)).get("benchmarks", []):
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        name = re.sub(r"/(real_time|manual_time|threads:\d+)", "", b["run_name"])
        m = ours.setdefault(name, {})
        m["ns"] = b.get("wall-ns/op", b["real_time"])
        for k, v in b.items():
            if k.endswith("-ns") or k in ("ns/event", "traced-ns/event", "points/s"):
                m[k] = v

cpp = {}    # the C++ peers' medians: name -> {metric: value}
for path in glob.glob(os.path.join(out, "r1", "cpp_*.json")):
    try:
        benchmarks = json.load(open(path)).get("benchmarks", [])
    except ValueError:
        continue
    for b in benchmarks:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        name = re.sub(r"/(real_time|manual_time|threads:\d+)", "", b["run_name"])
        cpp.setdefault(name, {})["ns"] = b.get("wall-ns/op", b["real_time"])

go = {}     # name -> {metric: [values]}
for path in glob.glob(os.path.join(out, "r1", "go_*.txt")):
    if os.path.basename(path).startswith("go_p1"):
        continue
    for line in open(path):
        if not line.startswith("Benchmark"):
            continue
        f = line.split()
        name = re.sub(r"-\d+$", "", f[0][len("Benchmark"):])
        vals = f[2:]
        for i in range(0, len(vals) - 1, 2):
            try:
                v = float(vals[i])
            except ValueError:
                continue
            unit = vals[i + 1]
            key = "ns" if unit == "ns/op" else unit
            go.setdefault(name, {}).setdefault(key, []).append(v)


def g(name, metric="ns"):
    v = go.get(name, {}).get(metric)
    return statistics.median(v) if v else None


def o(name, metric="ns"):
    return ours.get(name, {}).get(metric)


def fmt(v, unit=""):
    if v is None:
        return "-"
    if unit == "ms":
        return f"{v / 1e6:.2f} ms"
    return f"{v:.1f}"


def ratio(a, b):
    return f"{a / b:.2f}x" if a is not None and b else "-"


rows = []
S, M = "synclab::Mutex", "std::mutex"
rows.append(("uncontended Lock+Unlock (ns)", o(f"synclab/uncontended/{S}"), o(f"synclab/uncontended/{M}"),
             g("Uncontended/Mutex") or g("Uncontended"), ""))
for n in (2, 8, 64):
    rows.append((f"contended tiny G={n} (wall ns/op)", o(f"synclab/contended/{S}/tiny/G={n}"),
                 o(f"synclab/contended/{M}/tiny/G={n}"), g(f"Contended/Mutex/tiny/G={n}"), ""))
for n in (8, 64):
    rows.append((f"worst wait work100 G={n}", o(f"synclab/tail/{S}/work100/G={n}", "max-wait-ns"),
                 o(f"synclab/tail/{M}/work100/G={n}", "max-wait-ns"),
                 g(f"Tail/Mutex/work100/G={n}", "max-wait-ns"), "ms"))
    rows.append((f"p99.99 wait work100 G={n}", o(f"synclab/tail/{S}/work100/G={n}", "p9999-wait-ns"),
                 o(f"synclab/tail/{M}/work100/G={n}", "p9999-wait-ns"),
                 g(f"Tail/Mutex/work100/G={n}", "p9999-wait-ns"), "ms"))

print(f"{'':38} {'synclab':>12} {'std::mutex':>12} {'Go 1.19':>12} {'vs std':>8} {'vs Go':>8}")
for label, s, m, gv, unit in rows:
    print(f"{label:38} {fmt(s, unit):>12} {fmt(m, unit):>12} {fmt(gv, unit):>12} {ratio(s, m):>8} {ratio(s, gv):>8}")
print()
# sync.Map's read-mostly Load (Go's LoadMostlyHits, 2 threads), wall ns per Load.
SM = "synclab/map/LoadMostlyHits"
ours_map = o(f"{SM}/synclab::Map/G=2")
ours_rw = o(f"{SM}/shared_mutex+umap/G=2")
peer_rw = cpp.get("cpp/map/LoadMostlyHits/shared_mutex+umap", {}).get("ns")
go_map = g("Map/LoadMostlyHits/SyncMap")
print(f"{'Map LoadMostlyHits G=2 (wall ns/op)':38} {'synclab':>12} {'shmtx+umap':>12} {'peer shmtx':>12} {'Go Map':>12}")
print(f"{'':38} {fmt(ours_map):>12} {fmt(ours_rw):>12} {fmt(peer_rw):>12} {fmt(go_map):>12}")
print(f"  synclab::Map / shared_mutex+umap: {ratio(ours_map, ours_rw)} (same binary), "
      f"{ratio(ours_map, peer_rw)} (the peer's); target <= 0.70x. vs Go's sync.Map: {ratio(ours_map, go_map)}")
print()
print(f"recording, native: {fmt(o('synclab/record/native', 'ns/event'))} ns/event (target <= 50)")
print(f"recording, sim:    {fmt(o('synclab/record/sim', 'ns/event'))} ns/event (target <= 15)")
p = o("synclab/sim/points", "points/s")
print(f"sim runtime:       {p / 1e6:.1f} M scheduling points/s (target >= 5)" if p else "sim runtime: -")
# Every other benchmark program (the viewer's): medians as they come.
for path in sorted(glob.glob(os.path.join(out, "r1", "synclab_*.json"))):
    if path.endswith("synclab_core.json"):
        continue
    print(f"\n{os.path.basename(path)[:-5]}:")
    for b in json.load(open(path)).get("benchmarks", []):
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        extra = {k: v for k, v in b.items() if k not in (
            "name", "run_name", "run_type", "repetitions", "threads", "aggregate_name",
            "aggregate_unit", "iterations", "real_time", "cpu_time", "time_unit", "family_index",
            "per_family_instance_index", "repetition_index")}
        print(f"  {b['run_name']:40} {b['real_time']:10.3f} {b['time_unit']}  " +
              ", ".join(f"{k}={v:.4g}" for k, v in sorted(extra.items())))
