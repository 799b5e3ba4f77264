// The first module of an MPI rank started by a ranks `comm.spawn()` (MPI_Comm_spawn's
// command): says that its parents run ranks (so the intercommunicator to them is set up
// on both sides alike), then runs the script as `ranks run` does under an MPI launcher.
import { report } from '../cli/run.ts';
import { runAsMpiRank } from '../launch/mpi-rank.ts';
import { markRanksParent } from './starter.ts';

markRanksParent();
const [script, ...args] = process.argv.slice(2);
try {
  await runAsMpiRank(script!, args);
} catch (err) {
  // As `ranks run` does under mpiexec: report and exit now, so MPI ends the job.
  report(err);
  process.exit(1);
}
