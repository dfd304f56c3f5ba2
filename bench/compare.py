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
# RWMutex beside std::shared_mutex, WaitGroup beside std::latch (both in
# synclab_sync_bench), and Go's for each.
R, SH, W, L = "synclab::RWMutex", "std::shared_mutex", "synclab::WaitGroup", "std::latch"
sync_rows = [
    ("uncontended RLock+RUnlock (ns)", o(f"synclab/uncontended/{R}(R)"), o(f"synclab/uncontended/{SH}(R)"),
     g("Uncontended/RWMutexR")),
    ("uncontended Lock+Unlock (ns)", o(f"synclab/uncontended/{R}(W)"), o(f"synclab/uncontended/{SH}(W)"),
     g("Uncontended/RWMutexW")),
    ("read-mostly map, 2 threads (wall ns/op)", o(f"synclab/map/LoadMostlyHits/{R}"),
     o(f"synclab/map/LoadMostlyHits/{SH}"), g("Map/LoadMostlyHits/RWMutexMap")),
]
for n in (2, 8, 64):
    sync_rows.append((f"writers, tiny section G={n} (wall ns/op)", o(f"synclab/contended/{R}(W)/tiny/G={n}"),
                      o(f"synclab/contended/{SH}(W)/tiny/G={n}"), g(f"Contended/RWMutexW/tiny/G={n}")))
wg_rows = []
for n in (2, 8):
    wg_rows.append((f"Add({n}), {n} x Done, Wait (ns)", o(f"synclab/wg/{W}/Cycle/N={n}"),
                    o(f"synclab/wg/{L}/Cycle/N={n}"), g(f"WG/Cycle/N={n}")))
    wg_rows.append((f"fork-join, {n} pooled workers (ns)", o(f"synclab/wg/{W}/ForkJoinPool/N={n}"),
                    o(f"synclab/wg/{L}/ForkJoinPool/N={n}"), g(f"WG/ForkJoinPool/N={n}")))
for title, peer, table in (("RWMutex", "shared_mutex", sync_rows), ("WaitGroup", "std::latch", wg_rows)):
    print()
    print(f"{title:42} {'synclab':>10} {peer:>12} {'Go 1.19':>10} {'vs std':>8} {'vs Go':>8}")
    for label, s_, m_, gv in table:
        print(f"{label:42} {fmt(s_):>10} {fmt(m_):>12} {fmt(gv):>10} {ratio(s_, m_):>8} {ratio(s_, gv):>8}")

# sync.Pool: Get/Put against new+delete of the same object (Go: its Pool
# against its allocator), same workloads (peers_test.go's BenchmarkPool).
print()
print(f"{'':38} {'synclab':>12} {'new+delete':>12} {'Go Pool':>12} {'Go alloc':>12} {'vs new':>8} {'vs Go':>8}")
for label, ours_name, base_name, go_name, go_alloc in [
        ("Pool Get+Put 32B (ns)", "GetPut/32B", "NewDelete/32B", "Pool/GetPut/32B", "Pool/Alloc/32B"),
        ("Pool Get+Put 1KB (ns)", "GetPut/1KB", "NewDelete/1KB", "Pool/GetPut/1KB", "Pool/Alloc/1KB"),
        ("Pool Get+Put 1KB, 2 threads (ns)", "GetPutParallel/1KB", "NewDeleteParallel/1KB",
         "Pool/GetPutParallel/1KB", "Pool/AllocParallel/1KB")]:
    s, b = o(f"synclab/pool/{ours_name}"), o(f"synclab/pool/{base_name}")
    print(f"{label:38} {fmt(s):>12} {fmt(b):>12} {fmt(g(go_name)):>12} {fmt(g(go_alloc)):>12} "
          f"{ratio(s, b):>8} {ratio(s, g(go_name)):>8}")
print("(target: Pool Get+Put at most half of new+delete, 32B)")
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
print(f"recording, native, two str fields: {fmt(o('synclab/record/native-str', 'ns/event'))} ns/event")
print(f"recording, sim, two str fields:    {fmt(o('synclab/record/sim-str', 'ns/event'))} ns/event")
# Channels (synclab_chan_bench) beside a mutex+condvar queue (ours and the
# C++ peer's) and Go's BenchmarkChan.
print()
print(f"{'channels':38} {'synclab':>10} {'traced':>10} {'condvar':>10} {'peer cv':>10} {'Go 1.19':>10} {'vs Go':>8}")
for label, name, peer, go_name, target in [
        ("unbuffered round trip (ns)", "PingPongUnbuffered", "cpp/chan/queue/PingPong", "Chan/PingPongUnbuffered", 2.0),
        ("buffered cap 128, per item (ns)", "Buffered128", "cpp/chan/queue/ProdCons128", "Chan/Buffered128", 1.5)]:
    s_ = o(f"synclab/chan/{name}", "wall-ns/op") or o(f"synclab/chan/{name}")
    t_ = o(f"synclab/chan/traced/{name}", "wall-ns/op")
    cv = o(f"synclab/chan/condvar/{'PingPong' if name.startswith('Ping') else name}", "wall-ns/op")
    pc = cpp.get(peer, {}).get("ns")
    print(f"{label:38} {fmt(s_):>10} {fmt(t_):>10} {fmt(cv):>10} {fmt(pc):>10} {fmt(g(go_name)):>10} "
          f"{ratio(s_, g(go_name)):>8}  (target <= {target}x Go, ahead of condvar)")
for name in ("PingPongUnbuffered", "Buffered128"):
    r = o(f"synclab/chan/sim/{name}", "ops/s")
    print(f"sim {name}: {r / 1e6:.2f} M ops/s" if r else f"sim {name}: -")
p = o("synclab/sim/points", "points/s")
print(f"sim runtime:       {p / 1e6:.1f} M scheduling points/s (target >= 5)" if p else "sim runtime: -")
# semaphore: x/sync's Weighted beside a buffered-channel semaphore, ours
# (synclab_semaphore_bench) and Go's (bench/go/semaphore, go_semaphore.txt).
print()
print(f"{'semaphore':38} {'Weighted':>10} {'chan sem':>10} {'Go Wtd':>10} {'Go chan':>10} {'vs chan':>8} {'vs Go':>8}")
for label, name in [("Acquire(1)+Release(1), 1 thread (ns)", "Uncontended"),
                    ("8 threads on 4 tokens (wall ns/op)", "G=8/size=4")]:
    w_ = o(f"synclab/semaphore/Weighted/{name}", "wall-ns/op") or o(f"synclab/semaphore/Weighted/{name}")
    c_ = o(f"synclab/semaphore/Chan/{name}", "wall-ns/op") or o(f"synclab/semaphore/Chan/{name}")
    gw, gc = g(f"Semaphore/Weighted/{name}"), g(f"Semaphore/Chan/{name}")
    print(f"{label:38} {fmt(w_):>10} {fmt(c_):>10} {fmt(gw):>10} {fmt(gc):>10} {ratio(w_, c_):>8} {ratio(w_, gw):>8}")
# Every other benchmark program (the viewer's): medians as they come.
for path in sorted(glob.glob(os.path.join(out, "r1", "synclab_*.json"))):
    if os.path.basename(path) in ("synclab_core.json", "synclab_sync_bench.json", "synclab_pool_bench.json",
                                  "synclab_chan_bench.json", "synclab_semaphore_bench.json"):
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
