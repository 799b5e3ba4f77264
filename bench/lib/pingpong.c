/*
 * MPI ping-pong between ranks 0 and 1, timed like bench/lib/measure.ts: a warm-up at the
 * smallest size, then per size a warm-up that doubles the round trips until a batch lasts
 * half the target, then `repeats` timed batches. Rank 0 drives: before each batch it sends
 * a header {bytes, n} (n < 0: stop) with tag 1; data travels with tag 0 (MPI_Send/MPI_Recv).
 *
 * usage: mpiexec -n 2 ./pingpong repeats targetSec warmSec jitIters jitSec size...
 * Each repeat runs batches of a quarter of the target (at the fastest warm-up speed) until
 * the target time has passed. Rank 0 prints one JSON line: {"library": "...", "sizes": [{"bytes", "iters", "samples"}]}
 * with one-way times in microseconds.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "library.h"

#define DATA 0
#define CTRL 1
#define MAX_SIZES 64
#define MAX_REPEATS 64

static char *buffer;

static double batch(long bytes, long n) {
  double header[2] = {(double)bytes, (double)n};
  MPI_Send(header, 2, MPI_DOUBLE, 1, CTRL, MPI_COMM_WORLD);
  double t0 = MPI_Wtime();
  for (long i = 0; i < n; i++) {
    MPI_Send(buffer, (int)bytes, MPI_BYTE, 1, DATA, MPI_COMM_WORLD);
    MPI_Recv(buffer, (int)bytes, MPI_BYTE, 1, DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  }
  return MPI_Wtime() - t0;
}

static void pong(void) {
  for (;;) {
    double header[2];
    MPI_Recv(header, 2, MPI_DOUBLE, 0, CTRL, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    long bytes = (long)header[0], n = (long)header[1];
    if (n < 0) return;
    for (long i = 0; i < n; i++) {
      MPI_Recv(buffer, (int)bytes, MPI_BYTE, 0, DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      MPI_Send(buffer, (int)bytes, MPI_BYTE, 0, DATA, MPI_COMM_WORLD);
    }
  }
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int nsizes = argc - 6;
  if (size != 2 || nsizes < 1 || nsizes > MAX_SIZES) {
    if (rank == 0) fprintf(stderr, "usage: mpiexec -n 2 %s repeats targetSec warmSec jitIters jitSec size...\n", argv[0]);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  int repeats = atoi(argv[1]);
  double target = atof(argv[2]), warm_sec = atof(argv[3]), jit_sec = atof(argv[5]);
  long jit_iters = atol(argv[4]);
  long sizes[MAX_SIZES], largest = 1;
  for (int s = 0; s < nsizes; s++) {
    sizes[s] = atol(argv[6 + s]);
    if (sizes[s] > largest) largest = sizes[s];
  }
  if (repeats < 1 || repeats > MAX_REPEATS) MPI_Abort(MPI_COMM_WORLD, 2);
  buffer = malloc((size_t)largest);
  if (!buffer) MPI_Abort(MPI_COMM_WORLD, 3);
  memset(buffer, 1, (size_t)largest);

  if (rank == 1) {
    pong();
  } else {
    double start = MPI_Wtime();
    for (long done = 0; done < jit_iters && MPI_Wtime() - start < jit_sec; done += 10000) batch(sizes[0], 10000);
    printf("{\"library\":");
    print_library();
    printf(",\"sizes\":[");
    for (int s = 0; s < nsizes; s++) {
      long n = 1;
      double warm = 0, best = 1e30;
      for (;;) {
        double dt = batch(sizes[s], n);
        warm += dt;
        if (dt / (double)n < best) best = dt / (double)n;
        if (warm >= warm_sec && dt >= target / 2) break;
        if (dt < target / 2) n *= 2;
      }
      long chunk = (long)(target / 4 / best + 0.5), total = 0;
      if (chunk < 1) chunk = 1;
      double samples[MAX_REPEATS];
      for (int r = 0; r < repeats; r++) {
        long n = 0;
        double t = 0;
        while (t < target) {
          t += batch(sizes[s], chunk);
          n += chunk;
        }
        samples[r] = t / (2.0 * (double)n) * 1e6;
        total += n;
      }
      printf("%s{\"bytes\":%ld,\"iters\":%ld,\"samples\":[", s ? "," : "", sizes[s], total / repeats);
      for (int r = 0; r < repeats; r++) printf("%s%.6f", r ? "," : "", samples[r]);
      printf("]}");
    }
    printf("]}\n");
    fflush(stdout);
    double stop[2] = {0, -1};
    MPI_Send(stop, 2, MPI_DOUBLE, 1, CTRL, MPI_COMM_WORLD);
  }
  free(buffer);
  MPI_Finalize();
  return 0;
}
