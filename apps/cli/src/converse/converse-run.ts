import {
  type Attempt,
  type BedrockHA,
  BedrockHAError,
  createBedrockHA,
  type EndpointRef,
  StreamInterruptedError,
} from '@bedrock-ha/core';
import pc from 'picocolors';
import { attemptJson, renderAttempts } from '../attempts-table.js';
import { THROUGHPUT } from '../demo/demo-report.js';
import { describeAwsError, isMissingCredentials } from '../describe-error.js';
import { resolveEngineConfig } from '../engine-config.js';
import { ExitCode } from '../exit-code.js';
import type { GlobalOptions } from '../global-options.js';
import type { Output } from '../output.js';
import { readPrompt } from '../read-prompt.js';
import type { SeedFlags } from '../seed-chain.js';
import { watchEngine } from '../watch-engine.js';

/** The options of `bedrock-ha converse`. */
export interface ConverseOptions extends SeedFlags {
  readonly chain?: string;
  readonly repeat: number;
  readonly stream?: boolean;
  readonly maxTokens?: number;
}

/** What one request produced, as `--json` prints it. */
interface ConverseOutcome {
  readonly text: string;
  readonly servedBy: EndpointRef;
  readonly attempts: readonly Attempt[];
  readonly stopReason: string | undefined;
  readonly usage: unknown;
  readonly latencyMs: number;
}

/** What the hints need to know about the chain called. */
interface ChainShape {
  readonly name: string;
  readonly endpoints: number;
  readonly resume: boolean;
}

/** Resolves the chain and the prompt, sends the request(s) and prints them; resolves with the exit code. */
export async function runConverse(
  argument: string | undefined,
  options: ConverseOptions,
  globals: GlobalOptions,
  output: Output,
  signal: AbortSignal,
): Promise<ExitCode> {
  const engine = await resolveEngineConfig(globals, options, output);
  const prompt = await readPrompt(argument, signal);
  const ha = createBedrockHA(engine.config, { telemetry: false });
  const unwatch = watchEngine(ha, output);
  const chain = engine.config.chains[engine.chain];
  const shape: ChainShape = {
    name: engine.chain,
    endpoints: chain?.endpoints.length ?? 0,
    resume: chain?.resume === true,
  };
  try {
    return await converse(ha, shape, prompt, options, output, signal);
  } finally {
    unwatch();
    ha.destroy();
  }
}

async function converse(
  ha: BedrockHA,
  shape: ChainShape,
  prompt: string,
  options: ConverseOptions,
  output: Output,
  signal: AbortSignal,
): Promise<ExitCode> {
  const stream = options.stream ?? (process.stdout.isTTY === true && !output.json);
  const input = {
    messages: [{ role: 'user' as const, content: [{ text: prompt }] }],
    ...(options.maxTokens === undefined ? {} : { inferenceConfig: { maxTokens: options.maxTokens } }),
  };
  const chain = shape.name;
  const results: unknown[] = [];
  let failed = 0;
  for (let index = 0; index < options.repeat && !signal.aborted; index++) {
    const prefix = options.repeat > 1 ? `${index}: ` : '';
    const started = performance.now();
    // Whether part of an answer is on stdout: an error after it must start on a new line.
    let written = false;
    const write = (text: string) => {
      written = true;
      output.write(text);
    };
    try {
      const outcome = stream
        ? await streamOnce(ha, chain, input, signal, write, prefix, output)
        : await converseOnce(ha, chain, input, signal);
      const latencyMs = Math.round(performance.now() - started);
      results.push({ ...outcome, attempts: outcome.attempts.map(attemptJson), latencyMs });
      if (stream) output.line();
      else if (options.repeat > 1) output.line(`${index}: ${seedLine(outcome.servedBy)}: ${outcome.text}`);
      else output.line(outcome.text);
      if (!output.json && (options.repeat === 1 || stream))
        output.note(pc.dim(servedLine(outcome.servedBy, outcome.attempts, latencyMs)));
    } catch (error) {
      failed += 1;
      if (written) output.line();
      results.push(reportFailure(error, shape, output, prefix));
    }
  }
  if (output.json) output.result(options.repeat === 1 ? results[0] : results);
  if (signal.aborted) return ExitCode.failed;
  return failed > 0 ? ExitCode.failed : ExitCode.ok;
}

