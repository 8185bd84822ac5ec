// Every figure of this run against its target (issue 8), as rows for one table and targets.json.
import { fleetRows } from './fleet-targets.mjs';
import { limitRows, overheadRows } from './limits-targets.mjs';

const row = (figure, target, measured, met) => ({ figure, target, measured, met: met ? 'yes' : 'NO' });

/** Rows for the benchmarks that ran; `outcomes` maps benchmark names to their results. */
export function targetRows({
  latency,
  overhead,
  failover,
  inFlight,
  memory,
  gateway,
  lambda,
  limits,
  adaptive,
  capacity,
  affinity,
  fleet,
}) {
  const rows = [];
  if (latency) {
    const find = (phase, key) =>
      latency.results.find((result) => result.phase.startsWith(phase) && result.key === key);
    for (const [phase, label] of [
      ['Converse, simulator', 'answered at once'],
      ['Converse, model', `model takes ${latency.modelLatencyMs} ms`],
    ]) {
      const engine = find(phase, 'converse');
      rows.push(
        row(
          `1. ha.converse p50 / raw SDK p50 (${label})`,
          '<= 1.03x',
          `${engine.p50Ratio}x`,
          engine.p50Ratio <= 1.03,
        ),
      );
    }
    for (const [key, label] of [
      ['converse', 'telemetry off'],
      ['telemetry', 'default telemetry (no-op API)'],
    ]) {
      const engine = find('Converse, simulator', key);
      rows.push(
        row(
          `1. added per Converse request, ${label}`,
          '<= 200 µs',
          `${engine.addedUs} µs`,
          engine.addedUs <= 200,
        ),
      );
    }
    const stream = find('ConverseStream', 'converse');
    rows.push(
      row(
        '1. added to time to first token, ha.converseStream',
        '<= 200 µs',
        `${stream.addedUs} µs`,
        stream.addedUs <= 200,
      ),
    );
  }
  if (failover) {
    rows.push(
      row(
        '2. failover, beyond the two calls it makes',
        '<= 2 ms',
        `${failover.failoverAddedMs} ms`,
        failover.failoverAddedMs <= 2,
      ),
    );
    rows.push(
      row(
        '2. skipping an endpoint whose breaker is open',
        '< 0.1 ms',
        `${failover.skipAddedMs} ms`,
        failover.skipAddedMs < 0.1,
      ),
    );
  }
  if (memory) {
    // Judged on the breaker-off run, where every request really fails over; the default breaker's
    // run (most requests skip the primary) is shown beside it.
    for (const run of memory.runs) {
      const perRequest = run.bytesPerRequestSecondHalf;
      const judged = run.breaker === 'off';
      rows.push(
        row(
          `3. heap growth per request, last half of ${run.requests} requests, breaker ${run.breaker}` +
            (judged ? ' (every request fails over)' : ' (not judged: most requests skip)'),
          judged ? 'flat (< 100 B/request)' : '(shown only)',
          `${perRequest} B/request (${run.heapStartMB} -> ${run.heapEndMB} MB)`,
          perRequest < 100,
        ),
      );
    }
  }
  if (gateway) {
    // Judged: our server like-for-like (breaker off, one attempt per endpoint, as Portkey's
    // fallback). Our default (breaker on) is a separate figure: in the failover scenario its breaker
    // stops calling the throttled region, work Portkey keeps doing, so it is not a like-for-like
    // comparison and is not held against the target.
    for (const result of gateway.results.filter((entry) => entry.throughputRatio !== undefined)) {
      const [low, high] = result.throughputRatioRange;
      rows.push(
        row(
          `4. gateway req/s vs Portkey, ${result.scenario}, ${result.judged ? 'like-for-like' : 'with breaker (our default, not judged)'}`,
          result.judged ? '>= 1.5x' : '(shown only)',
          `${result.throughputRatio}x (rounds ${low}-${high}x; ${result.requestsPerSecond} req/s, p99 ${result.p99Ms} ms; ${result.cpuAdvantage}x less CPU/request)`,
          result.throughputRatio >= 1.5,
        ),
      );
    }
  }
  if (lambda) {
    rows.push(row('5. Lambda bundle size', '<= 1.5 MB', `${lambda.bundleMB} MB`, lambda.bundleMB <= 1.5));
    rows.push(
      row(
        '5. Lambda cold init (import + engine), median',
        '<= 150 ms',
        `${lambda.initMs} ms (CPU ${lambda.initCpuMs} ms)`,
        lambda.initMs <= 150,
      ),
    );
    rows.push(
      row(
        '5. Lambda cold init over the bundled bare SDK client (floor), median of pairs (precompiled config, as deployed)',
        '<= 25 ms',
        `${lambda.initOverFloorMs} ms (CPU ${lambda.initCpuOverFloorMs} ms; floor ${lambda.sdkFloorInitMs} ms)`,
        lambda.initOverFloorMs <= 25,
      ),
    );
    if (lambda.notPrecompiledInitOverFloorMs !== undefined)
      rows.push(
        row(
          '5. Lambda cold init over the floor, configuration not precompiled (validated at init)',
          '(shown only)',
          `${lambda.notPrecompiledInitOverFloorMs} ms (CPU ${lambda.notPrecompiledInitCpuOverFloorMs} ms)`,
          true,
        ),
      );
  }
  if (adaptive) {
    rows.push(
      row(
        `7. adaptive routing: share to the fast region, one region ${adaptive.slowMs} ms slower`,
        '>= 80%',
        `${Math.round(adaptive.adaptive.fastShare * 100)}%`,
        adaptive.adaptive.fastShare >= 0.8,
      ),
    );
    rows.push(
      row(
        '7. adaptive routing: p50 / ordered p50 (slow region listed first)',
        '< 1x',
        `${adaptive.p50Ratio}x (${adaptive.adaptive.p50Ms} vs ${adaptive.ordered.p50Ms} ms)`,
        adaptive.p50Ratio < 1,
      ),
    );
    rows.push(
      row(
        '7. adaptive routing: rebalance after the slow region recovers (and the other slows)',
        '<= 5 s',
        adaptive.rebalanceMs === undefined ? 'not within 30 s' : `${adaptive.rebalanceMs} ms`,
        adaptive.rebalanceMs !== undefined && adaptive.rebalanceMs <= 5_000,
      ),
    );
  }
  if (capacity) {
    const { admission, reactive } = capacity.modes;
    rows.push(
      row(
        `8. throttled PT attempts with admission / reactive, 3x the PT's capacity, ${capacity.seconds} s`,
        '<= 10%',
        `${capacity.throttledRatioPct}% (${admission.ptThrottled} vs ${reactive.ptThrottled})`,
        capacity.throttledRatioPct <= 10,
      ),
    );
    rows.push(
      row(
        '8. failed requests with admission',
        '0',
        `${admission.failed} of ${admission.requests}`,
        admission.failed === 0,
      ),
    );
    rows.push(
      row(
        "8. PT utilization with admission (tokens used / its rate's worth)",
        '>= 90%',
        `${admission.ptUtilizationPct}% (reactive ${reactive.ptUtilizationPct}%)`,
        admission.ptUtilizationPct >= 90,
      ),
    );
    rows.push(
      row(
        '8. p99 latency with admission / reactive',
        '< 1x',
        `${capacity.p99RatioVsReactive}x (${admission.latency.p99Ms} vs ${reactive.latency.p99Ms} ms)`,
        capacity.p99RatioVsReactive < 1,
      ),
    );
    rows.push(
      row(
        "8. admission's own cost (estimate + reserve + settle), CPU per request",
        '<= 20 µs',
        `${capacity.admissionCostUs} µs`,
        capacity.admissionCostUs <= 20,
      ),
    );
  }
  if (affinity) rows.push(...cacheAffinityRows(affinity));
  if (limits) rows.push(...limitRows(limits));
  rows.push(...overheadRows({ overhead, failover, inFlight }));
  if (fleet) rows.push(...fleetRows(fleet));
  return rows;
}

