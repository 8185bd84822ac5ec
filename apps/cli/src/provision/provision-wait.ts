import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BedrockClient,
  GetProvisionedModelThroughputCommand,
  type GetProvisionedModelThroughputCommandOutput,
} from '@aws-sdk/client-bedrock';
import { CliError, ExitCode } from '../exit-code.js';
import type { Output } from '../output.js';

/** Options of {@link waitForInService}. */
export interface WaitOptions {
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly signal: AbortSignal;
  readonly output: Output;
}

const SPINNER = ['|', '/', '-', '\\'];

/**
 * Polls a Provisioned Throughput until it is InService. Shows progress on stderr: one line that
 * updates in place on a terminal, a line per status change otherwise (logs, CI). A `Failed` status
 * or the timeout is a failed command (exit code 1) that says what to do next.
 */
export async function waitForInService(
  client: BedrockClient,
  call: <R>(run: () => Promise<R>) => Promise<R>,
  id: string,
  options: WaitOptions,
): Promise<GetProvisionedModelThroughputCommandOutput> {
  const started = performance.now();
  const interactive = process.stderr.isTTY === true && !options.output.json;
  let lastStatus: string | undefined;
  for (let tick = 0; ; tick++) {
    const pt = await call(() =>
      client.send(new GetProvisionedModelThroughputCommand({ provisionedModelId: id }), {
        abortSignal: options.signal,
      }),
    );
    const elapsedSeconds = Math.round((performance.now() - started) / 1000);
    const status = pt.status ?? 'unknown';
    if (interactive) {
      process.stderr.write(
        `\r${SPINNER[tick % SPINNER.length]} ${id}: ${status} (${elapsedSeconds} s)\u001b[K`,
      );
    } else if (status !== lastStatus) {
      options.output.note(`${id}: ${status} (${elapsedSeconds} s)`);
    }
    lastStatus = status;
    if (status === 'InService') {
      if (interactive) process.stderr.write('\n');
      return pt;
    }
    if (status === 'Failed') {
      if (interactive) process.stderr.write('\n');
      throw new CliError(
        `${id} failed to provision: ${pt.failureMessage ?? 'no reason given'}`,
        ExitCode.failed,
        `delete it (bedrock-ha provision delete ${id} --yes) and create it again, or check your quota for model units`,
      );
    }
    const remaining = options.timeoutMs - (performance.now() - started);
    if (remaining <= 0) {
      if (interactive) process.stderr.write('\n');
      throw new CliError(
        `${id} is still ${status} after ${Math.round(options.timeoutMs / 1000)} s`,
        ExitCode.failed,
        `run bedrock-ha provision wait ${id} again, or raise --timeout; creation can take 20 minutes or more`,
      );
    }
    await sleep(Math.min(options.pollIntervalMs, remaining), undefined, { signal: options.signal });
  }
}
