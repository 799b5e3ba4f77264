#!/bin/sh
# A tiny stand-in for the seed's ./mmul.x kernel: reads "n seed" on stdin, multiplies two
# n x n integer matrices made from the seed, and prints the trace of the product.
#   sh examples/mmul.sh < in0 > in0.out
exec awk '{
  n = $1; s = $2
  for (i = 0; i < n; i++) for (j = 0; j < n; j++) { a[i, j] = (i * s + j) % 7; b[i, j] = (j * s + i) % 5 }
  t = 0
  for (i = 0; i < n; i++) for (k = 0; k < n; k++) t += a[i, k] * b[k, i]
  print "n=" n " seed=" s " trace=" t
}'
