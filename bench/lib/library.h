/* Shared by the C benchmark programs (included, not compiled on its own). */
#include <mpi.h>
#include <stdio.h>

/* Prints the first line of the MPI library's version string as a JSON string. */
static void print_library(void) {
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(version, &len);
  putchar('"');
  for (int i = 0; i < len && version[i] && version[i] != '\n'; i++) {
    char c = version[i];
    if (c == '"' || c == '\\') putchar('\\');
    if (c == '\t') c = ' ';
    if ((unsigned char)c >= 0x20) putchar(c);
  }
  putchar('"');
}
