// Figure 9 (issue 17): the fleet benchmark's table, and its figures against their targets.

const row = (figure, target, measured, met) => ({ figure, target, measured, met: met ? 'yes' : 'NO' });

/** Rows of fleet-state.mjs's result. */
export function fleetRows(fleet) {
  const rows = [];
  const { modes, latency } = fleet;
  const at = `${fleet.instances} instances, 3x the PT's capacity, ${fleet.seconds} s`;
  const independent = modes['reactive, independent'];
  const shared = modes['reactive, shared'];
  if (independent && shared)
    rows.push(
      row(
        `9. breaker only: throttled PT attempts, shared on Redis vs independent, ${at}`,
        '>= 50% fewer',
        `${fleet.throttledReductionPct}% fewer (${shared.ptThrottled} vs ${independent.ptThrottled}; PT utilization ${shared.ptUtilizationPct}% vs ${independent.ptUtilizationPct}%)`,
        fleet.throttledReductionPct >= 50,
      ),
    );
  const admission = modes['admission, shared'];
  if (admission) {
    rows.push(
      row(
        `9. with admission, shared on Redis: PT utilization (tokens used / its rate's worth), ${at}`,
        '>= 90%',
        `${admission.ptUtilizationPct}%`,
        admission.ptUtilizationPct >= 90,
      ),
    );
    rows.push(
      row(
        '9. with admission, shared on Redis: PT attempts throttled',
        '<= 5%',
        `${admission.ptThrottledPct}% (${admission.ptThrottled} of ${admission.ptSent}; ${admission.ptSpilled} spilled to on-demand)`,
        admission.ptThrottledPct <= 5,
      ),
    );
  }
  const reference = modes['admission, independent'];
  if (reference)
    rows.push(
      row(
        '9. with admission, independent (each instance admits the whole capacity; reference)',
        '(shown only)',
        `PT utilization ${reference.ptUtilizationPct}%, ${reference.ptThrottledPct}% of PT attempts throttled (${reference.ptThrottled} of ${reference.ptSent})`,
        true,
      ),
    );
  const modeNames = Object.keys(modes);
  const failed = modeNames.reduce((sum, mode) => sum + modes[mode].failed, 0);
  const requests = modeNames.reduce((sum, mode) => sum + modes[mode].requests, 0);
  rows.push(
    row(`9. failed requests, all ${modeNames.length} modes`, '0', `${failed} of ${requests}`, failed === 0),
  );
  for (const [mode, result] of Object.entries(modes).filter(
    ([, result]) => result.redisCommandsSentPerRequest,
  ))
    rows.push(
      row(
        `9. Redis commands per request under load, ${mode}`,
        '(shown only)',
        `${result.redisCommandsSentPerRequest} sent, ${result.redisCommandsRunPerRequest} run by Redis (with those inside Lua); ${result.storeFallbacks} answered locally`,
        true,
      ),
    );
  if (latency) {
    for (const mode of ['reactive', 'admission']) {
      const { sent, run } = latency.commandsPerServedRequest[mode];
      const added = latency.addedMs[mode];
      rows.push(
        row(
          `9. added latency per request, Redis on loopback vs memory, ${mode} (p50 of paired differences)`,
          '<= 0.5 ms',
          `${added} ms (p50 ${latency.engines[`${mode}, redis`].p50Ms} vs ${latency.engines[`${mode}, memory`].p50Ms} ms; ${sent} commands sent, ${run} run per request)`,
          added <= 0.5,
        ),
      );
    }
  }
  return rows;
}

/** Prints fleet-state.mjs's result. */
export function printFleetState(result) {
  console.log(
    `\n9. Fleet-wide state: ${result.instances} instances in separate processes, ${result.requestsPerSecond} req/s in all ` +
      `(3x the PT's ${result.tokensPerMinute} tokens/min at ~${result.tokensPerRequest} tokens/request) for ${result.seconds} s\n`,
  );
  console.table(
    Object.entries(result.modes).map(
      ([mode, { latency, storeCallsPerRequest, redisCommandsRun, ...row }]) => ({
        mode,
        ...row,
        ...latency,
      }),
    ),
  );
  const { latency } = result;
  console.log(
    `breaker only: ${result.throttledReductionPct}% fewer throttled PT attempts shared than independent`,
  );
  console.log(`\nOne request at a time, ${latency.rounds} rounds, the simulator answering at once (ms):\n`);
  console.table(latency.engines);
  console.log('added by Redis (median of paired differences, ms):', latency.addedMs);
  console.log('Redis commands per served request:', latency.commandsPerServedRequest);
  console.log('single store calls (ms):', latency.storeCallMs);
}
