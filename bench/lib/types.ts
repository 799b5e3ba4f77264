// Shared shapes of the benchmark harness: what an implementation reports, and what a family returns.
import type { FarmImpl } from './farm-report.ts';

/** One message size measured by one implementation: one-way times of every repeat. */
export interface SizeSamples {
  /** Message size in bytes. */
  bytes: number;
  /** Round trips per repeat, on average (each repeat lasts at least the plan's target time). */
  iters: number;
  /** One-way time of each repeat in microseconds (round trip / 2, averaged over `iters`). */
  samples: number[];
}

/** What a ping-pong program prints as its last stdout line (JSON). */
export interface PingPongOutput {
  /** Free text about the library that ran, e.g. the MPI library version line. */
  library?: string;
  sizes: SizeSamples[];
}

/** The outcome of one implementation in one family. */
export type ImplResult =
  | { name: string; status: 'ok'; library?: string; sizes: SizeSamples[]; seconds: number }
  | { name: string; status: 'not run' | 'failed'; reason: string; seconds: number };

/** One collective operation timed by one implementation at one rank count. */
export interface OpSamples {
  /** Which operation and path, e.g. 'bcast-typed', 'allreduce', 'barrier' (see coll-report.ts). */
  op: string;
  /** float64 elements moved per operation (0 for barrier). */
  elements: number;
  /** Operations per timed repeat. */
  iters: number;
  /** Time per operation of each repeat in microseconds: the slowest rank's repeat time / iters. */
  samples: number[];
}

/** What a collectives program prints as its last stdout line (JSON). */
export interface CollOutput {
  library?: string;
  ops: OpSamples[];
}

/** The outcome of one collectives implementation run on `size` ranks. */
export type CollResult =
  | { name: string; size: number; status: 'ok'; library?: string; ops: OpSamples[]; seconds: number }
  | { name: string; size: number; status: 'not run' | 'failed'; reason: string; seconds: number };

/** One pool figure of one implementation: per-repeat samples (tasks/s for throughput, µs per call for round trips). */
export interface CallSamples {
  /** Which call was measured, e.g. 'map', 'map-1', 'submit', 'run' (see pool-report.ts). */
  variant: string;
  /** Tasks or calls per repeat (on average, for round trips). */
  iters: number;
  samples: number[];
}

/** The CPU-bound map: milliseconds per repeat of the serial loop and of the pool's map over the same items. */
export interface CpuSamples {
  workers: number;
  items: number;
  /** Arithmetic steps per item (calibrated to about `itemMs` on one core). */
  iters: number;
  itemMs: number;
  serial: number[];
  parallel: number[];
}

/** What a pool program prints as its last stdout line (JSON); `notRun` instead of figures when the peer is not installed. */
export interface PoolOutput {
  library?: string;
  notRun?: string;
  throughput: CallSamples[];
  roundTrip: CallSamples[];
  cpu?: CpuSamples;
}

/** The outcome of one pool implementation. */
export type PoolResult =
  | { name: string; status: 'ok'; library?: string; throughput: CallSamples[]; roundTrip: CallSamples[]; cpu?: CpuSamples; seconds: number }
  | { name: string; status: 'not run' | 'failed'; reason: string; seconds: number };

/** A row of the summary table: one claim, its ranks figure, its peer figure, ratio and goal. */
export interface SummaryRow {
  benchmark: string;
  ranks: string;
  peer: string;
  ratio: string;
  goal: string;
  /** 'met', 'not met', 'report' (no goal) or 'n/a' (a side did not run). */
  verdict: string;
}

/** What a family hands back to run.ts. */
export interface FamilyResult {
  family: string;
  rows: SummaryRow[];
  /** Extra Markdown sections (per-size tables, notes), already formatted. */
  sections: string[];
  /** Raw results, for results/latest.json. */
  impls: ImplResult[] | CollResult[] | PoolResult[] | FarmImpl[];
  /** Files written (relative to bench/), e.g. charts. */
  files: string[];
}

/** Options every family receives. */
export interface FamilyOptions {
  quick: boolean;
  /** Absolute path of the bench/ directory. */
  benchDir: string;
  /** Progress lines go here (stderr), so stdout holds only the table. */
  log: (line: string) => void;
}
