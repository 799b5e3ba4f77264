// The help texts of `ranks`, `ranks run` and `ranks info` (`ranks farm`'s is in farm-help.ts).

/** `ranks --help`. */
export const HELP = `ranks — parallel programming for TypeScript on Node.js

Usage:
  ranks run [-n N] [options] SCRIPT [ARGS...]      run SCRIPT on N ranks (see ranks run --help)
  mpiexec -n N ranks run SCRIPT [ARGS...]          each MPI process runs SCRIPT as its rank
  ranks farm [-j N] [options] 'CMD {}' INPUTS...   a command over many inputs, like GNU parallel
                                                   (see ranks farm --help)
  ranks trace TRACE.json [-o PAGE.html]            the timeline page of a trace (see
                                                   ranks trace --help)
  ranks repl [-n N] [--transport processes]        an interactive session: every input runs
                                                   on every rank (see ranks repl --help)
  ranks info                                       what this machine offers ranks
  ranks help COMMAND, ranks COMMAND --help         a command's options
  ranks --version

Usage errors exit with status 2.
`;

/** `ranks run --help`. */
export const RUN_HELP = `ranks run — run SCRIPT on N ranks: every rank runs the whole script (SPMD)

Usage:
  ranks run [options] SCRIPT [ARGS...]     SCRIPT: .ts, .mts, .js or .mjs, no build step
  mpiexec -n N ranks run SCRIPT [ARGS...]  under an MPI launcher: the MPI transport

Options (before SCRIPT: everything after it is the script's own, --help included):
  -n, --np N          number of ranks (default: the number of cores); checked against
                      the free memory before any rank starts
  --tag-output        prefix every output line with [rank]
  --timeout SECONDS   stop the job after SECONDS (exit 124)
  --transport NAME    threads (default: worker threads sharing memory),
                      processes (child processes over Unix sockets: crash isolation),
                      or mpi (under mpiexec/srun; detected there)
  --trace FILE        write the job's trace to FILE (Chrome trace-event JSON: open it in
                      Perfetto or chrome://tracing); written also when the job fails
  --profile[=HOW]     print the job's profile at its end: text (the default) or json on
                      stderr, or HOW=FILE.json to write the JSON there
  -h, --help          this help

Exit status: 0 when every rank exited 0; else the failing rank's code (1 for a thrown
error), with ERR_RANK_FAILED and the rank's own error code on stderr; 124 on --timeout,
130 on Ctrl-C, 141 when the output pipe closed (ranks run … | head), 2 on a usage error,
1 when -n does not fit in memory (ERR_OUT_OF_RANGE).
`;

/** `ranks info --help`. */
export const INFO_HELP = `ranks info — what this machine offers ranks

Usage:
  ranks info          version, Node.js, cores, memory, the transports usable here and the
                      MPI library found (if any)
`;
