#!/usr/bin/python3
# Usage: bench/typosquat.py [SO [DOMAIN...]]   (run by bench/run)
# ctlite's typosquat_candidates() against dnstwist, whose fuzzers it is a superset of, in one
# process of the system python3 (where Debian's dnstwist module lives):
#   dnstwist  Fuzzer(domain) + generate(), the whole generator without DNS; median of 5
#   ctlite    SELECT count(*) FROM typosquat_candidates(domain) over sqlite3 with SO loaded,
#             and with sum(length(unicode)) too (that column is made on demand); median of 5
#   CLI       `dnstwist --format list DOMAIN > /dev/null` wall time with interpreter start,
#             median of 3, for context only
# Each is run once untimed first (loads the PSL, warms caches). The ratio is dnstwist
# generate() over ctlite count(*); the target is 100x on each of TARGETED. Nothing is asserted.
import math
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time

so = sys.argv[1] if len(sys.argv) > 1 else "./ctlite.so"
domains = sys.argv[2:] or ["example.com", "paypal.com", "google.com", "bankofamerica.com",
                           "xn--80ak6aa92e.com", "a.co", "sub.example.co.uk"]
try:
    import dnstwist
except ImportError:
    dnstwist = None
cli = shutil.which("dnstwist")
TARGETED = ("example.com", "paypal.com", "bankofamerica.com")


def median_ms(fn, reps):
    fn()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def twist(domain):
    f = dnstwist.Fuzzer(domain)
    f.generate()
    return len(f.domains)


db = sqlite3.connect(":memory:")
db.enable_load_extension(True)
db.load_extension(so)
count_sql = "SELECT count(*) FROM typosquat_candidates(?)"
unicode_sql = "SELECT count(*), sum(length(unicode)) FROM typosquat_candidates(?)"

if dnstwist:
    print(f"dnstwist: {dnstwist.__version__} ({dnstwist.__file__}, python3 {sys.version.split()[0]})")
else:
    print("dnstwist: not installed (no python3 module dnstwist); ctlite times only")
print(f"{'domain':<19} {'dnstwist':>8} {'ctlite':>6} {'dnstwist':>9} {'ctlite':>8} "
      f"{'+unicode':>8}  {'ratio':<12} {'CLI':>7}")
print(f"{'':<19} {'names':>8} {'names':>6} {'ms':>9} {'ms':>8} {'ms':>8}  {'':<12} {'ms':>7}")
ratios, targeted = [], []
for d in domains:
    ours = db.execute(count_sql, (d,)).fetchone()[0]
    ms = median_ms(lambda: db.execute(count_sql, (d,)).fetchone(), 5)
    ms_uni = median_ms(lambda: db.execute(unicode_sql, (d,)).fetchone(), 5)
    theirs = twist(d) if dnstwist else "-"
    tw_ms = median_ms(lambda: twist(d), 5) if dnstwist else None
    cli_ms = median_ms(lambda: subprocess.run([cli, "--format", "list", d], check=True,
                                              stdout=subprocess.DEVNULL), 3) if cli else None
    ratio = ""
    if tw_ms is not None:
        ratios.append(tw_ms / ms)
        if d in TARGETED:
            targeted.append((tw_ms / ms, d))
        ratio = f"{tw_ms / ms:.0f}x faster"
    print(f"{d:<19} {theirs:>8} {ours:>6} {f'{tw_ms:.2f}' if tw_ms else '-':>9} {ms:>8.3f} "
          f"{ms_uni:>8.3f}  {ratio:<12} {f'{cli_ms:.0f}' if cli_ms else '-':>7}")
if ratios:
    geo = math.exp(sum(map(math.log, ratios)) / len(ratios))
    print(f"geometric mean: ctlite {geo:.0f}x faster than dnstwist generate()")
if targeted:
    low, d = min(targeted)
    print(f"target 100x on each of {', '.join(TARGETED)}: {'met' if low >= 100 else 'missed'} "
          f"(lowest {low:.0f}x, {d})")
