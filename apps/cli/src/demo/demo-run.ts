import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BedrockHA, BedrockHAError, createBedrockHA, type EndpointRef } from '@bedrock-ha/core';
import type { SimulatorOptions } from '@bedrock-ha/simulator';
import { loadScenario, type Simulator, startSimulator } from '@bedrock-ha/simulator';
import pc from 'picocolors';
import { CliError, ExitCode } from '../exit-code.js';
import type { Output } from '../output.js';
import { DemoRecorder } from './demo-recorder.js';
import { eventLine, type PrimaryUse, requestLine, summaryText } from './demo-report.js';
import { ask } from './demo-request.js';
import {
  DEMO_POLICY_TEXT,
  DEMO_PROMPT,
  DEMO_STREAM_PROMPT,
  demoConfig,
  PRIMARY_ID,
  seedScenarioPath,
} from './demo-setup.js';
import { type DemoReport, startDemoReport } from './report/demo-report-file.js';

/** The demo's options, as `bedrock-ha demo` parses them. */
export interface DemoOptions {
  readonly requests: number;
  readonly concurrency: number;
  readonly interval: number;
  readonly scenario?: string;
  /** Stream the answers (ConverseStream), so that stream faults show. */
  readonly stream?: boolean;
  /** Leave the PT's capacity undeclared: it is found full by being throttled. */
  readonly reactive?: boolean;
  /** Write an HTML report of the run to this file. */
  readonly report?: string;
}

/**
 * Starts the embedded simulator, runs the walkthrough through the engine, prints it and its
 * summary, and closes everything; resolves with the exit code (1 when a request failed).
 */
export async function runDemo(options: DemoOptions, output: Output, signal: AbortSignal): Promise<ExitCode> {
  const scenarioPath = options.scenario ?? seedScenarioPath();
  let scenario: Awaited<ReturnType<typeof loadScenario>>;
  try {
    scenario = await loadScenario(scenarioPath);
  } catch (error) {
    throw new CliError(
      (error as Error).message,
      ExitCode.usage,
      'fix the scenario file, or leave --scenario out',
    );
  }
  // Any free port: the demo must not collide with a simulator the user already runs.
  const simulator = await startSimulator({ ...scenario, port: 0 });
  const ha = createBedrockHA(demoConfig(simulator, options.reactive === true), { telemetry: false });
  let report: DemoReport | undefined;
  try {
    if (options.report !== undefined) report = await startDemoReport(options.report, ha);
    if (!options.stream && streamOnly(scenario)) {
      output.note(
        `Every fault of ${basename(scenarioPath)} hits ConverseStream: add --stream to see them, and the resumed answers.`,
      );
    }
    const code = await walkthrough(ha, simulator, options, scenarioPath, output, signal);
    if (report) {
      const file = await report.write({
        scenario: basename(scenarioPath),
        mode: options.stream ? 'stream' : 'converse',
      });
      output.note(`Report: ${file}`);
    }
    return code;
  } finally {
    report?.stop();
    ha.destroy();
    await simulator.close();
  }
}

/** True when a scenario has faults and each of them hits only ConverseStream. */
function streamOnly(scenario: SimulatorOptions): boolean {
  const faults = scenario.faults ?? [];
  return (
    faults.length > 0 &&
    faults.every((fault) => {
      const operations = [fault.match?.operation ?? []].flat();
      return operations.length > 0 && operations.every((operation) => operation === 'ConverseStream');
    })
  );
}

