import { redactSecrets } from './redact.js';

/** An error as the CLI shows it: what went wrong, and how to fix it. */
export interface ErrorDescription {
  readonly message: string;
  readonly hint?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/** The errno-style code of an error or of its cause (the SDK wraps socket errors). */
export function networkCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  const message = error instanceof Error ? error.message : '';
  return [...NETWORK_CODES].find((code) => message.includes(code));
}

/** True when the SDK's credential chain found nothing. */
export function isMissingCredentials(error: unknown): boolean {
  const { name, message } = error as { name?: string; message?: string };
  return name === 'CredentialsProviderError' || /Could not load credentials/i.test(message ?? '');
}

/**
 * Explains an AWS SDK or network error in the CLI's words, from the error's name, message and
 * code. The message is redacted: AWS quotes the Authorization header (the access key id and the
 * signature) in IncompleteSignatureException.
 */
export function describeAwsError(error: unknown, target?: string): ErrorDescription {
  const name = (error as { name?: string }).name ?? 'Error';
  const message = redactSecrets(error instanceof Error ? error.message : String(error));
  if (isMissingCredentials(error)) {
    return {
      message: 'no AWS credentials found',
      hint: 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile <name>, or run `aws configure` / `aws sso login`',
    };
  }
  if (/Region is missing/i.test(message)) {
    return { message: 'no AWS region configured', hint: 'pass --region <region> or set AWS_REGION' };
  }
  const code = networkCode(error);
  if (code !== undefined) {
    return {
      message: `cannot reach ${target ?? 'the endpoint'} (${code})`,
      hint: 'check --endpoint-url and --region, your network and proxy settings; a simulator must be running',
    };
  }
  const hints: Record<string, string> = {
    AccessDeniedException:
      'grant the IAM action and request model access in the Bedrock console (Model access page)',
    UnrecognizedClientException:
      'the credentials are not valid: check the access key, or refresh the session',
    ExpiredTokenException: 'the session has expired: refresh it (`aws sso login`)',
    ResourceNotFoundException: 'check the id or ARN and the region (`bedrock-ha provision list`)',
    ThrottlingException: 'slow down, or add capacity: more model units or another endpoint in the chain',
    ValidationException: 'check the request and the model id',
  };
  if (name === 'ThrottlingException' && /per day/i.test(message))
    hints[name] =
      'the daily token quota is spent until its window resets (UTC midnight); bedrock-ha parks the endpoint until then. Ask AWS for a higher tokens-per-day quota, or add another endpoint to the chain';
  if (name === 'ValidationException' && /\btier\b.*\bnot supported\b|reservation not found/i.test(message))
    hints[name] =
      'the model or region does not offer this service tier: change or remove the endpoint’s serviceTier';
  const hint = hints[name];
  return hint === undefined ? { message: `${name}: ${message}` } : { message: `${name}: ${message}`, hint };
}
