// Starts the simulator in its own process (bench/simulator-server.mjs), so the benchmark process
// measures only the client side; faults go through the simulator's admin API.
import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** Quotas high enough that nothing throttles unless a fault says so. */
export const UNLIMITED = { requestsPerMinute: 1e12, tokensPerMinute: 1e15, maxConcurrent: 1e6 };

/** Starts a simulator process with `options` (default: on-demand quotas lifted). */
export async function startSimulatorProcess(options = { quotas: { onDemand: UNLIMITED } }) {
  const script = new URL('./simulator-server.mjs', import.meta.url).pathname;
  const child = spawn(process.execPath, [script, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = await once(child.stdout, 'data');
  const { url, pid } = JSON.parse(String(line));
  const admin = async (method, path, body) => {
    const response = await fetch(`${url}/_simulator/${path}`, { method, body: body && JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator admin ${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    url,
    pid,
    admin,
    addFault: async (rule) => (await admin('POST', 'faults', rule)).id,
    removeFault: (id) => admin('DELETE', `faults/${encodeURIComponent(id)}`),
    clearFaults: () => admin('DELETE', 'faults'),
    stop: () => {
      child.kill('SIGTERM');
      return once(child, 'exit');
    },
  };
}
