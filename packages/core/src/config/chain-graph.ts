import type { Endpoint } from '../chain/endpoint.js';
import type { BedrockHAConfig } from './config-schema.js';
import { resolveConfig } from './resolve-config.js';
import { type ChainWorstCase, chainWorstCase } from './worst-case.js';

/** Something in a configuration's fallback graph that is valid but cannot do what it seems to. */
export interface ChainGraphFinding {
  readonly kind: 'duplicate-endpoint' | 'unreferenced-endpoint' | 'cycle' | 'deadline-exceeded';
  /** Where, as a dotted path (`chains.main.endpoints.1`). */
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

/**
 * The fallback graph: each node's successors. Nodes are `chain:<name>` and `endpoint:<id>`; a
 * chain points at what it lists. Chains list endpoints only today; a chain that referred to
 * another chain would add a `chain:` successor, and {@link findCycles} would see through it.
 */
export type ChainGraph = ReadonlyMap<string, readonly string[]>;

/** What {@link checkChainGraph} found, with the worst case of every chain. */
export interface ChainGraphReport {
  /** Warnings: the configuration runs, but some fallbacks cannot help. */
  readonly findings: readonly ChainGraphFinding[];
  /** Cycles of the graph, each as its nodes in order (none while chains list only endpoints). */
  readonly cycles: readonly (readonly string[])[];
  readonly chains: readonly ChainWorstCase[];
}

/**
 * Checks a configuration's fallback graph, without running anything: endpoints that serve the
 * same model in the same place twice in one chain (the second cannot help when the first is
 * throttled or down), shared endpoints no chain refers to, cycles, and each chain's worst-case
 * attempts and time against its deadline. No endpoint can stop a chain from failing over (every
 * endpoint error and exhausted retry moves on), so no endpoint is unreachable by position; one
 * can be unreachable in time, which the deadline finding says.
 * @throws ConfigError when the configuration itself is invalid (as {@link resolveConfig}).
 */
export function checkChainGraph(input: BedrockHAConfig | unknown, source?: string): ChainGraphReport {
  const resolved = resolveConfig(input, source);
  const config = input as BedrockHAConfig;
  const findings: ChainGraphFinding[] = [];
  const graph = new Map<string, string[]>();
  for (const chain of resolved.chains.values()) {
    graph.set(
      `chain:${chain.name}`,
      chain.endpoints.map((endpoint) => `endpoint:${endpoint.id}`),
    );
    findings.push(...duplicates(chain.name, chain.endpoints));
  }
  const referenced = new Set(
    Object.values(config.chains).flatMap((chain) =>
      chain.endpoints.filter((entry): entry is string => typeof entry === 'string'),
    ),
  );
  for (const id of Object.keys(config.endpoints ?? {}))
    if (!referenced.has(id))
      findings.push({
        kind: 'unreferenced-endpoint',
        path: `endpoints.${id}`,
        message: `is defined but no chain refers to it, so no request can reach it`,
        fix: `add "${id}" to a chain's endpoints, or delete it`,
      });
  const cycles = findCycles(graph);
  for (const cycle of cycles)
    findings.push({
      kind: 'cycle',
      path: cycle[0]!.replace(/^chain:/, 'chains.'),
      message: `falls back to itself: ${cycle.join(' -> ')}`,
      fix: 'remove one reference of the cycle',
    });
  const chains = [...resolved.chains.values()].map(chainWorstCase);
  for (const worst of chains) findings.push(...deadlineFindings(worst, config));
  return { findings, cycles, chains };
}

/**
 * What makes two endpoints the same place: region, model, service tier (when the endpoint has
 * one) and account. Another account (a profile, credentials or endpoint URL of its own) has
 * quotas of its own, so falling back to it can help.
 */
function placeOf(endpoint: Endpoint): string {
  const { client } = endpoint;
  const tier = (endpoint as { readonly serviceTier?: unknown }).serviceTier;
  return JSON.stringify([
    endpoint.region,
    endpoint.modelId,
    tier ?? null,
    client.endpoint ?? null,
    client.profile ?? null,
    client.credentials?.accessKeyId ?? null,
  ]);
}

function duplicates(chain: string, endpoints: readonly Endpoint[]): ChainGraphFinding[] {
  const first = new Map<string, Endpoint>();
  const findings: ChainGraphFinding[] = [];
  for (const [index, endpoint] of endpoints.entries()) {
    const place = placeOf(endpoint);
    const earlier = first.get(place);
    if (!earlier) {
      first.set(place, endpoint);
      continue;
    }
    findings.push({
      kind: 'duplicate-endpoint',
      path: `chains.${chain}.endpoints.${index}`,
      message: `"${endpoint.id}" serves ${endpoint.modelId} in ${endpoint.region} like "${earlier.id}" before it: when that one throttles or fails, this one will too`,
      fix: 'fall back to another region, model or account, or remove it',
    });
  }
  return findings;
}

function deadlineFindings(worst: ChainWorstCase, config: BedrockHAConfig): ChainGraphFinding[] {
  const { deadlineMs } = worst;
  if (deadlineMs === undefined) return [];
  const path =
    config.chains[worst.chain]?.deadlineMs === undefined ? 'deadlineMs' : `chains.${worst.chain}.deadlineMs`;
  const total = worst.endpoints.length;
  const findings: ChainGraphFinding[] = [];
  const modes = [
    ['a request', worst.unaryMs, worst.reachableEndpoints, 'timeouts.attemptMs'],
    [
      "a stream's first content",
      worst.streamFirstTokenMs,
      worst.streamReachableEndpoints,
      'timeouts.firstTokenMs',
    ],
  ] as const;
  for (const [what, worstMs, reachable, timeout] of modes) {
    if (worstMs <= deadlineMs) continue;
    findings.push({
      kind: 'deadline-exceeded',
      path,
      message: `chain "${worst.chain}": the worst case of ${what} is ${formatMs(worstMs)} (${worst.attempts} attempts), past the ${formatMs(deadlineMs)} deadline: ${reachable} of ${total} endpoint${total === 1 ? '' : 's'} can be reached within it`,
      fix: `lower ${timeout} or retry.maxAttempts so every endpoint gets its turn, or raise the deadline`,
    });
  }
  return findings;
}

/** A duration for people: `850 ms`, `30 s`, `2.5 s`. */
export function formatMs(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  return `${Number((ms / 1_000).toFixed(1))} s`;
}

/**
 * Every cycle of a directed graph, each once, as the nodes from where the walk entered it back
 * to just before that node again. Depth-first, iterative (no recursion limit on long chains).
 */
export function findCycles(graph: ChainGraph): string[][] {
  const done = new Set<string>();
  const cycles: string[][] = [];
  for (const root of graph.keys()) {
    if (done.has(root)) continue;
    const path: string[] = [];
    const onPath = new Set<string>();
    const stack: { node: string; next: number }[] = [{ node: root, next: 0 }];
    path.push(root);
    onPath.add(root);
    while (stack.length > 0) {
      const top = stack.at(-1)!;
      const successors = graph.get(top.node) ?? [];
      if (top.next >= successors.length) {
        stack.pop();
        path.pop();
        onPath.delete(top.node);
        done.add(top.node);
        continue;
      }
      const successor = successors[top.next++]!;
      if (onPath.has(successor)) cycles.push(path.slice(path.indexOf(successor)));
      else if (!done.has(successor)) {
        stack.push({ node: successor, next: 0 });
        path.push(successor);
        onPath.add(successor);
      }
    }
  }
  return cycles;
}
