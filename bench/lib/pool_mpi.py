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

import mpi4py
from mpi4py import MPI
from mpi4py.futures import MPICommExecutor

from pool import plan_args, round_trip, throughput


def add(a, b):
    return a + b


def main():
    repeats, tasks, warm_batches, target, warm_sec = plan_args(__doc__)
    pairs = [(i, 1) for i in range(tasks)]
    comm = MPI.COMM_WORLD
    with MPICommExecutor(comm, root=0) as ex:
        if ex is None:
            return
        workers = comm.Get_size() - 1
        chunksize = math.ceil(tasks / (4 * workers))
        # Outside the f-string: Python before 3.12 allows no backslash in its expressions.
        mpi_name = MPI.Get_library_version().replace("\x00", "").splitlines()[0].strip()
        library = f"mpi4py {mpi4py.__version__} MPICommExecutor over {comm.Get_size()} ranks ({mpi_name}), Python {platform.python_version()}"
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
