// The configuration: every RANKS_* variable read by one table (name, parser, default),
// once; the MPI launchers' variables read by one function; overrides for tests that leave
// process.env alone; and the README's tables written from the same lists.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { agrees } from '../src/comm/collectives/agree.ts';
import type { CommCore } from '../src/comm/collectives/call.ts';
import { shmFor } from '../src/comm/collectives/shm.ts';
import { config, configFrom, reloadConfig, withConfig } from '../src/config/config.ts';
import { LAUNCHERS, readLauncher } from '../src/config/launcher.ts';
import { environmentSection, withEnvironmentSection } from '../src/config/table.ts';
import { VARIABLES } from '../src/config/variables.ts';
import { spinMicros } from '../src/transport/mpi/transport.ts';
import { underMpi } from '../src/transport/mpi/detect.ts';
import { HANGS } from './helpers.ts';
import { root } from './project-helpers.ts';

// Just what agrees() and shmFor() look at: a communicator of two ranks whose transport has
// shared-memory segments and no native collectives.
const SEGMENTS = { mine: () => new Uint8Array(0) };
const pair = { size: 2, collContext: 1, transport: { collectives: undefined, segments: SEGMENTS } } as unknown as CommCore;

describe('configuration', { timeout: HANGS }, () => {
  test('unset or empty variables give the defaults the table lists', () => {
    for (const env of [{}, Object.fromEntries(Object.values(VARIABLES).map((v) => [v.name, '']))]) {
      const c = configFrom(env);
      for (const [key, v] of Object.entries(VARIABLES)) assert.deepEqual(c[key as keyof typeof VARIABLES], v.fallback, v.name);
    }
    const c = configFrom({});
    assert.equal(c.checkCollectives, true);
    assert.equal(c.shmMinBytes, 256 * 1024);
    assert.equal(c.ringBytes, 256 * 1024);
    assert.equal(c.napMicros, 1000);
    assert.equal(c.spinMicros, undefined);
  });

  test('each variable is read by its parser', () => {
    const c = configFrom({
      RANKS_TRANSPORT: 'threads',
      RANKS_MPI_LIB: '/opt/lib/libmpi.so',
      RANKS_MPI_PEERS: '1, 4-7',
      RANKS_CHECK_COLLECTIVES: '0',
      RANKS_SHM_MIN_KIB: '0',
      RANKS_SPIN_US: '2.5',
      RANKS_NAP_US: '0',
      RANKS_ONE_COPY: '0',
      RANKS_KEEP_MEMORY: '0',
      RANKS_RING_KIB: '1024',
      RANKS_SPAWN_MAX: '3',
      RANKS_PROCESS_RANK: '{"rank":1}',
      RANKS_TRACE: 'job.json',
      RANKS_PROFILE: 'json',
      RANKS_TRACE_LIMIT: '500',
      RANKS_TRACE_RANK: '{"dir":"d"}',
      RANKS_REPL_HISTORY: 'off',
    });
    assert.deepEqual(
      { ...c, launcher: undefined },
      {
        transport: 'threads',
        mpiLib: '/opt/lib/libmpi.so',
        mpiPeers: [
          [1, 1],
          [4, 7],
        ],
        checkCollectives: false,
        shmMinBytes: 0,
        spinMicros: 2.5,
        napMicros: 0,
        oneCopy: false,
        keepMemory: false,
        ringBytes: 1024 * 1024,
        spawnMax: 3,
        processRank: '{"rank":1}',
        trace: 'job.json',
        profile: 'json',
        traceLimit: 500,
        traceRank: '{"dir":"d"}',
        replHistory: 'off',
        launcher: undefined,
      },
    );
    for (const [text, on] of [
      ['1', true],
      ['true', true],
      ['off', false],
      ['NO', false],
    ] as const)
      assert.equal(configFrom({ RANKS_CHECK_COLLECTIVES: text }).checkCollectives, on, text);
    assert.equal(configFrom({ RANKS_MPI_PEERS: 'all' }).mpiPeers, 'all');
  });

  test('a value that cannot be read is a coded error naming the variable: not a number ERR_INVALID_ARG, out of range ERR_OUT_OF_RANGE', () => {
    const table: [Record<string, string>, string, RegExp][] = [
      [{ RANKS_SPIN_US: 'fast' }, 'ERR_INVALID_ARG', /^Expected `RANKS_SPIN_US` to be a number >= 0, got "fast" \(string\)$/],
      [{ RANKS_SPIN_US: '-5' }, 'ERR_OUT_OF_RANGE', /^Expected `RANKS_SPIN_US` to be a number >= 0, got -5 \(number\)$/],
      [{ RANKS_NAP_US: '12abc' }, 'ERR_INVALID_ARG', /RANKS_NAP_US/],
      [{ RANKS_SHM_MIN_KIB: '1.5' }, 'ERR_OUT_OF_RANGE', /RANKS_SHM_MIN_KIB/],
      [{ RANKS_RING_KIB: '100' }, 'ERR_OUT_OF_RANGE', /^Expected `RANKS_RING_KIB` to be a power of two in 1\.\.1048576 \(KiB\), got 100 \(number\)$/],
      [{ RANKS_RING_KIB: 'big' }, 'ERR_INVALID_ARG', /RANKS_RING_KIB/],
      [{ RANKS_SPAWN_MAX: '-1' }, 'ERR_OUT_OF_RANGE', /^Expected `RANKS_SPAWN_MAX` to be an integer >= 0, got -1 \(number\)$/],
      [{ RANKS_SPAWN_MAX: 'many' }, 'ERR_INVALID_ARG', /RANKS_SPAWN_MAX/],
      [{ RANKS_TRANSPORT: 'mip' }, 'ERR_INVALID_ARG', /^Expected `RANKS_TRANSPORT` to be 'mpi' or 'threads', got "mip" \(string\)$/],
      [{ RANKS_CHECK_COLLECTIVES: 'O' }, 'ERR_INVALID_ARG', /RANKS_CHECK_COLLECTIVES/],
      [{ RANKS_MPI_PEERS: '1..3' }, 'ERR_INVALID_ARG', /RANKS_MPI_PEERS/],
      [{ RANKS_MPI_PEERS: '5-2' }, 'ERR_OUT_OF_RANGE', /RANKS_MPI_PEERS/],
      [{ RANKS_PROFILE: 'xml' }, 'ERR_INVALID_ARG', /^Expected `RANKS_PROFILE` to be text, json or a path ending in \.json, got "xml" \(string\)$/],
      [{ RANKS_TRACE_LIMIT: 'many' }, 'ERR_INVALID_ARG', /RANKS_TRACE_LIMIT/],
      [{ RANKS_TRACE_LIMIT: '0' }, 'ERR_OUT_OF_RANGE', /^Expected `RANKS_TRACE_LIMIT` to be an integer >= 1, got 0 \(number\)$/],
    ];
    for (const [env, code, message] of table) assert.throws(() => configFrom(env), { code, message }, JSON.stringify(env));
  });

  test("RANKS_SPIN_US is read once, by one parser, for threads and MPI alike; MPI's default follows the ranks on the node", () => {
    assert.equal(spinMicros(configFrom({ RANKS_SPIN_US: '7' })), 7);
    assert.equal(spinMicros(configFrom({ RANKS_SPIN_US: '0' })), 0, '0 is a value, not "unset"');
    assert.equal(spinMicros(configFrom({ OMPI_COMM_WORLD_RANK: '0', OMPI_COMM_WORLD_LOCAL_SIZE: '1' })), 50);
    assert.equal(spinMicros(configFrom({ PMI_RANK: '0', MPI_LOCALNRANKS: '100000' })), 5, 'more ranks than cores on the node');
    assert.throws(
      () => configFrom({ RANKS_SPIN_US: 'abc' }),
      { code: 'ERR_INVALID_ARG' },
      'the MPI transport used to ignore it and the threads transport to spin NaN µs',
    );
  });

  test('the MPI launchers are read from one table: rank, size, ranks on the node, library family', () => {
    assert.deepEqual(readLauncher({}), {
      detected: false,
      name: undefined,
      rank: undefined,
      size: undefined,
      localSize: undefined,
      family: undefined,
      appSizes: undefined,
    });
    for (const l of LAUNCHERS) {
      const env = { [l.rank]: '3', [l.size]: '8', ...(l.localSize ? { [l.localSize]: '4' } : {}) };
      const got = readLauncher(env);
      assert.deepEqual(
        [got.detected, got.name, got.rank, got.size, got.localSize, got.family],
        [l.mpi, l.name, 3, 8, l.localSize ? 4 : undefined, l.family],
        l.name,
      );
    }
    assert.equal(readLauncher({ SLURM_PROCID: '2', SLURM_NTASKS: '4' }).detected, false, 'srun alone does not make an MPI rank');
    assert.equal(readLauncher({ PMI_RANK: 'x', PMI_SIZE: '' }).rank, undefined, "a launcher's variable that is not a number counts as absent");
    assert.deepEqual(readLauncher({ OMPI_COMM_WORLD_RANK: '1', OMPI_NUM_APP_CTX: '3', OMPI_APP_CTX_NUM_PROCS: '1 2 1' }).appSizes, [1, 2, 1]);
    assert.equal(readLauncher({ OMPI_NUM_APP_CTX: '2', OMPI_APP_CTX_NUM_PROCS: '1' }).appSizes, undefined);
  });

  test('withConfig changes the configuration for one call, sync or async, without touching process.env', async () => {
    const env = { ...process.env };
    const before = config();
    assert.equal(
      withConfig({ spinMicros: 3, checkCollectives: false }, () => [config().spinMicros, config().checkCollectives, config().napMicros]).join(),
      [3, false, before.napMicros].join(),
    );
    assert.deepEqual(config(), before);
    await withConfig({ napMicros: 9 }, async () => {
      await Promise.resolve();
      assert.equal(config().napMicros, 9);
      withConfig({ ringBytes: 2048 }, () => assert.deepEqual([config().napMicros, config().ringBytes], [9, 2048]));
      assert.equal(config().ringBytes, before.ringBytes);
    });
    assert.deepEqual(config(), before);
    assert.throws(
      () =>
        withConfig({ napMicros: 1 }, () => {
          throw new Error('inside');
        }),
      /inside/,
    );
    await assert.rejects(
      withConfig({ napMicros: 1 }, () => Promise.reject(new Error('inside'))),
      /inside/,
    );
    assert.deepEqual(config(), before, 'restored after a throw and a rejection');
    assert.deepEqual({ ...process.env }, env);
  });

  test('code reads the configuration when it runs, not when its module loads (agreement, shared-memory threshold, MPI detection)', () => {
    assert.equal(agrees(pair), config().checkCollectives);
    assert.equal(
      withConfig({ checkCollectives: false }, () => agrees(pair)),
      false,
    );
    assert.equal(
      withConfig({ checkCollectives: true }, () => agrees(pair)),
      true,
    );
    assert.equal(withConfig({ shmMinBytes: 1024 }, () => [shmFor(pair, 1023), shmFor(pair, 1024)]).join(), [undefined, SEGMENTS].join());
    assert.equal(
      withConfig({ shmMinBytes: 0 }, () => shmFor(pair, 1)),
      SEGMENTS,
    );
    assert.equal(
      withConfig({ transport: 'mpi' }, () => underMpi()),
      true,
    );
    assert.equal(
      withConfig({ transport: 'threads', launcher: readLauncher({ PMI_RANK: '0' }) }, () => underMpi()),
      false,
    );
    assert.equal(
      withConfig({ transport: undefined, launcher: readLauncher({ PMI_RANK: '0' }) }, () => underMpi()),
      true,
    );
  });

  test('process.env is read once; reloadConfig() reads it again', () => {
    const name = VARIABLES.napMicros.name;
    const saved = process.env[name];
    try {
      process.env[name] = '123';
      reloadConfig();
      assert.equal(config().napMicros, 123);
      process.env[name] = '456';
      assert.equal(config().napMicros, 123, 'read once');
      reloadConfig();
      assert.equal(config().napMicros, 456);
    } finally {
      if (saved === undefined) delete process.env[name];
      else process.env[name] = saved;
      reloadConfig();
    }
  });
});

