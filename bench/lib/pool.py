"""Python side of the pool family: multiprocessing.Pool(2) running the tiny task a + b,
through starmap with its default chunksize and with chunksize 1, and the sequential
round trip of apply. Timed like bench/lib/pool-measure.ts (throughput, roundTrip).

usage: python3 pool.py repeats tasks warmBatches targetSec warmSec cpuItems cpuItemMs cpuRepeats
Prints one JSON line: {"library", "throughput": [{"variant", "iters", "samples"}], "roundTrip": [...]}
with tasks per second (throughput) and microseconds per call (round trip).
"""
import json
import multiprocessing
import platform
import sys
import time

WORKERS = 2


def add(a, b):
    return a + b


def throughput(variant, repeats, tasks, warm_batches, burst):
    for _ in range(warm_batches):
        burst(tasks)
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        burst(tasks)
        samples.append(tasks / (time.perf_counter() - t0))
    return {"variant": variant, "iters": tasks, "samples": samples}


def round_trip(variant, repeats, target, warm_sec, sequence):
    def timed(n):
        t0 = time.perf_counter()
        sequence(n)
        return time.perf_counter() - t0

    n, warm, best = 1, 0.0, float("inf")
    while True:
        dt = timed(n)
        warm += dt
        best = min(best, dt / n)
        if warm >= warm_sec and dt >= target / 2:
            break
        if dt < target / 2:
            n *= 2
    chunk = max(1, round(target / 4 / best))
    samples, total = [], 0
    for _ in range(repeats):
        calls, t = 0, 0.0
        while t < target:
            t += timed(chunk)
            calls += chunk
        samples.append(t / calls * 1e6)
        total += calls
    return {"variant": variant, "iters": round(total / repeats), "samples": samples}


def plan_args(doc):
    """The pool plan's positional arguments this side uses (see pool-plan.ts): repeats,
    tasks, warm batches, round-trip target and warm-up seconds; usage from `doc` if wrong."""
    if len(sys.argv) != 9:
        print(doc.strip().split("\n\n")[1], file=sys.stderr)
        sys.exit(2)
    return int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])


def main():
    repeats, tasks, warm_batches, target, warm_sec = plan_args(__doc__)
    pairs = [(i, 1) for i in range(tasks)]
    out = {"library": f"multiprocessing.Pool({WORKERS}) ({multiprocessing.get_start_method()}), Python {platform.python_version()}", "throughput": [], "roundTrip": []}
    with multiprocessing.Pool(WORKERS) as pool:
        out["throughput"].append(throughput("starmap", repeats, tasks, warm_batches, lambda n: pool.starmap(add, pairs[:n])))
        out["throughput"].append(throughput("starmap-1", repeats, tasks, warm_batches, lambda n: pool.starmap(add, pairs[:n], chunksize=1)))

        def sequence(n):
            for i in range(n):
                pool.apply(add, (i, 1))

        out["roundTrip"].append(round_trip("apply", repeats, target, warm_sec, sequence))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
