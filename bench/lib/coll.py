"""mpi4py side of the collectives family: Bcast of a numpy float64 array (buffer path),
bcast of the same array (pickle path), Allreduce(SUM) of numpy float64s, and Barrier,
timed like bench/lib/coll-ranks.ts (measureOp) and coll.c.

usage: mpiexec -n N python3 coll.py repeats targetSec warmSec slowSec slowRepeats bcastElements allreduceElements
Rank 0 prints one JSON line: {"library": "...", "ops": [{"op", "elements", "iters", "samples"}]}
with the time per operation in microseconds (slowest rank's repeat time / iters).
"""
import json
import sys

import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
if len(sys.argv) != 8:
    if comm.rank == 0:
        print("usage: mpiexec -n N python3 coll.py repeats targetSec warmSec slowSec slowRepeats bcastElements allreduceElements", file=sys.stderr)
    comm.Abort(2)

repeats = int(sys.argv[1])
target, warm_sec = float(sys.argv[2]), float(sys.argv[3])
slow_sec, slow_repeats = float(sys.argv[4]), int(sys.argv[5])
nb, na = int(float(sys.argv[6])), int(float(sys.argv[7]))
root = comm.rank == 0
ctrl = np.zeros(1, dtype=np.float64)


def from_root(value):
    ctrl[0] = value
    comm.Bcast(ctrl, root=0)
    return ctrl[0]


def timed(op, n):
    comm.Barrier()
    t0 = MPI.Wtime()
    for _ in range(n):
        op()
    return MPI.Wtime() - t0


def measure(name, elements, op):
    n, warm, best = 1, 0.0, float("inf")
    while True:
        mine = timed(op, n)
        slowest = comm.reduce(mine, op=MPI.MAX, root=0)  # rank 0 decides from the slowest rank's time
        dt = slowest if root else mine
        warm += dt
        best = min(best, dt / n)
        done = warm >= warm_sec and dt >= target / 2
        nxt = int(from_root(0 if done else (n * 2 if dt < target / 2 else n)))
        if nxt == 0:
            break
        n = nxt
    iters = int(from_root(max(1, round(target / best))))
    reps = int(from_root(min(slow_repeats, repeats) if best > slow_sec else repeats))
    local = np.array([timed(op, iters) / iters * 1e6 for _ in range(reps)])
    slowest = np.zeros_like(local) if root else None
    comm.Reduce(local, slowest, op=MPI.MAX, root=0)
    return {"op": name, "elements": elements, "iters": iters, "samples": slowest.tolist() if root else []}


def check(ok, what):
    if not ok:
        print(f"rank {comm.rank}/{comm.size}: wrong result: {what}", file=sys.stderr, flush=True)
        comm.Abort(1)


ops = []
data = np.arange(nb, dtype=np.float64) + 0.5 if root else np.zeros(nb, dtype=np.float64)
comm.Bcast(data, root=0)
check(data[0] == 0.5 and data[-1] == nb - 0.5, "Bcast contents")
ops.append(measure("bcast-buffer", nb, lambda: comm.Bcast(data, root=0)))

got = comm.bcast(data if root else None, root=0)
check(isinstance(got, np.ndarray) and got.shape == (nb,) and got[-1] == nb - 0.5, "bcast (pickle) contents")
del got
ops.append(measure("bcast-pickle", nb, lambda: comm.bcast(data if root else None, root=0)))

x = np.arange(na, dtype=np.float64) + comm.rank + 1
total = np.empty_like(x)
comm.Allreduce(x, total, op=MPI.SUM)
p = comm.size
check(total[0] == p * (p + 1) / 2 and total[-1] == p * (p + 1) / 2 + p * (na - 1), "Allreduce contents")
ops.append(measure("allreduce", na, lambda: comm.Allreduce(x, total, op=MPI.SUM)))

ops.append(measure("barrier", 0, comm.Barrier))

if root:
    library = MPI.Get_library_version().splitlines()[0].strip()
    print(json.dumps({"library": f"mpi4py {__import__('mpi4py').__version__}, numpy {np.__version__}, {library}", "ops": ops}), flush=True)
