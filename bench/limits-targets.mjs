import { round3 } from './percentiles.mjs';

// Issue 20's figures against their targets: the gateway against the minimal proxy and Portkey, the
// tail and connection waits (limits.mjs), streams (limits-streaming.mjs), the engine against the
// raw SDK (core-overhead.mjs) and the cost of an endpoint walked (failover-cost.mjs). The Lambda's
// cold init over the bundled-SDK floor is with the other Lambda rows (targets.mjs).

const row = (figure, target, measured, met) => ({ figure, target, measured, met: met ? 'yes' : 'NO' });

/** The limits benchmark's rows: CPU per request, throughput, the tail, connection waits, streams. */
export function limitRows({ results, streaming }) {
  const rows = [];
  const ours = results.filter((result) => result.key.startsWith('ours'));
  for (const result of results.filter((entry) => entry.key.startsWith('sdk')))
    rows.push(
      row(
        `6. CPU per request / minimal proxy's, ${result.target}, concurrency ${result.concurrency} (before the lean transport; shown only)`,
        '(shown only)',
        `${result.cpuVsProxy}x (rounds ${result.cpuVsProxyRange.join('-')}x; ${result.cpuMsPerRequest} ms)`,
        true,
      ),
    );
  const direct = (concurrency) =>
    results.find((result) => result.key === 'direct' && result.concurrency === concurrency);
  for (const result of ours) {
    const at = `${result.target}, concurrency ${result.concurrency}`;
    rows.push(
      row(
        `6. CPU per request / minimal proxy's, ${at}`,
        '<= 3x',
        `${result.cpuVsProxy}x (rounds ${result.cpuVsProxyRange.join('-')}x; ${result.cpuMsPerRequest} ms)`,
        result.cpuVsProxy <= 3,
      ),
    );
    if (result.concurrency === 64 && result.key === 'oursOpenAI')
      rows.push(
        row(
          `6. req/s / Portkey's, ${at}`,
          '>= 2x',
          `${result.throughputVsPortkey}x (rounds ${result.throughputVsPortkeyRange.join('-')}x; ${result.requestsPerSecond} req/s)`,
          result.throughputVsPortkey >= 2,
        ),
      );
    rows.push(
      row(
        `6. client p99 / p50 of the answers served (200), ${at}`,
        '<= 3x',
        // Judged on the 200s: a shed request is answered with a retryable 503 instead of queueing,
        // and counting those fast answers in p50 would make the ratio say nothing about waiting.
        `${result.servedP99OverP50}x (every answer: ${result.p99OverP50}x, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; ${Math.round(result.refusedShare * 100)}% shed with a 503)`,
        result.servedP99OverP50 <= 3,
      ),
    );
    rows.push(
      row(
        `6. longest wait of a new connection for its first answer, ${at}`,
        '<= 250 ms',
        `${result.newConnectionMaxWaitMs} ms (fresh connections while loaded: ${result.probeMaxWaitMs} ms; the simulator direct: ${direct(result.concurrency).newConnectionMaxWaitMs} ms)`,
        result.newConnectionMaxWaitMs <= 250,
      ),
    );
  }
  for (const result of streaming?.results.filter((entry) => entry.key.startsWith('ours')) ?? []) {
    const at = `${result.target}, concurrency ${result.concurrency}`;
    const pipe = streaming.results.find((entry) => entry.key === 'proxy');
    rows.push(
      row(
        `6. CPU per stream / minimal pipe's, ${at}`,
        '<= 1.5x',
        `${result.cpuVsProxy}x (rounds ${result.cpuVsProxyRange.join('-')}x; ${result.cpuMsPerStream} vs ${pipe.cpuMsPerStream} ms)`,
        result.cpuVsProxy <= 1.5,
      ),
    );
    rows.push(
      row(
        `6. time to first token over the simulator direct (p50), ${at}`,
        '<= 50 ms',
        `${result.firstTokenOverDirectMs} ms (p50 ${result.firstTokenP50Ms} ms, p99 ${result.firstTokenP99Ms} ms)`,
        result.firstTokenOverDirectMs <= 50,
      ),
    );
  }
  return rows;
}

/** The engine against the raw SDK client (overhead) and the cost of an endpoint walked (failover). */
export function overheadRows({ overhead, failover, inFlight }) {
  const rows = [];
  for (const key of ['converse', 'telemetry']) {
    const result = overhead?.results.find((entry) => entry.key === key);
    if (!result) continue;
    rows.push(
      row(
        `6. engine CPU per request / the raw SDK client's, ${result.name}, concurrency 32`,
        '<= 1.15x',
        `${result.cpuRatio}x (${result.cpuMsPerRequest} vs ${overhead.results[0].cpuMsPerRequest} ms)`,
        result.cpuRatio <= 1.15,
      ),
    );
  }
  const sdk = overhead?.results.find((entry) => entry.key === 'sdk');
  if (sdk)
    rows.push(
      row(
        "6. the default client's CPU per request / the untouched SDK client's (shown only)",
        '(shown only)',
        `${(1 / sdk.cpuRatio).toFixed(3)}x (${overhead.results[0].cpuMsPerRequest} vs ${sdk.cpuMsPerRequest} ms)`,
        true,
      ),
    );
  const lean = overhead?.results.find((entry) => entry.key === 'lean');
  const converse = overhead?.results.find((entry) => entry.key === 'converse');
  if (lean && converse)
    rows.push(
      row(
        "6. engine CPU per request / the lean transport alone's (the lean path's floor), concurrency 32",
        '<= 1.15x',
        `${round3(converse.cpuMsPerRequest / lean.cpuMsPerRequest)}x (${converse.cpuMsPerRequest} vs ${lean.cpuMsPerRequest} ms)`,
        converse.cpuMsPerRequest / lean.cpuMsPerRequest <= 1.15,
      ),
    );
  const onSdk = overhead?.results.find((entry) => entry.key === 'converseSdk');
  if (onSdk)
    rows.push(
      row(
        "6. engine on transport 'sdk' CPU per request / the raw SDK client's (before the lean transport; shown only)",
        '(shown only)',
        `${onSdk.cpuRatio}x (${onSdk.cpuMsPerRequest} vs ${overhead.results[0].cpuMsPerRequest} ms)`,
        true,
      ),
    );
  if (failover)
    rows.push(
      // On transport 'sdk', like the two raw SDK calls it is measured against (on the lean
      // transport, shown beside it, the engine's calls cost less than the raw ones).
      row(
        "6. added per endpoint walked (a failover on transport 'sdk', beyond the two raw SDK calls it makes)",
        '<= 0.08 ms',
        `${failover.walkedAddedMs} ms (on the lean transport: ${failover.failoverAddedMs} ms)`,
        failover.walkedAddedMs <= 0.08,
      ),
    );
  for (const key of ['engine', 'telemetry']) {
    const result = inFlight?.results.find((entry) => entry.key === key);
    if (!result) continue;
    // Issue 20: the engine held 12-15 KB more per request in flight than the raw client; halve it.
    rows.push(
      row(
        `6. heap per request in flight beyond the raw SDK client's, ${result.name}`,
        '<= 6 KB',
        `${(result.beyondRawBytes / 1024).toFixed(1)} KB (${result.bytesPerRequest} vs ${inFlight.results[0].bytesPerRequest} B)`,
        result.beyondRawBytes <= 6 * 1024,
      ),
    );
  }
  return rows;
}
