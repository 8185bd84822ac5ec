import { type Simulator, type SimulatorOptions, startSimulator } from '@bedrock-ha/simulator';
import { afterEach } from 'vitest';
import { SIMULATOR } from './simulator-setup.js';

/** What a test file starts, closed for it after each test. */
export interface TestResources {
  /** Starts a simulator ({@link SIMULATOR} by default) that closes after the test. */
  simulator(options?: SimulatorOptions): Promise<Simulator>;
  /** Registers a cleanup to run after the test; cleanups run in reverse order. */
  defer(cleanup: () => Promise<void> | void): void;
}

/**
 * Closes what each test started after it, in reverse order, so a failed assertion never leaves a
 * socket or a timer open. Call once at the top of a test file.
 */
export function testResources(): TestResources {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    async simulator(options = SIMULATOR) {
      const sim = await startSimulator(options);
      cleanups.push(() => sim.close());
      return sim;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
  };
}