/** Issue 18.2's cache affinity: prompt-cache hits of multi-turn sessions, and the return home. */
function cacheAffinityRows({ sessions, turns, affinity, weighted, hitRateRatio, failover }) {
  const workload = `${sessions} sessions x ${turns} turns, 3 endpoints`;
  return [
    row(
      `10. cache affinity: turns after the first that read their conversation's cache, ${workload}`,
      '>= 80%',
      `${Math.round(affinity.hitRate * 100)}% (weighted spreading ${Math.round(weighted.hitRate * 100)}%)`,
      affinity.hitRate >= 0.8,
    ),
    row(
      '10. cache affinity: hit rate with affinity / with weighted spreading',
      '>= 2x',
      `${hitRateRatio}x (cached share of prompt tokens ${affinity.cachedTokenShare} vs ${weighted.cachedTokenShare})`,
      hitRateRatio >= 2,
    ),
    row(
      `10. cache affinity: sessions back on their home after it stops throttling`,
      '100%',
      `${Math.round(failover.returnedHome * 100)}% of ${failover.homedSessions}, the first ${failover.returnMs} ms after recovery`,
      failover.returnedHome === 1,
    ),
    row(
      '10. cache affinity: first request back home after it stops throttling',
      '<= breaker cool-down + 1 s',
      failover.returnMs === undefined
        ? 'never (within 15 s)'
        : `${failover.returnMs} ms (cool-down ${failover.halfOpenAfterMs} ms); ${Math.round(failover.homeCacheReadOnReturn * 100)}% read the home's cache`,
      failover.returnMs !== undefined && failover.returnMs <= failover.halfOpenAfterMs + 1_000,
    ),
    row(
      '10. cache affinity: outage turns after the first that read the stand-in cache',
      '>= 80%',
      `${Math.round(failover.outageHitRateAfterFirst * 100)}% (${failover.outageStandInsPerSession} stand-ins per session)`,
      failover.outageHitRateAfterFirst >= 0.8,
    ),
  ];
}
