#!/usr/bin/env python3
"""Turns scripts/bench.sh's JSON lines into the one comparison table (medians over rounds)."""
import argparse
import json
import statistics

parser = argparse.ArgumentParser()
parser.add_argument("results")
parser.add_argument("--cores", default="?")
parser.add_argument("--quick", default="0")
parser.add_argument("--mailgate", default="mailgate")
args = parser.parse_args()

runs = [json.loads(line) for line in open(args.results) if line.startswith("{")]


def median(label, mode, key):
    values = [r[key] for r in runs if r["label"] == label and r["mode"] == mode and key in r]
    return statistics.median(values) if values else None


def cpu_us_per_session(label, kind="total"):
    """The proxy's CPU time per session (warm-up included on both sides), median over rounds."""
    values = []
    for r in runs:
        if r["label"] == label and r["mode"] == "short" and r.get("all_sessions") and "user_ticks" in r:
            ticks = {"total": r["user_ticks"] + r["system_ticks"], "user": r["user_ticks"]}[kind]
            values.append(ticks / r["ticks_per_s"] / r["all_sessions"] * 1e6)
    return statistics.median(values) if values else None


def errors(label, mode):
    return sum(r.get("errors", 0) for r in runs if r["label"] == label and r["mode"] == mode)


def memory_mib_per_10k(mode):
    def value(target):
        for r in runs:
            if r["label"] == f"{target}/proxied" and r["mode"] == mode and r.get("open"):
                return max(0, r["rss_after_kb"] - r["rss_before_kb"]) / 1024 / r["open"] * 10_000
        return None
    return value


targets = ["greeter", "haproxy", "mailgate", "bare"]
rate = next((f"{r['rate']:.0f}" for r in runs if r["mode"] == "paced" and "rate" in r), "?")
rows = [
    ("conn/s, flagged source + PROXY v2", "higher", lambda t: median(f"{t}/proxied", "short", "conn_per_s"), "{:.0f}"),
    ("conn/s, unflagged sources, direct", "higher", lambda t: median(f"{t}/direct", "short", "conn_per_s"), "{:.0f}"),
    ("p50 ms connect->greeting, flagged", "lower", lambda t: ms(median(f"{t}/proxied", "short", "p50_us")), "{:.2f}"),
    ("p99 ms connect->greeting, flagged", "lower", lambda t: ms(median(f"{t}/proxied", "short", "p99_us")), "{:.2f}"),
    ("p50 ms connect->greeting, direct", "lower", lambda t: ms(median(f"{t}/direct", "short", "p50_us")), "{:.2f}"),
    ("p99 ms connect->greeting, direct", "lower", lambda t: ms(median(f"{t}/direct", "short", "p99_us")), "{:.2f}"),
    (f"p50 ms paced at {rate} conn/s, flagged", "lower", lambda t: ms(median(f"{t}/proxied", "paced", "p50_us")), "{:.2f}"),
    (f"p99 ms paced at {rate} conn/s, flagged", "lower", lambda t: ms(median(f"{t}/proxied", "paced", "p99_us")), "{:.2f}"),
    ("CPU us/session, flagged (user+sys)", "lower", lambda t: cpu_us_per_session(f"{t}/proxied"), "{:.0f}"),
    ("CPU us/session, direct (user+sys)", "lower", lambda t: cpu_us_per_session(f"{t}/direct"), "{:.0f}"),
    ("  of which user space, direct", "lower", lambda t: cpu_us_per_session(f"{t}/direct", "user"), "{:.0f}"),
    ("relay MB/s (echo, both ways)", "higher", lambda t: median(f"{t}/proxied", "bulk", "mb_per_s"), "{:.0f}"),
    ("RSS MiB per 10k conns, idle", "lower", memory_mib_per_10k("idle-memory"), "{:.1f}"),
]


def ms(us):
    return None if us is None else us / 1000


rounds = max((r.get("round", 1) for r in runs), default=1)
title = f"mailgate vs HAProxy 2.6 -- {'quick' if args.quick == '1' else 'full'} run, {args.cores} cores, loopback, " \
        f"{rounds} round(s), medians; mailgate run as: {args.mailgate}"
print(title)
header = f"{'':42} {'greeter':>9} {'HAProxy':>9} {'mailgate':>9} {'NIO floor':>9} " \
         f"{'greeter/H':>10} {'mailgate/H':>11} {'floor/H':>8}  better"
print(header)
print("-" * len(header))
for name, better, value, fmt in rows:
    values = {t: value(t) for t in targets}
    cells = [fmt.format(values[t]) if values[t] is not None else "-" for t in targets]
    h = values["haproxy"]
    ratios = [f"{values[t] / h:.2f}x" if values[t] is not None and h else "-" for t in ("greeter", "mailgate", "bare")]
    print(f"{name:42} {cells[0]:>9} {cells[1]:>9} {cells[2]:>9} {cells[3]:>9} "
          f"{ratios[0]:>10} {ratios[1]:>11} {ratios[2]:>8}  {better}")
failed = {f"{t}/{p}": errors(f"{t}/{p}", m) for t in targets for p, m in
          (("proxied", "short"), ("direct", "short"), ("proxied", "bulk"))}
failed = {k: v for k, v in failed.items() if v}
print("errors: " + (", ".join(f"{k} {v}" for k, v in failed.items()) if failed else "none"))
for mode, what in (("idle-memory", "idle connections measured (2nd batch)"),):
    held = [r for r in runs if r["mode"] == mode]
    print(f"{what}: " + ", ".join(f"{r['label'].split('/')[0]} {r['open']}" for r in held))
