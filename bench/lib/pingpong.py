"""mpi4py ping-pong between ranks 0 and 1 on the buffer path (Send/Recv of numpy arrays),
timed like bench/lib/measure.ts and pingpong.c.

usage: mpiexec -n 2 python3 pingpong.py repeats targetSec warmSec jitIters jitSec size...
Rank 0 prints one JSON line: {"library": "...", "sizes": [{"bytes", "iters", "samples"}]}
with one-way times in microseconds.
"""
import json
import os
import sys

import numpy as np
from mpi4py import MPI

DATA, CTRL = 0, 1
comm = MPI.COMM_WORLD
if comm.size != 2 or len(sys.argv) < 7:
    if comm.rank == 0:
        print("usage: mpiexec -n 2 python3 pingpong.py repeats targetSec warmSec jitIters jitSec size...", file=sys.stderr)
    comm.Abort(2)

repeats = int(sys.argv[1])
target, warm_sec = float(sys.argv[2]), float(sys.argv[3])
jit_iters, jit_sec = int(sys.argv[4]), float(sys.argv[5])
sizes = [int(a) for a in sys.argv[6:]]
buffer = np.ones(max(sizes), dtype=np.uint8)
header = np.zeros(2, dtype=np.float64)


PERSISTENT = os.environ.get("RANKS_BENCH_PERSISTENT") == "1"


def batch(nbytes, n):
    header[0], header[1] = nbytes, n
    comm.Send(header, dest=1, tag=CTRL)
    buf = buffer[:nbytes]
    if PERSISTENT:
        sreq = comm.Send_init(buf, dest=1, tag=DATA)
        rreq = comm.Recv_init(buf, source=1, tag=DATA)
        t0 = MPI.Wtime()
        for _ in range(n):
            sreq.Start()
            sreq.Wait()
            rreq.Start()
            rreq.Wait()
        dt = MPI.Wtime() - t0
        sreq.Free()
        rreq.Free()
        return dt
    send, recv = comm.Send, comm.Recv
    t0 = MPI.Wtime()
    for _ in range(n):
        send(buf, dest=1, tag=DATA)
        recv(buf, source=1, tag=DATA)
    return MPI.Wtime() - t0


def measure(nbytes):
    n, warm, best = 1, 0.0, float("inf")
    while True:
        dt = batch(nbytes, n)
        warm += dt
        best = min(best, dt / n)
        if warm >= warm_sec and dt >= target / 2:
            break
        if dt < target / 2:
            n *= 2
    chunk = max(1, round(target / 4 / best))
    samples, total = [], 0
    for _ in range(repeats):
        n, t = 0, 0.0
        while t < target:
            t += batch(nbytes, chunk)
            n += chunk
        samples.append(t / (2 * n) * 1e6)
        total += n
    iters = round(total / repeats)
    return {"bytes": nbytes, "iters": iters, "samples": samples}


if comm.rank == 0:
    start, done = MPI.Wtime(), 0
    while done < jit_iters and MPI.Wtime() - start < jit_sec:
        batch(sizes[0], 10000)
        done += 10000
    results = [measure(s) for s in sizes]
    header[0], header[1] = 0, -1
    comm.Send(header, dest=1, tag=CTRL)
    library = MPI.Get_library_version().splitlines()[0].strip()
    mode = ", Send_init/Recv_init" if PERSISTENT else ""
    print(json.dumps({"library": f"mpi4py {__import__('mpi4py').__version__}, numpy {np.__version__}, {library}{mode}", "sizes": results}), flush=True)
else:
    while True:
        comm.Recv(header, source=0, tag=CTRL)
        nbytes, n = int(header[0]), int(header[1])
        if n < 0:
            break
        buf = buffer[:nbytes]
        if PERSISTENT:
            sreq = comm.Send_init(buf, dest=0, tag=DATA)
            rreq = comm.Recv_init(buf, source=0, tag=DATA)
            for _ in range(n):
                rreq.Start()
                rreq.Wait()
                sreq.Start()
                sreq.Wait()
            sreq.Free()
            rreq.Free()
            continue
        for _ in range(n):
            comm.Recv(buf, source=0, tag=DATA)
            comm.Send(buf, dest=0, tag=DATA)
