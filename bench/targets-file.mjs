// bench/results/targets.json: every figure against its target. A full run writes all rows; a
// `BENCH_ONLY` run replaces the rows of the benchmarks it ran and keeps the others, so the table
// stays complete. Each row records the benchmark that produced it, the date of that run and the
// machine's load average while it ran.
import { existsSync, readFileSync } from 'node:fs';

/**
 * The benchmark of a row written before rows named theirs: by figure number, as numbered then
 * (adaptive routing was figure 6 before limits took that number).
 */
function legacyBenchmark(figure) {
  if (figure.includes('adaptive routing')) return 'adaptive';
  const number = Number.parseInt(figure, 10);
  return { 1: 'latency', 2: 'failover', 3: 'memory', 4: 'gateway', 5: 'lambda' }[number];
}

/** The rows in `file` (each with its benchmark and date), or none when there is no such file. */
export function readTargets(file) {
  if (!existsSync(file)) return [];
  const { date, machine, targets } = JSON.parse(readFileSync(file, 'utf8'));
  return targets.map((row) => ({
    ...row,
    benchmark: row.benchmark ?? legacyBenchmark(row.figure),
    date: row.date ?? date,
    loadAverage: row.loadAverage ?? machine?.loadAverage,
  }));
}

/**
 * `previous` with the rows of every benchmark in `ran` replaced by `rows` (this run's, dated
 * `date`), ordered by figure number; rows of benchmarks that did not run (or failed) are kept.
 */
export function mergeTargets(previous, rows, ran, date) {
  const kept = previous.filter((row) => !ran.includes(row.benchmark));
  const merged = [...kept, ...rows.map((row) => ({ ...row, date }))];
  const figure = (row) => Number.parseInt(row.figure, 10);
  // Stable: rows of one figure keep their order.
  return merged
    .map((row, index) => ({ row, index }))
    .sort((a, b) => figure(a.row) - figure(b.row) || a.index - b.index)
    .map(({ row }) => row);
}

/**
 * targets.json's rows after this run: those in `file` of the benchmarks still `known`, with the
 * rows of the benchmarks that `ran` replaced by `rows` (dated now).
 */
export function mergedTargets(file, rows, ran, known) {
  const previous = readTargets(file).filter((row) => known.includes(row.benchmark));
  return mergeTargets(previous, rows, ran, new Date().toISOString());
}
