// Choosing the MPI transport and the MPI library without running MPI: launcher detection,
// which ranks of a mixed job run ranks, and the library search order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRanks, ranksPeers, underMpi } from '../src/transport/mpi/detect.ts';
import { candidates } from '../src/transport/mpi/library.ts';
import { configFrom as env } from '../src/config/config.ts';
import { HANGS } from './helpers.ts';

test('an MPI launcher is detected from its environment; RANKS_TRANSPORT overrides', { timeout: HANGS }, () => {
  assert.equal(underMpi(env({})), false);
  assert.equal(underMpi(env({ PMI_RANK: '0', PMI_SIZE: '2' })), true, 'MPICH hydra, Slurm PMI2');
  assert.equal(underMpi(env({ OMPI_COMM_WORLD_RANK: '1' })), true, 'Open MPI');
  assert.equal(underMpi(env({ PMIX_RANK: '0' })), true, 'PMIx (srun --mpi=pmix)');
  assert.equal(underMpi(env({ RANKS_TRANSPORT: 'mpi' })), true);
  assert.equal(underMpi(env({ PMI_RANK: '0', RANKS_TRANSPORT: 'threads' })), false);
});

test('RANKS_MPI_PEERS lists the ranks that run ranks; Open MPI app contexts say it by themselves', { timeout: HANGS }, () => {
  assert.deepEqual(parseRanks('0-2,5', 8), [0, 1, 2, 5]);
  assert.deepEqual(parseRanks(' 3 , 1-1 ', 4), [1, 3]);
  assert.equal(parseRanks('all', 4), undefined);
  assert.throws(() => parseRanks('1..3', 4), { code: 'ERR_INVALID_ARG', message: /^Expected `RANKS_MPI_PEERS` to be a list of ranks and ranges/ });
  assert.throws(() => parseRanks('3-1', 4), { code: 'ERR_OUT_OF_RANGE' });
  assert.deepEqual(ranksPeers(3, 1, env({ RANKS_MPI_PEERS: '1' })), [1]);
  assert.throws(() => ranksPeers(3, 0, env({ RANKS_MPI_PEERS: '1' })), /leaves out this rank/);
  // mpiexec -n 1 python3 peer.py : -n 2 node app.js : -n 1 ./peer
  const ompi = { OMPI_NUM_APP_CTX: '3', OMPI_APP_CTX_NUM_PROCS: '1 2 1' };
  assert.deepEqual(ranksPeers(4, 1, env(ompi)), [1, 2]);
  assert.deepEqual(ranksPeers(4, 2, env(ompi)), [1, 2]);
  assert.equal(ranksPeers(4, 0, env({ OMPI_NUM_APP_CTX: '1', OMPI_APP_CTX_NUM_PROCS: '4' })), undefined, 'one app context: every rank runs ranks');
  assert.equal(ranksPeers(4, 0, env({})), undefined);
});

test('the library search follows RANKS_MPI_LIB, else the launcher that started the job', { timeout: HANGS }, () => {
  assert.deepEqual(candidates(env({ RANKS_MPI_LIB: '/opt/mpi/lib/libmpi.so' })), ['/opt/mpi/lib/libmpi.so']);
  assert.equal(candidates(env({ OMPI_COMM_WORLD_SIZE: '2' }))[0], 'libmpi.so.40');
  assert.equal(candidates(env({ PMI_RANK: '0' }))[0], 'libmpich.so.12');
});
