/* C side of the one-sided benchmark (bench/win.ts): the same measurements as win-ranks.ts. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROUNDS = 7, SMALL = 8, LARGE = 8 << 20, WINDOW = 16 };

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}
static double med(double *xs) { qsort(xs, ROUNDS, sizeof *xs, cmp); return xs[ROUNDS / 2]; }

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, iters = argc > 1 ? atoi(argv[1]) : 20000;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  void *base;
  MPI_Win win;
  MPI_Win_allocate(LARGE, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win);
  char small[SMALL] = {0};
  char *large = malloc(LARGE);
  memset(large, 1, LARGE);
  if (rank == 0) {
    double pl[ROUNDS], gl[ROUNDS], pb[ROUNDS], gb[ROUNDS];
    MPI_Win_lock_all(0, win);
    for (int r = 0; r < ROUNDS; r++) {
      double t0 = MPI_Wtime();
      for (int i = 0; i < iters; i++) { MPI_Put(small, SMALL, MPI_BYTE, 1, 0, SMALL, MPI_BYTE, win); MPI_Win_flush(1, win); }
      pl[r] = (MPI_Wtime() - t0) / iters * 1e6;
      t0 = MPI_Wtime();
      for (int i = 0; i < iters; i++) { MPI_Get(small, SMALL, MPI_BYTE, 1, 0, SMALL, MPI_BYTE, win); MPI_Win_flush(1, win); }
      gl[r] = (MPI_Wtime() - t0) / iters * 1e6;
      t0 = MPI_Wtime();
      for (int i = 0; i < WINDOW; i++) MPI_Put(large, LARGE, MPI_BYTE, 1, 0, LARGE, MPI_BYTE, win);
      MPI_Win_flush(1, win);
      pb[r] = (double)WINDOW * LARGE / (MPI_Wtime() - t0) / 1e9;
      t0 = MPI_Wtime();
      for (int i = 0; i < WINDOW; i++) MPI_Get(large, LARGE, MPI_BYTE, 1, 0, LARGE, MPI_BYTE, win);
      MPI_Win_flush(1, win);
      gb[r] = (double)WINDOW * LARGE / (MPI_Wtime() - t0) / 1e9;
    }
    MPI_Win_unlock_all(win);
    printf("{\"putLatUs\": %g, \"getLatUs\": %g, \"putBwGBs\": %g, \"getBwGBs\": %g}\n", med(pl), med(gl), med(pb), med(gb));
    fflush(stdout);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  MPI_Win_free(&win);
  free(large);
  MPI_Finalize();
  return 0;
}