async function converseOnce(
  ha: BedrockHA,
  chain: string,
  input: Parameters<BedrockHA['converse']>[1],
  signal: AbortSignal,
): Promise<Omit<ConverseOutcome, 'latencyMs'>> {
  const result = await ha.converse(chain, input, { signal });
  const text = (result.output?.message?.content ?? []).map((block) => block.text ?? '').join('');
  return {
    text,
    servedBy: result.servedBy,
    attempts: result.attempts,
    stopReason: result.stopReason,
    usage: result.usage,
  };
}

async function streamOnce(
  ha: BedrockHA,
  chain: string,
  input: Parameters<BedrockHA['converseStream']>[1],
  signal: AbortSignal,
  write: (text: string) => void,
  prefix: string,
  output: Output,
): Promise<Omit<ConverseOutcome, 'latencyMs'>> {
  const result = await ha.converseStream(chain, input, { signal });
  let text = '';
  let stopReason: string | undefined;
  let usage: unknown;
  output.write(prefix);
  for await (const event of result.stream) {
    const delta = event.contentBlockDelta?.delta?.text;
    if (delta) {
      text += delta;
      write(delta);
    }
    if (event.messageStop) stopReason = event.messageStop.stopReason;
    if (event.metadata) usage = event.metadata.usage;
  }
  return { text, servedBy: result.servedBy, attempts: result.attempts, stopReason, usage };
}

/** As the AWS sample's script prints it: `From on-demand throughput in us-west-2`. */
function seedLine(servedBy: EndpointRef): string {
  return `From ${THROUGHPUT[servedBy.kind]} in ${servedBy.region}`;
}

function servedLine(servedBy: EndpointRef, attempts: readonly Attempt[], latencyMs: number): string {
  const count = attempts.length === 1 ? '1 attempt' : `${attempts.length} attempts`;
  // The seed flags name their endpoints after their kind: "provisioned (us-east-1)", not "provisioned (provisioned, ...)".
  const kind = servedBy.endpointId === servedBy.kind ? '' : `${servedBy.kind}, `;
  return `served by ${servedBy.endpointId} (${kind}${servedBy.region}) after ${count} in ${latencyMs} ms`;
}

/** How to keep a broken stream's answer, given the chain: resume needs an endpoint after the one that broke. */
function resumeHint(shape: ChainShape): string {
  const where = `chain "${shape.name}"`;
  if (shape.endpoints < 2) {
    return `the stream broke after the answer had started; ${where} has one endpoint, so there is nowhere to continue it: add a second endpoint (another region) and set \`resume: true\` on ${where}`;
  }
  if (!shape.resume) {
    return `the stream broke after the answer had started; set \`resume: true\` on ${where} in the config to continue it on the next endpoint`;
  }
  return `the stream broke after the answer had started, on the last endpoint of ${where} that could continue it; add another endpoint after it`;
}

function reportFailure(error: unknown, shape: ChainShape, output: Output, prefix: string): unknown {
  const chain = shape.name;
  const attempts = BedrockHAError.isInstance(error) ? error.attempts : [];
  const cause = BedrockHAError.isInstance(error) ? (error.cause ?? error) : error;
  // Without credentials every endpoint fails the same way: say that, not "every endpoint failed".
  const heading = isMissingCredentials(cause)
    ? 'no AWS credentials found'
    : error instanceof Error
      ? `${error.name}: ${error.message}`
      : String(error);
  output.note(`${prefix}${pc.red('bedrock-ha: error:')} ${heading}`);
  if (attempts.length > 0) output.note(renderAttempts(attempts));
  // A cut stream is not a network setup problem: the answer had started. Resuming it is the fix.
  const interrupted = error instanceof StreamInterruptedError;
  const hint = interrupted ? resumeHint(shape) : describeAwsError(cause).hint;
  if (hint) output.note(`${pc.dim('hint:')} ${hint}`);
  return {
    error: { name: (error as Error).name, message: heading, chain },
    ...(interrupted ? { partialText: error.partialText } : {}),
    attempts: attempts.map(attemptJson),
  };
}
