#!/usr/bin/env python3
"""Benchmark yuanqu against the GeoPandas peer (and DuckDB for the overlap
stage) on the same generated layers, in one run, on this machine.

usage: python3 scripts/bench.py [--sets small,medium,large] [--data DIR] [--skip-peers] [--repeat N]

Generates the sets of ../shared/bench/README.md with gen_layers.py (not
committed: large is 550 MB) into --data (default ../bench-data), then runs
for each set:
  * examples/parse_floor SET: the parsing floor, every GeoJSON layer read
    the way analyze reads it and nothing else done (no validation, no
    measuring); "beyond parse" is yuanqu's total minus this
  * yuanqu analyze SET --timings (release build; maps are not part of analyze)
  * peer_geopandas.py SET (--method overlay), peer_duckdb.py SET
yuanqu measures the zones against the blocks while it reads them; its
overlap time is that measuring (processor time from --timings, divided by
the cores) plus its overlap stage (the per-block unions).
and prints per-stage wall times, peak RSS (from /usr/bin/time or getrusage)
and the ratios. Each program runs --repeat times (default 2) and its fastest
run counts, so that neither side pays for a cold page cache. Needs: pip install geopandas pyogrio pyarrow pandas
duckdb==1.4.4 duckdb-ext-spatial shapely numpy. Timings are never asserted
anywhere; rerun this to see a regression.
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"
SETS = {  # name: (seed, parks, zones)
    "small": (101, 100, 500),
    "medium": (202, 1000, 20000),
    "large": (303, 3000, 100000),
}


def run_timed(cmd, **kw):
    """Runs cmd; returns (stdout+stderr, wall seconds, peak RSS MiB of the child)."""
    t = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{p.stdout}\n{p.stderr}")
    # ru_maxrss of children is the max over all children so far: measure each
    # command with /usr/bin/time when available for a per-command figure
    return p.stdout + p.stderr, wall, max(after, before) / 1024


def peak_rss(cmd):
    """Peak RSS of one command in MiB via GNU time, or None."""
    if not Path("/usr/bin/time").exists():
        return None
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return int(m.group(1)) / 1024 if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="small,medium")
    ap.add_argument("--data", default=str(ROOT.parent / "bench-data"))
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument("--repeat", type=int, default=2, help="runs per program; the fastest counts")
    a = ap.parse_args()
    data = Path(a.data)
    data.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "parse_floor"], cwd=ROOT, check=True)
    exe = ROOT / "target" / "release" / "yuanqu"
    floor = ROOT / "target" / "release" / "examples" / "parse_floor"
    rows = []
    for name in a.sets.split(","):
        seed, parks, zones = SETS[name]
        d = data / name
        if not (d / "zones.geojson").exists():
            print(f"generating {name} ...", flush=True)
            subprocess.run([sys.executable, str(SHARED / "gen_layers.py"), "--seed", str(seed), "--parks", str(parks),
                            "--zones", str(zones), "--zone-vertices", "200", "--out", str(d)], check=True,
                           capture_output=True)
        out = data / f"out-{name}"
        floors = [run_timed([str(floor), str(d)])[0].split() for _ in range(a.repeat)]
        parse_s = min(float(f[1]) for f in floors)
        cmd = [str(exe), "analyze", str(d), "--out", str(out), "-q", "--no-maps", "--timings"]
        text, wall, _ = min((run_timed(cmd) for _ in range(a.repeat)), key=lambda r: r[1])
        stages = {m.group(1): float(m.group(2)) for m in re.finditer(r"^\s*(\w+)\s+([\d.]+) s$", text, re.M)}
        inside = {m.group(1): float(m.group(2)) for m in re.finditer(r"^\s*(\w+)\s+([\d.]+) cpu-s", text, re.M)}
        rss = peak_rss(cmd)
        row = {"set": name, "yuanqu_s": round(wall, 3), "parse_s": parse_s, "yuanqu_stages": stages, "yuanqu_inside_cpu_s": inside,
               "yuanqu_rss_mib": rss}
        if not a.skip_peers:
            peer = [sys.executable, str(SHARED / "peer_geopandas.py"), str(d), "--out", str(data / f"peer-{name}")]
            summaries = [json.loads(run_timed(peer)[0].split("SUMMARY ", 1)[1].splitlines()[0])
                         for _ in range(a.repeat)]
            summ = min(summaries, key=lambda x: x["total_s"])
            row["geopandas_s"] = summ["total_s"]
            row["geopandas_stages"] = summ["stages_s"]
            row["geopandas_rss_mib"] = summ["peak_rss_mib"]
            try:
                duck = [sys.executable, str(SHARED / "peer_duckdb.py"), str(d), "--out", str(data / f"duck-{name}")]
                row["duckdb_overlap_s"] = min(
                    json.loads(run_timed(duck)[0].split("SUMMARY ", 1)[1].splitlines()[0])["stages_s"]["overlap"]
                    for _ in range(a.repeat))
            except SystemExit as e:
                row["duckdb_overlap_s"] = None
                print(f"duckdb peer failed: {e}", file=sys.stderr)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)

    print("\n| set | yuanqu total (s) | parse floor (s) | beyond parse (s) | read, zones measured (s) | overlap (s) | peak RSS (MiB) | GeoPandas total (s) | GeoPandas RSS (MiB) | speed-up | RSS ratio | DuckDB overlap (s) | overlap ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        st = r["yuanqu_stages"]
        read = st.get("read", 0.0)
        beyond = r["yuanqu_s"] - r["parse_s"]
        overlap = r["yuanqu_inside_cpu_s"].get("measure", 0.0) / (os.cpu_count() or 1) + st.get("overlap", 0.0)
        gp, grss, duck = r.get("geopandas_s"), r.get("geopandas_rss_mib"), r.get("duckdb_overlap_s")
        fmt = lambda x, f="{:.2f}": "—" if x is None else f.format(x)
        print(f"| {r['set']} | {r['yuanqu_s']:.2f} | {r['parse_s']:.2f} | {beyond:.2f} | {read:.2f} | {overlap:.2f} | "
              f"{fmt(r['yuanqu_rss_mib'], '{:.0f}')} | {fmt(gp)} | {fmt(grss, '{:.0f}')} | "
              f"{fmt(gp / r['yuanqu_s'] if gp else None, '{:.1f}×')} | "
              f"{fmt(r['yuanqu_rss_mib'] / grss if grss and r['yuanqu_rss_mib'] else None, '{:.2f}')} | {fmt(duck)} | "
              f"{fmt(duck / overlap if duck and overlap else None, '{:.1f}×')} |")
    print(f"\nmachine: {os.cpu_count()} cores; yuanqu wall time includes process start, reading, writing (no maps)")


if __name__ == "__main__":
    main()
