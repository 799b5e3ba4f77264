// `ranks farm --help`.

/** The help text of `ranks farm`. */
export const FARM_HELP = `ranks farm — run a command over many inputs on every core (like GNU parallel)

Usage:
  ranks farm [options] TEMPLATE INPUT...             ranks farm -j 4 './mmul.x < {} > {}.out' in0 in1 in2 in3
  ranks farm [options] COMMAND... ::: INPUT...       ranks farm gzip -9 ::: *.log
  ranks farm [options] TEMPLATE ::: A... ::: B...    every combination: a x, a y, b x, b y
  ranks farm [options] TEMPLATE :::: FILE...         inputs from files, one per line (a source each)
  ranks farm [options] TEMPLATE < inputs             find . -name '*.c' | ranks farm 'cc -c {} -o {.}.o'

TEMPLATE (the first word after the options) is a /bin/sh command. Every other word is
data: more command words are passed as literal arguments, inputs are single-quoted, so
no input or file name is ever shell code, whatever its name. Replacement strings:
  {} the input (with several sources: every argument)   {.} without extension
  {/} basename   {//} dirname   {/.} basename without extension
  {N} the argument of source N (also {N.} {N/} {N//} {N/.}; {-1}: the last)
  {#} the job number   {%} the job slot (1 to -j)
Without any, the input is appended. ::: and :::: count wherever they appear after the
command, as in GNU parallel; :::+ and ::::+ (linked sources), {= perl =} and GNU
parallel's other options are refused, never run.

Options (before TEMPLATE):
  -j, --jobs N           jobs at once (default: the number of cores)
  -a, --arg-file FILE    inputs from FILE, one per line ('-': stdin); repeat for more sources
  -0, --null             inputs from stdin or files are separated by NUL, not newline
  -k, --keep-order       print each job's output in input order (not as jobs finish)
  --tag                  prefix every output line with the job's arguments and a tab
  --timeout SECONDS      kill a job running longer (SIGTERM, SIGKILL 1 s later); it fails
  --halt WHEN,fail=N     stop after N failures: WHEN is now (kill running jobs) or soon
                         (let them finish); also success=N, done=N; never is the default
  --joblog FILE          log every job: Seq Host Starttime JobRuntime Send Receive Exitval
                         Signal Command Input (tab-separated, GNU parallel's columns + Input)
  --resume               skip every input --joblog FILE lists (done or failed); append to it
  --resume-failed        skip only the inputs that succeeded in it: the failed ones run again
  --dry-run              print the commands, run nothing
  -q, --quiet            no progress bar or progress lines
  --spawn-from WHERE     main (default): jobs spawned from the main thread;
                         workers: from pool worker threads (slower for tiny jobs)
  -h, --help             this help

Exit status: 0 when every job succeeded, else the number of failed jobs (at most 101);
130 when interrupted, 141 when its output pipe closed, 2 on a usage error (or refused
syntax, printed with its code), 255 on another error.
`;
