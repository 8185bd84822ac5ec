// Runs @bedrock-ha/server (apps/server, built) in its own process for the gateway benchmark.
// Argument: the simulator's URL. Prints `{ url }` as one JSON line, then serves until SIGTERM.
import { startServer } from '../apps/server/dist/index.js';

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const simulatorUrl = process.argv[2];
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  // Per-request logs off and no OpenTelemetry SDK: the peer gateway runs without either too.
  logLevel: 'warn',
  telemetry: false,
  config: {
    client: { endpoint: simulatorUrl, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } },
    chains: {
      haiku: {
        endpoints: [
          { id: 'east', region: 'us-east-1', modelId: HAIKU },
          { id: 'west', region: 'us-west-2', modelId: HAIKU },
        ],
      },
    },
  },
});
console.log(JSON.stringify({ url: server.url }));
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
