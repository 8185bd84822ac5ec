import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the AWS SDK's default chain will look for credentials first, described without reading
 * any secret: only variable names, the profile's name and file paths. Follows the SDK's order:
 * an explicit profile, then environment variables, then the shared files' default profile, then
 * web identity, then the container and instance roles. `origin` names where an explicit profile
 * was set: `--profile`, or the config's `client.profile`.
 */
export function describeCredentialSource(
  profile: string | undefined,
  origin = '--profile',
  env = process.env,
): string {
  const configFile = env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config');
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials');
  const files = [credentialsFile, configFile].filter((file) => existsSync(file));
  const named = profile ?? env.AWS_PROFILE;
  if (named !== undefined) {
    const where = files.length > 0 ? files.join(', ') : `no shared file found (${credentialsFile})`;
    return `profile "${named}" (${profile === undefined ? 'AWS_PROFILE' : origin}; ${where})`;
  }
  if (env.AWS_ACCESS_KEY_ID) {
    return `environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY${env.AWS_SESSION_TOKEN ? ' with AWS_SESSION_TOKEN' : ''}`;
  }
  if (files.length > 0) return `profile "default" in ${files.join(', ')}`;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return 'web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)';
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
    return 'container role (AWS_CONTAINER_CREDENTIALS_*)';
  }
  return 'instance role (EC2 instance metadata), the last place the SDK looks';
}
