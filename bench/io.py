# mpi4py's side of bench/io.ts, the same two measurements as io-rank.ts:
#   io.py large PATH BYTES_PER_RANK   Write_at_all + Sync, then Read_at_all
#   io.py small PATH ROUNDS           4 KiB blocks interleaved rank by rank: Write_at_all vs Write_at
import json
import sys

import numpy as np
from mpi4py import MPI

kind, path, amount = sys.argv[1], sys.argv[2], int(sys.argv[3])
comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
BLOCK = 4096


def timed(run):
    comm.Barrier()
    t0 = MPI.Wtime()
    run()
    return comm.allreduce(MPI.Wtime() - t0, op=MPI.MAX)


fh = MPI.File.Open(comm, path, MPI.MODE_CREATE | MPI.MODE_RDWR)
out = {}
if kind == 'large':
    buf = np.full(amount, rank + 1, dtype=np.uint8)

    def write():
        fh.Write_at_all(rank * amount, buf)
        fh.Sync()

    out['write'] = timed(write)
    out['read'] = timed(lambda: fh.Read_at_all(rank * amount, buf))
    assert buf[-1] == rank + 1
else:
    block = np.full(BLOCK, rank + 1, dtype=np.uint8)

    def rounds(call):
        for k in range(amount):
            call((k * size + rank) * BLOCK, block)

    out['collective'] = timed(lambda: rounds(fh.Write_at_all))
    out['independent'] = timed(lambda: rounds(fh.Write_at))
fh.Close()
if rank == 0:
    print(json.dumps(out), flush=True)