async function walkthrough(
  ha: BedrockHA,
  simulator: Simulator,
  options: DemoOptions,
  scenarioPath: string,
  output: Output,
  signal: AbortSignal,
): Promise<ExitCode> {
  const endpoints: EndpointRef[] = ha
    .health()
    .map(({ endpointId, region, kind, modelId }) => ({ endpointId, region, kind, modelId }));
  const recorder = new DemoRecorder(ha, endpoints, (event) => {
    const line = eventLine(event, output.verbose);
    if (line !== undefined) output.line(line);
  });
  output.line(pc.bold("bedrock-ha demo: the AWS sample's walkthrough, through the bedrock-ha engine"));
  output.line(`Simulator: ${simulator.url} (scenario: ${basename(scenarioPath)})`);
  output.line(
    `Chain: ${endpoints.map((endpoint) => `${endpoint.endpointId} (${endpoint.kind}, ${endpoint.region})`).join(' -> ')}`,
  );
  output.line(`Using Regions: ${endpoints.map((endpoint) => endpoint.region).join(' and ')}`);
  output.line(`Policy: ${DEMO_POLICY_TEXT}`);
  const declared = ha.health()[0]?.capacity?.declared.tokensPerMinute;
  // A scenario without a PT has no capacity to show.
  if (endpoints[0]?.kind === 'provisioned')
    output.line(
      declared === undefined
        ? 'Admission: reactive (the PT is found full when it throttles)'
        : `Admission: ${endpoints[0]?.endpointId} declares ${declared} tokens a minute; requests reserve input + maxTokens and spill to the next endpoint when it is full`,
    );
  const stream = options.stream === true;
  if (stream) {
    output.line(
      'Streaming (ConverseStream): an answer cut mid-way resumes on the next endpoint (resume: true)',
    );
  }
  const prompt = stream ? DEMO_STREAM_PROMPT : DEMO_PROMPT;
  output.line(`Using prompt: ${prompt}`);
  output.line();

  let next = 0;
  const worker = async () => {
    while (next < options.requests && !signal.aborted) {
      const index = next++;
      const startedAtMs = recorder.elapsed();
      const started = performance.now();
      try {
        const answer = await ask(ha, prompt, stream, signal);
        recorder.record({
          index,
          servedBy: answer.servedBy,
          text: answer.text,
          startedAtMs,
          latencyMs: Math.round(performance.now() - started),
          attempts: answer.attempts,
          ...(answer.cuts.length > 0 ? { cuts: answer.cuts } : {}),
        });
      } catch (error) {
        if (signal.aborted) break;
        recorder.record({
          index,
          servedBy: undefined,
          text: '',
          startedAtMs,
          latencyMs: Math.round(performance.now() - started),
          attempts: BedrockHAError.isInstance(error) ? error.attempts.length : 0,
          error: (error as Error).message,
        });
      }
      const request = recorder.requests.at(-1);
      if (request) output.line(requestLine(request));
      const wait = options.interval - (performance.now() - started);
      if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  recorder.dispose();
  const summary = { ...recorder.summary(), primary: primaryUse(simulator, recorder.elapsed()) };

  if (output.json) {
    output.result({
      simulator: { url: simulator.url, scenario: scenarioPath },
      chain: endpoints,
      prompt,
      stream,
      requests: recorder.requests.map((request) => ({
        ...request,
        servedBy: request.servedBy?.endpointId,
        ...(request.cuts === undefined
          ? {}
          : { cuts: request.cuts.map((cut) => ({ ...cut, endpoint: cut.endpoint.endpointId })) }),
      })),
      events: recorder.events.map((event) =>
        event.type === 'failover'
          ? { ...event, from: event.from.endpointId, to: event.to?.endpointId }
          : { ...event, endpoint: event.endpoint.endpointId },
      ),
      summary,
      simulatorCounters: simulator.counters(),
    });
  } else {
    output.line();
    output.line(summaryText(summary, options.concurrency, summary.primary));
  }
  if (signal.aborted) return ExitCode.failed;
  return summary.failed > 0 ? ExitCode.failed : ExitCode.ok;
}

/**
 * The PT's use over the demo: the tokens the simulator counted as used on it, against what it
 * could serve in that time: its bucket, full at the start (`burstSeconds` of its rate), plus what
 * its rate refilled. `undefined` when the scenario has no PT.
 */
function primaryUse(simulator: Simulator, durationMs: number): PrimaryUse | undefined {
  const pt = simulator.provisionedThroughputs().find((each) => each.status === 'InService');
  if (pt?.tokensPerMinute === undefined) return undefined;
  const usedTokens = simulator.capacity()[`provisioned:${pt.arn}`]?.usedTokens ?? 0;
  const burstTokens = (pt.tokensPerMinute * pt.burstSeconds) / 60;
  const refilledTokens = (pt.tokensPerMinute * durationMs) / 60_000;
  // Rounded before the percentage, so that the printed "N% of M tokens" is its own arithmetic.
  const allowedTokens = Math.round(burstTokens + refilledTokens);
  return {
    endpointId: PRIMARY_ID,
    tokensPerMinute: pt.tokensPerMinute,
    durationMs,
    burstTokens: Math.round(burstTokens),
    refilledTokens: Math.round(refilledTokens),
    allowedTokens,
    usedTokens,
    utilizationPercent: allowedTokens > 0 ? Math.round((usedTokens / allowedTokens) * 100) : 0,
  };
}
