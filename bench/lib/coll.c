/*
 * C side of the collectives family: MPI_Bcast of doubles, MPI_Allreduce(MPI_SUM) of doubles
 * and MPI_Barrier, timed like bench/lib/coll-ranks.ts (measureOp) and coll.py: warm-up
 * batches that double (rank 0 decides, from the slowest rank's time) until one lasts half
 * the target and warmSec have passed; then `repeats` repeats (`slowRepeats` for operations
 * slower than slowSec) of `iters` operations, each started after a barrier; a repeat's
 * figure is the slowest rank's time / iters (MPI_Reduce with MPI_MAX at the end).
 *
 * usage: mpiexec -n N ./coll repeats targetSec warmSec slowSec slowRepeats bcastElements allreduceElements
 * Rank 0 prints one JSON line: {"library": "...", "ops": [{"op", "elements", "iters", "samples"}]}
 * with the time per operation in microseconds.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include "library.h"

#define MAX_REPEATS 64

enum { BCAST, ALLREDUCE, BARRIER };

static int rank, size, repeats, slow_repeats;
static double target, warm_sec, slow_sec;
static double *bdata, *xdata, *total;
static long nb, na;

static void op(int which) {
  if (which == BCAST) MPI_Bcast(bdata, (int)nb, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  else if (which == ALLREDUCE) MPI_Allreduce(xdata, total, (int)na, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  else MPI_Barrier(MPI_COMM_WORLD);
}

static double timed(int which, long n) {
  MPI_Barrier(MPI_COMM_WORLD);
  double t0 = MPI_Wtime();
  for (long i = 0; i < n; i++) op(which);
  return MPI_Wtime() - t0;
}

static double from_root(double value) {
  MPI_Bcast(&value, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  return value;
}

static void measure(int which, const char *name, long elements, int first) {
  long n = 1;
  double warm = 0, best = 1e30;
  for (;;) {
    double mine = timed(which, n), dt = mine;
    /* rank 0 decides from the slowest rank's time (a bcast root may finish early) */
    MPI_Reduce(&mine, &dt, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    if (rank != 0) dt = mine;
    warm += dt;
    if (dt / (double)n < best) best = dt / (double)n;
    int done = warm >= warm_sec && dt >= target / 2;
    long next = (long)from_root(done ? 0 : dt < target / 2 ? (double)(n * 2) : (double)n);
    if (next == 0) break;
    n = next;
  }
  long iters = (long)(target / best + 0.5);
  iters = (long)from_root(iters < 1 ? 1 : (double)iters);
  int reps = (int)from_root(best > slow_sec && slow_repeats < repeats ? slow_repeats : repeats);
  double local[MAX_REPEATS], slowest[MAX_REPEATS];
  for (int r = 0; r < reps; r++) local[r] = timed(which, iters) / (double)iters * 1e6;
  MPI_Reduce(local, slowest, reps, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  if (rank != 0) return;
  printf("%s{\"op\":\"%s\",\"elements\":%ld,\"iters\":%ld,\"samples\":[", first ? "" : ",", name, elements, iters);
  for (int r = 0; r < reps; r++) printf("%s%.6f", r ? "," : "", slowest[r]);
  printf("]}");
}

static void check(int ok, const char *what) {
  if (ok) return;
  fprintf(stderr, "rank %d/%d: wrong result: %s\n", rank, size, what);
  MPI_Abort(MPI_COMM_WORLD, 1);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc != 8) {
    if (rank == 0) fprintf(stderr, "usage: mpiexec -n N %s repeats targetSec warmSec slowSec slowRepeats bcastElements allreduceElements\n", argv[0]);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  repeats = atoi(argv[1]);
  target = atof(argv[2]);
  warm_sec = atof(argv[3]);
  slow_sec = atof(argv[4]);
  slow_repeats = atoi(argv[5]);
  nb = (long)atof(argv[6]);
  na = (long)atof(argv[7]);
  if (repeats < 1 || repeats > MAX_REPEATS || slow_repeats < 1 || nb < 2 || na < 2) MPI_Abort(MPI_COMM_WORLD, 2);
  bdata = malloc((size_t)nb * sizeof(double));
  xdata = malloc((size_t)na * sizeof(double));
  total = malloc((size_t)na * sizeof(double));
  if (!bdata || !xdata || !total) MPI_Abort(MPI_COMM_WORLD, 3);
  for (long i = 0; i < nb; i++) bdata[i] = rank == 0 ? (double)i + 0.5 : 0;
  for (long i = 0; i < na; i++) xdata[i] = (double)(rank + 1 + i);

  op(BCAST);
  check(bdata[0] == 0.5 && bdata[nb - 1] == (double)nb - 0.5, "MPI_Bcast contents");
  op(ALLREDUCE);
  double base = size * (size + 1) / 2.0;
  check(total[0] == base && total[na - 1] == base + (double)size * (double)(na - 1), "MPI_Allreduce contents");

  if (rank == 0) {
    printf("{\"library\":");
    print_library();
    printf(",\"ops\":[");
  }
  measure(BCAST, "bcast", nb, 1);
  measure(ALLREDUCE, "allreduce", na, 0);
  measure(BARRIER, "barrier", 0, 0);
  if (rank == 0) {
    printf("]}\n");
    fflush(stdout);
  }
  free(bdata);
  free(xdata);
  free(total);
  MPI_Finalize();
  return 0;
}
