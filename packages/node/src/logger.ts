import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';

/** The levels `LOG_LEVEL` and `logLevel` accept, quietest last. */
export const LOG_LEVELS: readonly LevelWithSilent[] = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'silent',
];

/** True when `level` is one of {@link LOG_LEVELS}. */
export function isLogLevel(level: string): level is LevelWithSilent {
  return (LOG_LEVELS as readonly string[]).includes(level);
}

/**
 * The server's JSON logger. The gateway never hands it prompts, completions or keys; the redaction
 * is a second line of defence should a header or key list ever reach a log call.
 */
export function createLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  return pino(
    {
      name: 'bedrock-ha-server',
      level,
      redact: {
        paths: [
          'headers.authorization',
          'headers["x-api-key"]',
          '*.headers.authorization',
          '*.headers["x-api-key"]',
          'apiKeys',
          '*.apiKeys',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
