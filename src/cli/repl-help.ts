// `ranks repl --help`.

/** The help text of `ranks repl`. */
export const REPL_HELP = `ranks repl — an interactive session on N ranks: every input runs on every rank (%px)

Usage:
  ranks repl [-n N] [--transport processes]      a prompt (Node's REPL: history, multi-line)
  ranks repl -n 4 < session.txt                  a script on stdin, read as typed lines

Each input runs on every rank, with top-level await; \`comm\` (the world communicator),
\`rank\`, \`size\` and \`ranks\` (the library) are defined on each, and what an input defines
stays for the next ones. When the input has ended on every rank, what each rank printed and
its value come grouped by rank:
  ranks[4]> await comm.allreduce(rank + 1, ranks.SUM)
  [0] 10
  [1] 10
  …
An error, a thrown rank or a deadlock is reported for the ranks it hit; the session goes on.

Commands:
  .on 0,2 CODE   run CODE on ranks 0 and 2 only (ranks like 1-3, 0,2-3 or all)
  .on 0,2        later inputs run on ranks 0 and 2 (.on all: every rank again)
  .ranks         which ranks are busy (with the input, for how long) and which are idle
  .exit          end the session (also Ctrl-D, or Ctrl-C twice at an empty prompt)
  .help          every command (Node's .break, .save, .load too)
Ctrl-C while an input runs stops it on every rank; the ranks and their state stay.

Options:
  -n, --np N          number of ranks (default: the number of cores)
  --transport NAME    threads (default) or processes
  --timeout SECONDS   stop any input that runs longer than SECONDS, as Ctrl-C would
  --bail              end the session at the first input that fails on any rank, exit 1
  -h, --help          this help

History is kept in ~/.ranks_repl_history (RANKS_REPL_HISTORY=FILE elsewhere, off for none).
Exit status: 0 (after .exit, Ctrl-D or the end of stdin); 1 with --bail after a failed
input, or when the ranks cannot start; 130 after Ctrl-C three times during one input;
2 on a usage error.
`;
