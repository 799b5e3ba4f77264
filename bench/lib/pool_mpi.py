"""mpi4py.futures side of the pool family's MPI rows: MPICommExecutor over the ranks of
an MPI job (rank 0 schedules, the others serve), running the tiny task a + b through
starmap with the default chunksize of the other pools, submit bursts, and the sequential
round trip of submit(...).result(). Timed like pool.py.

usage: mpiexec -n 3 python3 pool_mpi.py repeats tasks warmBatches targetSec warmSec cpuItems cpuItemMs cpuRepeats
Rank 0 prints one JSON line, as pool.py does.
"""
import json
import math
import platform
import sys

import mpi4py
from mpi4py import MPI
from mpi4py.futures import MPICommExecutor

from pool import round_trip, throughput


def add(a, b):
    return a + b


def main():
    if len(sys.argv) != 9:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        sys.exit(2)
    repeats, tasks, warm_batches = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    target, warm_sec = float(sys.argv[4]), float(sys.argv[5])
    pairs = [(i, 1) for i in range(tasks)]
    comm = MPI.COMM_WORLD
    with MPICommExecutor(comm, root=0) as ex:
        if ex is None:
            return
        workers = comm.Get_size() - 1
        chunksize = math.ceil(tasks / (4 * workers))
        library = f"mpi4py {mpi4py.__version__} MPICommExecutor over {comm.Get_size()} ranks ({MPI.Get_library_version().splitlines()[0].strip()}), Python {platform.python_version()}"
        out = {"library": library, "throughput": [], "roundTrip": []}
        out["throughput"].append(throughput("map", repeats, tasks, warm_batches, lambda n: list(ex.starmap(add, pairs[:n], chunksize=chunksize))))

        def burst(n):
            fs = [ex.submit(add, i, 1) for i in range(n)]
            for f in fs:
                f.result()

        out["throughput"].append(throughput("submit", repeats, tasks, warm_batches, burst))

        def sequence(n):
            for i in range(n):
                ex.submit(add, i, 1).result()

        out["roundTrip"].append(round_trip("submit", repeats, target, warm_sec, sequence))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
