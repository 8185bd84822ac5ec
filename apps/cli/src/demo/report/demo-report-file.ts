import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { BedrockHA, EndpointRef } from '@bedrock-ha/core';
import { CliError, ExitCode } from '../../exit-code.js';
import { reportPage } from './report-page.js';
import { ReportRecorder } from './report-recorder.js';

/** A run being recorded for `--report FILE.html`. */
export interface DemoReport {
  /** Stops recording and writes the page; resolves with the absolute path written. */
  write(details: Record<string, string>): Promise<string>;
  /** Stops recording without writing. */
  stop(): void;
}

/**
 * Checks that the report can be written before the run starts (its folder exists and is
 * writable, it is not a folder itself), then records the engine's events until `write`.
 */
export async function startDemoReport(path: string, ha: BedrockHA): Promise<DemoReport> {
  const file = resolve(path);
  const folder = dirname(file);
  try {
    await access(folder, constants.W_OK);
  } catch (error) {
    throw new CliError(
      `cannot write the report to ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'its folder does not exist' : 'its folder is not writable'}`,
      ExitCode.usage,
      'pass --report a path in an existing, writable folder',
    );
  }
  if (
    await stat(file).then(
      (found) => found.isDirectory(),
      () => false,
    )
  ) {
    throw new CliError(
      `cannot write the report to ${file}: it is a folder`,
      ExitCode.usage,
      'pass --report a file name, such as demo.html',
    );
  }
  const chain: EndpointRef[] = ha
    .health()
    .map(({ endpointId, region, kind, modelId }) => ({ endpointId, region, kind, modelId }));
  const recorder = new ReportRecorder(ha, chain);
  return {
    async write(details) {
      const data = recorder.data('bedrock-ha demo report', details);
      await writeFile(file, reportPage(data));
      return file;
    },
    stop: () => recorder.stop(),
  };
}
