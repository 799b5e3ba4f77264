"""mpi4py side of the one-sided benchmark (bench/win.ts): the same measurements as win-ranks.ts."""
import json
import sys
import numpy as np
from mpi4py import MPI

ROUNDS, SMALL, LARGE, WINDOW = 7, 8, 8 << 20, 16
iters = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
comm = MPI.COMM_WORLD
win = MPI.Win.Allocate(LARGE, 1, comm=comm)
small = np.zeros(SMALL, dtype=np.uint8)
large = np.ones(LARGE, dtype=np.uint8)

if comm.rank == 0:
    win.Lock_all()
    put_lat, get_lat, put_bw, get_bw = [], [], [], []
    for _ in range(ROUNDS):
        t0 = MPI.Wtime()
        for _ in range(iters):
            win.Put(small, 1)
            win.Flush(1)
        put_lat.append((MPI.Wtime() - t0) / iters * 1e6)
        t0 = MPI.Wtime()
        for _ in range(iters):
            win.Get(small, 1)
            win.Flush(1)
        get_lat.append((MPI.Wtime() - t0) / iters * 1e6)
        t0 = MPI.Wtime()
        for _ in range(WINDOW):
            win.Put(large, 1)
        win.Flush(1)
        put_bw.append(WINDOW * LARGE / (MPI.Wtime() - t0) / 1e9)
        t0 = MPI.Wtime()
        for _ in range(WINDOW):
            win.Get(large, 1)
        win.Flush(1)
        get_bw.append(WINDOW * LARGE / (MPI.Wtime() - t0) / 1e9)
    win.Unlock_all()
    med = lambda xs: sorted(xs)[len(xs) // 2]
    print(json.dumps({"putLatUs": med(put_lat), "getLatUs": med(get_lat), "putBwGBs": med(put_bw), "getBwGBs": med(get_bw)}), flush=True)
comm.Barrier()
win.Free()
