/**
 * Hides credentials in text the CLI prints. AWS repeats the request's Authorization header in
 * some errors (IncompleteSignatureException), which names the access key id and the signature.
 */
const PATTERNS: readonly RegExp[] = [
  /Credential=[^,\s']*/g,
  /Signature=[0-9a-f]+/g,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
];

const secrets = new Set<string>();

/**
 * Adds a value that must never be printed, such as a secret access key from the configuration.
 * Values shorter than four characters are ignored: hiding them would mangle ordinary words.
 */
export function registerSecret(value: string | undefined): void {
  if (value !== undefined && value.length >= 4) secrets.add(value);
}

/** The text with every credential pattern, registered secret and AWS_* credential variable replaced. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let redacted = text;
  for (const pattern of PATTERNS) {
    redacted = redacted.replace(pattern, (match) =>
      match.startsWith('Credential=')
        ? 'Credential=[redacted]'
        : match.startsWith('Signature=')
          ? 'Signature=[redacted]'
          : '[redacted]',
    );
  }
  const known = [...secrets, env.AWS_ACCESS_KEY_ID, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN].filter(
    (value): value is string => value !== undefined && value.length >= 4,
  );
  for (const secret of known) redacted = redacted.split(secret).join('[redacted]');
  return redacted;
}
