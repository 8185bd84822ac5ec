import { type ChainGraphReport, type ChainWorstCase, formatMs } from '@bedrock-ha/core';
import type { CheckResult } from './doctor/doctor-checks.js';
import { renderTable } from './table.js';

/** One chain's worst case in a phrase: `4 attempts, 240.2 s (stream first content 80.2 s), no deadline`. */
export function describeWorstCase(chain: ChainWorstCase): string {
  const total = chain.endpoints.length;
  const deadline =
    chain.deadlineMs === undefined
      ? 'no deadline'
      : `deadline ${formatMs(chain.deadlineMs)}: ${chain.reachableEndpoints} of ${total} endpoint${total === 1 ? '' : 's'} reachable`;
  return `worst case ${chain.attempts} attempts, ${formatMs(chain.unaryMs)} (stream first content ${formatMs(chain.streamFirstTokenMs)}); ${deadline}`;
}

/** The worst case of every chain as a table, for `config validate`. */
export function renderWorstCases(report: ChainGraphReport): string {
  return renderTable(
    [
      'chain',
      'endpoints',
      'attempts',
      'worst case',
      'stream first content',
      'deadline',
      'reachable in deadline',
    ],
    report.chains.map((chain) => [
      chain.chain,
      String(chain.endpoints.length),
      String(chain.attempts),
      formatMs(chain.unaryMs),
      formatMs(chain.streamFirstTokenMs),
      chain.deadlineMs === undefined ? 'none' : formatMs(chain.deadlineMs),
      chain.deadlineMs === undefined
        ? 'all'
        : `${Math.min(chain.reachableEndpoints, chain.streamReachableEndpoints)} of ${chain.endpoints.length}`,
    ]),
  );
}

/** The doctor's rows: one per chain with its worst case, then one warning per finding. */
export function graphChecks(report: ChainGraphReport): CheckResult[] {
  return [
    ...report.chains.map(
      (chain): CheckResult => ({
        check: 'fallback graph',
        target: `chain ${chain.chain}`,
        status: 'ok',
        detail: describeWorstCase(chain),
      }),
    ),
    ...report.findings.map(
      (finding): CheckResult => ({
        check: 'fallback graph',
        target: finding.path,
        status: 'warn',
        detail: finding.message,
        fix: finding.fix,
      }),
    ),
  ];
}
