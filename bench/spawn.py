# mpi4py's side of bench/spawn.ts: MPI.COMM_SELF.Spawn of 4 Python workers and one message
# with each, `repeats` times; prints the seconds of each repeat as JSON. As a worker
# (`spawn.py worker`): one message from its parent, one back.
import json, sys, time
from mpi4py import MPI

if sys.argv[1:2] == ["worker"]:
    parent = MPI.Comm.Get_parent()
    parent.send(parent.recv(source=0) + 1, dest=0)
    parent.Disconnect()
    sys.exit(0)
repeats, n = int(sys.argv[1]), int(sys.argv[2])
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    ic = MPI.COMM_SELF.Spawn(sys.executable, [__file__, "worker"], maxprocs=n)
    for i in range(n):
        ic.send(i, dest=i)
    for i in range(n):
        assert ic.recv(source=i) == i + 1
    times.append(time.perf_counter() - t0)
    ic.Disconnect()
print(json.dumps({"times": times}))
