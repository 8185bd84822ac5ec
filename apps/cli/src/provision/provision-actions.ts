import {
  type BedrockClient,
  type CommitmentDuration,
  CreateProvisionedModelThroughputCommand,
  DeleteProvisionedModelThroughputCommand,
  GetProvisionedModelThroughputCommand,
  ListProvisionedModelThroughputsCommand,
  type ProvisionedModelSummary,
} from '@aws-sdk/client-bedrock';
import pc from 'picocolors';
import { confirm } from '../confirm.js';
import {
  controlPlaneCall,
  controlPlaneClient,
  controlPlaneTarget,
  type SimulatorDefaults,
} from '../control-plane-client.js';
import type { GlobalOptions } from '../global-options.js';
import type { Output } from '../output.js';
import { renderTable } from '../table.js';
import { waitForInService } from './provision-wait.js';

const BILLING_REMINDER =
  'Reminder: a Provisioned Throughput is billed every hour (a one-hour minimum) until you delete it: bedrock-ha provision delete';

/** What every provision action works with: one control-plane client, closed by `close()`. */
export class ProvisionSession {
  readonly client: BedrockClient;
  private readonly target: string;

  constructor(
    globals: GlobalOptions,
    readonly output: Output,
    readonly signal: AbortSignal,
    readonly setExitCode: (code: number) => void,
    simulator?: SimulatorDefaults,
  ) {
    this.client = controlPlaneClient(globals, undefined, simulator);
    this.target = controlPlaneTarget(globals);
  }

  /** One control-plane call; a failure becomes a CLI error with a fix. */
  call<R>(run: () => Promise<R>): Promise<R> {
    return controlPlaneCall(this.target, run);
  }

  /** Closes the client's connections. */
  close(): void {
    this.client.destroy();
  }
}

/** Options of `provision create`. */
export interface CreateOptions {
  readonly modelId: string;
  readonly name: string;
  readonly units: number;
  readonly commitment?: string;
}

/** `provision create`. */
export async function createThroughput(session: ProvisionSession, options: CreateOptions): Promise<void> {
  const { output } = session;
  const created = await session.call(() =>
    session.client.send(
      new CreateProvisionedModelThroughputCommand({
        modelId: options.modelId,
        provisionedModelName: options.name,
        modelUnits: options.units,
        ...(options.commitment ? { commitmentDuration: options.commitment as CommitmentDuration } : {}),
      }),
      { abortSignal: session.signal },
    ),
  );
  if (output.json) output.result({ provisionedModelArn: created.provisionedModelArn });
  output.line(`Creating ${options.name}: ${created.provisionedModelArn}`);
  output.line(`Next: bedrock-ha provision wait ${options.name}`);
  output.note(pc.yellow(`${BILLING_REMINDER} ${options.name}`));
}

/** `provision status`. */
export async function showThroughput(session: ProvisionSession, id: string): Promise<void> {
  const { output } = session;
  const pt = await session.call(() =>
    session.client.send(new GetProvisionedModelThroughputCommand({ provisionedModelId: id }), {
      abortSignal: session.signal,
    }),
  );
  const { $metadata: _metadata, ...fields } = pt;
  if (output.json) output.result(fields);
  const units =
    pt.desiredModelUnits !== pt.modelUnits
      ? `${pt.modelUnits} (becoming ${pt.desiredModelUnits})`
      : String(pt.modelUnits ?? '');
  const rows: [string, string][] = [
    ['name', pt.provisionedModelName ?? ''],
    ['status', colourStatus(pt.status)],
    ['arn', pt.provisionedModelArn ?? ''],
    ['model', pt.foundationModelArn ?? pt.modelArn ?? ''],
    ['model units', units],
    ['commitment', pt.commitmentDuration ?? 'none (hourly)'],
    ['created', pt.creationTime?.toISOString() ?? ''],
  ];
  if (pt.failureMessage) rows.push(['failure', pt.failureMessage]);
  output.line(renderTable(['', ''], rows).split('\n').slice(1).join('\n'));
}

/** `provision wait`. */
export async function waitThroughput(
  session: ProvisionSession,
  id: string,
  options: { timeout: number; pollInterval: number },
): Promise<void> {
  const { output } = session;
  const pt = await waitForInService(session.client, (run) => session.call(run), id, {
    timeoutMs: options.timeout * 1000,
    pollIntervalMs: options.pollInterval,
    signal: session.signal,
    output,
  });
  if (output.json) output.result({ provisionedModelArn: pt.provisionedModelArn, status: pt.status });
  output.line(`${pt.provisionedModelName} is ${colourStatus(pt.status)}: ${pt.provisionedModelArn}`);
  output.note(pc.yellow(`${BILLING_REMINDER} ${pt.provisionedModelName}`));
}

/** `provision list`: every page. */
export async function listThroughputs(session: ProvisionSession): Promise<void> {
  const { output } = session;
  const all: ProvisionedModelSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await session.call(() =>
      session.client.send(new ListProvisionedModelThroughputsCommand({ nextToken }), {
        abortSignal: session.signal,
      }),
    );
    all.push(...(page.provisionedModelSummaries ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  if (output.json) output.result(all);
  if (all.length === 0) {
    output.line('No Provisioned Throughput in this region.');
    return;
  }
  output.line(
    renderTable(
      ['name', 'status', 'units', 'commitment', 'arn'],
      all.map((pt) => [
        pt.provisionedModelName ?? '',
        colourStatus(pt.status),
        String(pt.modelUnits ?? ''),
        pt.commitmentDuration ?? 'none',
        pt.provisionedModelArn ?? '',
      ]),
    ),
  );
}

/** `provision delete`, after a confirmation unless `yes`. */
export async function deleteThroughput(session: ProvisionSession, id: string, yes: boolean): Promise<void> {
  const { output } = session;
  if (
    !yes &&
    !(await confirm(`Delete the Provisioned Throughput ${id}? This cannot be undone.`, session.signal))
  ) {
    // Declining is the user's choice, not a failure: exit 0.
    output.note('Not deleted.');
    return;
  }
  await session.call(() =>
    session.client.send(new DeleteProvisionedModelThroughputCommand({ provisionedModelId: id }), {
      abortSignal: session.signal,
    }),
  );
  if (output.json) output.result({ deleted: id });
  output.line(`Deleted ${id}; its hourly billing stops.`);
}

function colourStatus(status: string | undefined): string {
  if (status === 'InService') return pc.green(status);
  if (status === 'Failed') return pc.red(status);
  return pc.yellow(status ?? 'unknown');
}
