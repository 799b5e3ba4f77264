"""mpi4py side of the objects family (bench/objects.ts): lower-case send/recv (pickle) of the
same payloads as objects-ranks.ts, the same steps. Rank 0 prints one JSON line."""
import json
import sys
import time
from mpi4py import MPI

CASES = ["record", "records", "numbers", "string"]
RECORDS, NUMBERS, STRING_BYTES = 100_000, 10_000_000, 1 << 20
CTRL, DATA = 1, 2


def make(name):
    if name == "record":
        return {"id": 7, "name": "alice", "tags": ["red", "green", "blue"]}
    if name == "records":
        return [{"id": i, "name": "name%d" % i, "tags": ["a", "b%d" % i, "c"]} for i in range(RECORDS)]
    if name == "numbers":
        return [i * 0.5 + 0.1 for i in range(NUMBERS)]
    return ("lorem ipsum dolor sit amet, " * (STRING_BYTES // 28 + 1))[:STRING_BYTES]


def check(name, v):
    ok = {
        "record": lambda: v["id"] == 7 and v["tags"] == ["red", "green", "blue"],
        "records": lambda: len(v) == RECORDS and v[-1]["name"] == "name%d" % (RECORDS - 1),
        "numbers": lambda: len(v) == NUMBERS and v[-1] == (NUMBERS - 1) * 0.5 + 0.1,
        "string": lambda: len(v) == STRING_BYTES and v.startswith("lorem ipsum"),
    }[name]()
    if not ok:
        raise SystemExit("objects bench: %s arrived wrong" % name)


comm = MPI.COMM_WORLD
repeats, target = int(sys.argv[1]), float(sys.argv[2])
if comm.rank == 0:
    out = {}
    for name in CASES:
        value = make(name)
        pingpong = name == "record"

        def run(n):
            comm.send((CASES.index(name), n), dest=1, tag=CTRL)
            t0 = time.perf_counter()
            for i in range(n):
                comm.send(value, dest=1, tag=DATA)
                back = comm.recv(source=1, tag=DATA)
                if pingpong and i == 0:
                    check(name, back)
            return time.perf_counter() - t0

        n, t = 1, run(1)
        while t < target / 2:
            n *= 2
            t = run(n)
        iters = max(1, round(n * target / t))
        out[name] = [run(iters) / iters * 1e6 / (2 if pingpong else 1) for _ in range(repeats)]
    comm.send((-1, 0), dest=1, tag=CTRL)
    print(json.dumps({"library": "mpi4py %s, Python %s" % (__import__("mpi4py").__version__, sys.version.split()[0]), "cases": out}), flush=True)
else:
    record = make("record")
    while True:
        c, n = comm.recv(source=0, tag=CTRL)
        if c < 0:
            break
        name = CASES[c]
        reply = record if name == "record" else 0
        for i in range(n):
            got = comm.recv(source=0, tag=DATA)
            if i == 0:
                check(name, got)
            comm.send(reply, dest=0, tag=DATA)
