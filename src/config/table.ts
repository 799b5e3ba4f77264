// The README's environment tables, written from the configuration's own lists
// (scripts/docs-env.ts puts them in README.md; test/config.test.ts keeps them equal).
import { LAUNCHERS } from './launcher.ts';
import { VARIABLES } from './variables.ts';

/** The markdown table of every RANKS_* variable: name, default, effect. */
export function variablesTable(): string {
  const rows = Object.values(VARIABLES).map((v) => `| \`${v.name}\` | ${v.shown} | ${v.effect} |`);
  return ['| variable | default | effect |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The markdown table of the MPI launchers' variables ranks reads (it never sets them). */
export function launchersTable(): string {
  const code = (name: string | undefined): string => (name ? `\`${name}\`` : '—');
  const rows = LAUNCHERS.map(
    (l) =>
      `| ${l.name} | ${code(l.rank)} | ${code(l.size)} | ${code(l.localSize)} | ${l.mpi ? (l.family === 'openmpi' ? 'yes; Open MPI first' : 'yes; MPICH first') : 'no'} |`,
  );
  return ['| launcher | rank | size | ranks on the node | an MPI rank; library tried first |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** The first and last lines around the generated part of the README. */
export const BEGIN = '<!-- generated from src/config by `npm run docs:env`: edit there, not here -->';
export const END = '<!-- end of generated tables -->';

/** The generated part of the README, between BEGIN and END. */
export function environmentSection(): string {
  return [
    BEGIN,
    'Environment variables ranks reads (all optional; a value it cannot read is an error naming the variable, `ERR_INVALID_ARG` or `ERR_OUT_OF_RANGE`, at the first call that needs the configuration):',
    '',
    variablesTable(),
    '',
    "What ranks reads from the MPI launcher that started the process (ranks never sets these; when several launchers' are set, the first row's win):",
    '',
    launchersTable(),
    '',
    "Under Open MPI, `OMPI_NUM_APP_CTX` and `OMPI_APP_CTX_NUM_PROCS` also tell which ranks share this process's app context (see `RANKS_MPI_PEERS`).",
    END,
  ].join('\n');
}

/** `readme` with its generated part replaced by `environmentSection()`; throws if the markers are missing. */
export function withEnvironmentSection(readme: string): string {
  const from = readme.indexOf(BEGIN);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md has no generated environment section (the lines ${BEGIN} and ${END})`);
  return readme.slice(0, from) + environmentSection() + readme.slice(to + END.length);
}