describe('the README tables', { timeout: HANGS }, () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');

  test('the environment tables in README.md are the ones src/config generates (npm run docs:env)', () => {
    assert.ok(readme.includes(environmentSection()), 'README.md is out of date: run npm run docs:env');
    assert.equal(withEnvironmentSection(readme), readme);
  });

  test('every RANKS_ variable named in src is in the table, and every variable of the table is documented', () => {
    const names = new Set(Object.values(VARIABLES).map((v) => v.name));
    const files = readdirSync(join(root, 'src'), { withFileTypes: true, recursive: true }).filter((e) => e.isFile() && e.name.endsWith('.ts'));
    const named = new Set(files.flatMap((e) => [...readFileSync(join(e.parentPath, e.name), 'utf8').matchAll(/\bRANKS_[A-Z0-9_]+\b/g)].map((m) => m[0])));
    assert.deepEqual(
      [...named].filter((n) => !names.has(n as `RANKS_${string}`)),
      [],
    );
    for (const v of Object.values(VARIABLES)) assert.match(readme, new RegExp(`^\\| \`${v.name}\` \\| [^|]+ \\| .{20,} \\|$`, 'm'), v.name);
    assert.match(readme, /^\| `RANKS_RING_KIB` \| 256 \| .*power of two/m);
  });
});
