#!/usr/bin/env python3
"""Compare a yuanqu output folder with shared/bench/oracle.py's answers.

usage: python3 scripts/oracle_check.py LAYERS_DIR OUT_DIR [--oracle ORACLE_JSON]

Runs the oracle on LAYERS_DIR unless --oracle names its JSON, then checks:
  * every block area within 1e-6 relative;
  * every (block, zone) overlap and per-class overlap sum within
    max(0.05 mu, 1e-4 relative);
  * the same set of (block, zone) pairs of 0.01 mu or more;
  * built-up area per block and per park within max(0.05 mu, 1e-4 relative);
  * (when merges.geojson exists) nothing yet.
Exits 1 on any disagreement, printing each one.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORACLE = HERE.parent.parent / "shared" / "bench" / "oracle.py"


def feats(path):
    with open(path, encoding="utf-8") as f:
        return [ft["properties"] for ft in json.load(f)["features"]]


def close(a, b, abs_tol, rel_tol):
    return abs(a - b) <= max(abs_tol, rel_tol * max(abs(a), abs(b)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("layers")
    ap.add_argument("out")
    ap.add_argument("--oracle", default=None)
    a = ap.parse_args()
    layers, out = Path(a.layers), Path(a.out)
    oj = Path(a.oracle) if a.oracle else out / "oracle.json"
    if not a.oracle:
        subprocess.run([sys.executable, str(ORACLE), str(layers), "--out", str(oj)], check=True)
    o = json.load(open(oj, encoding="utf-8"))
    bad = []
    checks = 0

    blocks = {p["block_id"]: p for p in feats(out / "blocks.geojson")}
    for ob in o["blocks"]:
        b = blocks.get(ob["block_id"])
        if b is None:
            bad.append(f"block {ob['block_id']}: missing from blocks.geojson")
            continue
        checks += 1
        if not close(b["area_mu"], ob["area_mu"], 0.0, 1e-6):
            bad.append(f"block {ob['block_id']}: area_mu {b['area_mu']} vs oracle {ob['area_mu']}")
        for cls in ("restricted", "prohibited"):
            checks += 1
            if not close(b[f"{cls}_mu"], ob["overlap_mu_by_class"][cls], 0.05, 1e-4):
                bad.append(f"block {ob['block_id']}: {cls}_mu {b[f'{cls}_mu']} vs oracle {ob['overlap_mu_by_class'][cls]}")
        if ob.get("builtup_mu") is not None:
            checks += 1
            if b.get("builtup_mu") is None or not close(b["builtup_mu"], ob["builtup_mu"], 0.05, 1e-4):
                bad.append(f"block {ob['block_id']}: builtup_mu {b.get('builtup_mu')} vs oracle {ob['builtup_mu']}")

    ours = {(p["block_id"], p["zone_id"]): p["overlap_mu"] for p in feats(out / "overlaps.geojson")}
    theirs = {(p["block_id"], p["zone_id"]): p["overlap_mu"] for p in o["overlaps"]}
    big_o = {k for k, v in theirs.items() if v >= 0.01}
    big_y = {k for k, v in ours.items() if v >= 0.01}
    for k in sorted(big_o ^ big_y):
        # a pair right at the 0.01 mu line may fall either side within the tolerance
        if close(ours.get(k, 0.0), theirs.get(k, 0.0), 0.05, 1e-4) and min(ours.get(k, 0), theirs.get(k, 0)) > 0.005:
            continue
        bad.append(f"pair {k}: yuanqu {ours.get(k)} vs oracle {theirs.get(k)} (only one lists it at >= 0.01 mu)")
    for k in sorted(big_o & big_y):
        checks += 1
        if not close(ours[k], theirs[k], 0.05, 1e-4):
            bad.append(f"pair {k}: overlap_mu {ours[k]} vs oracle {theirs[k]}")

    parks = {p["park_id"]: p for p in feats(out / "parks.geojson")}
    for op in o["parks"]:
        p = parks.get(op["park_id"])
        if p is None:
            bad.append(f"park {op['park_id']}: missing from parks.geojson")
            continue
        checks += 1
        if not close(p["area_mu"], op["area_mu"], 0.0, 1e-6):
            bad.append(f"park {op['park_id']}: area_mu {p['area_mu']} vs oracle {op['area_mu']}")
        if op.get("builtup_mu") is not None:
            checks += 1
            if p.get("builtup_mu") is None or not close(p["builtup_mu"], op["builtup_mu"], 0.05, 1e-4):
                bad.append(f"park {op['park_id']}: builtup_mu {p.get('builtup_mu')} vs oracle {op['builtup_mu']}")

    merges = out / "merges.geojson"
    if merges.exists():
        near = {}
        for op in o["parks"]:
            for scope in ("county", "league"):
                n = op.get(f"nearest_in_{scope}")
                if n:
                    near[(op["park_id"], n["park_id"])] = n["distance_m"]
                    for c in n.get("candidates", []):
                        near.setdefault((op["park_id"], c["park_id"]), c["distance_m"])
        for m in feats(merges):
            key = (m["from_park_id"], m["to_park_id"])
            if key in near:
                checks += 1
                ref = near[key]
                if abs(m["distance_m"] - ref) > max(1.0, 0.0005 * ref):
                    bad.append(f"merge {key}: distance_m {m['distance_m']} vs oracle {ref}")

    for b in bad:
        print("DISAGREE", b)
    print(f"oracle check: {checks} comparisons, {len(bad)} disagreements "
          f"({len(o['blocks'])} blocks, {len(o['overlaps'])} oracle pairs, {len(ours)} yuanqu pairs)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
