#!/usr/bin/env python3
"""Render JMH JSON results of the kernel benchmarks as the markdown tables in docs/benchmarks.md.

    python3 benchmarks/jmh-table.py results.json

Pairs every SIMD benchmark with its scalar twin (simd/scalar, xxxSimd/xxxScalar, simdRgba8/scalarRgba8) and
prints the speed-up, and where the twin also ran with C2's auto-vectorizer off (scalarNoSuperWord, xxxScalarNoSuperWord)
that speed-up too, and where the class has a copyCeiling (the JDK's intrinsic copy of the same output) the SIMD time
over it; ImageAtomizationBenchmark gets its own table with the ratios of the stated goals.
"""
import json
import re
import sys


def key(r):
    params = r.get("params") or {}
    return ",".join(f"{k}={v}" for k, v in sorted(params.items()))


def fmt(score, err, unit):
    if err != err or err is None:  # NaN
        return f"{score:,.1f} {unit}"
    return f"{score:,.1f} ± {err:,.1f} {unit}"


def main(path):
    results = json.load(open(path))
    rows = {}
    for r in results:
        cls, method = r["benchmark"].rsplit(".", 1)
        cls = cls.rsplit(".", 1)[1]
        m = r["primaryMetric"]
        rows[(cls, method, key(r))] = (m["score"], m["scoreError"], m["scoreUnit"])

    print("| benchmark | params | SIMD | scalar twin | speed-up | scalar twin, SuperWord off | speed-up "
          "| JDK copy of the output | SIMD / copy |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for (cls, method, params), (score, err, unit) in sorted(rows.items()):
        if cls == "ImageAtomizationBenchmark":
            continue
        twin = None
        label = method
        if method == "simd":
            twin = (cls, "scalar", params)
            label = ""
        elif method.endswith("Simd"):
            twin = (cls, method[:-4] + "Scalar", params)
            label = method[:-4]
        elif method.startswith("simd"):
            twin = (cls, "scalar" + method[4:], params)
            label = method[4:]
        if twin is None or twin not in rows:
            continue
        s_score, s_err, s_unit = rows[twin]
        name = cls.replace("Benchmark", "") + (f".{label}" if label else "")
        strict = rows.get((twin[0], twin[1] + "NoSuperWord", params))
        strict_cells = (f"{fmt(*strict)} | **{strict[0] / score:.1f}x**" if strict else "– | –")
        copy = rows.get((cls, "copyCeiling", params))
        copy_cells = (f"{fmt(*copy)} | {score / copy[0]:.2f}" if copy else "– | –")
        print(f"| {name} | {params} | {fmt(score, err, unit)} | {fmt(s_score, s_err, s_unit)} | "
              f"**{s_score / score:.1f}x** | {strict_cells} | {copy_cells} |")

    images = sorted({p for (c, _, p) in rows if c == "ImageAtomizationBenchmark"})
    if images:
        print()
        print("| image | (a) naive per-pixel SHA | (b) kernels + distinct + SIMD SHA | (b) with MessageDigest "
              "| (b) scalar twins | distinct only | (c) arraycopy | (a)/(b) | (b)/(c) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for p in images:
            g = lambda m: rows.get(("ImageAtomizationBenchmark", m, p))
            a, b, bm, bs, do, c = (g("naivePerPixelSha"), g("kernelsDistinctSha"), g("kernelsDistinctMessageDigest"),
                                  g("scalarTwinsDistinctSha"), g("kernelsDistinctOnly"), g("arraycopy"))
            cells = [fmt(*x) if x else "–" for x in (a, b, bm, bs, do, c)]
            ab = f"**{a[0] / b[0]:.1f}x**" if a and b else "–"
            bc = f"**{b[0] / c[0]:.1f}x**" if b and c else "–"
            print(f"| {p.split('=')[1]} | " + " | ".join(cells) + f" | {ab} | {bc} |")


if __name__ == "__main__":
    main(sys.argv[1])
