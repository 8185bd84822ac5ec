import type { GlobalOptions } from './global-options.js';

/**
 * Credentials the CLI signs with against a local bedrock-ha simulator, which never checks them.
 * Not in any AWS key format, so no one mistakes them for a leaked key.
 */
export const SIMULATOR_CREDENTIALS = { accessKeyId: 'AKIDLOCALSIMULATOR', secretAccessKey: 'not-a-secret' };

/** The region `provision` calls a local simulator in when none is configured: the sample's PT region. */
export const SIMULATOR_REGION = 'us-east-1';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** True when the placeholder credentials are these (doctor names them instead of "static credentials"). */
export function isSimulatorCredentials(credentials: { accessKeyId: string } | undefined): boolean {
  return credentials?.accessKeyId === SIMULATOR_CREDENTIALS.accessKeyId;
}

/**
 * True when the user chose credentials: then they are used even against the simulator. The
 * default profile of ~/.aws is not a choice made for this call, so it does not count.
 */
export function hasExplicitCredentials(globals: GlobalOptions, env = process.env): boolean {
  return globals.profile !== undefined || Boolean(env.AWS_ACCESS_KEY_ID) || Boolean(env.AWS_PROFILE);
}

const answers = new Map<string, Promise<boolean>>();

/**
 * True when `--endpoint-url` is a bedrock-ha simulator on this machine: a loopback URL whose admin
 * API answers. Only loopback URLs are asked, so nothing is sent anywhere the user did not point at,
 * and a proxy or VPC endpoint never gets placeholder credentials.
 */
export function isLocalSimulator(endpointUrl: string | undefined): Promise<boolean> {
  if (endpointUrl === undefined) return Promise.resolve(false);
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    return Promise.resolve(false);
  }
  if (!LOOPBACK_HOSTS.has(url.hostname)) return Promise.resolve(false);
  const known = answers.get(url.origin);
  if (known !== undefined) return known;
  const answer = probe(new URL('/_simulator/health', url.origin));
  answers.set(url.origin, answer);
  return answer;
}

async function probe(health: URL): Promise<boolean> {
  try {
    const response = await fetch(health, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return false;
    const body = (await response.json()) as { ok?: unknown };
    return body.ok === true;
  } catch {
    // Nothing listening, or not the simulator: the SDK's own errors will say what is wrong.
    return false;
  }
}

/**
 * Whether this command should sign with the placeholder credentials: it talks to a local
 * simulator and the user set no credentials of their own.
 */
export async function useSimulatorCredentials(
  globals: GlobalOptions,
  endpointUrl = globals.endpointUrl,
): Promise<boolean> {
  return !hasExplicitCredentials(globals) && (await isLocalSimulator(endpointUrl));
}
