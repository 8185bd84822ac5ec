// What the capability check costs per request, outside any I/O: deriving the request's needs and
// fitting it to the endpoints the engine tries (the first one served: fit, then the input it gets).
// Standalone: `node bench/capability-gate.mjs [path/to/other/core/dist]` also times another build
// of the core in the same process, interleaved round by round, for a before/after in one window.
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { median } from './percentiles.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const here = new URL('../packages/core/dist/', import.meta.url);
const builds = [['this build', here]];
if (process.argv[2]) builds.push(['other build', pathToFileURL(`${process.argv[2].replace(/\/$/, '')}/`)]);

const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const CHAINS = {
  'haiku-x3': ['us-east-1', 'us-west-2', 'eu-west-1'].map((region) => ({
    id: region,
    region,
    modelId: HAIKU,
  })),
  'mixed-3.5haiku-nova-llama': [
    { id: 'a', region: 'us-east-1', modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0' },
    { id: 'b', region: 'us-east-1', modelId: 'amazon.nova-micro-v1:0' },
    { id: 'c', region: 'us-east-1', modelId: 'meta.llama3-1-70b-instruct-v1:0' },
  ],
};

const text = (bytes) => `${'x'.repeat(bytes - 10)} the end.`;
const turns = (count, bytes) =>
  Array.from({ length: count }, (_, index) => ({
    role: index % 2 === 0 ? 'user' : 'assistant',
    content: [{ text: text(bytes) }],
  }));
const image = new Uint8Array(512 * 1024);
const REQUESTS = {
  'small (2 turns x 200 B)': ['Converse', { messages: turns(2, 200), inferenceConfig: { maxTokens: 512 } }],
  'medium (20 turns x 2 KB)': [
    'Converse',
    { messages: turns(20, 2048), inferenceConfig: { maxTokens: 512 } },
  ],
  'large (100 turns x 8 KB, 781 KiB)': ['Converse', { messages: turns(100, 8192) }],
  'image (512 KiB bytes)': [
    'Converse',
    {
      messages: [
        {
          role: 'user',
          content: [{ text: 'what is this?' }, { image: { format: 'png', source: { bytes: image } } }],
        },
      ],
    },
  ],
  'InvokeModel, base64 image (683 KiB body)': [
    'InvokeModel',
    {
      body: JSON.stringify({
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 512,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this?' },
              {
                type: 'image',
                source: {
                  type: 'base64',
                  media_type: 'image/png',
                  data: Buffer.from(image).toString('base64'),
                },
              },
            ],
          },
        ],
      }),
    },
  ],
};
const [, bytesInput] = REQUESTS['InvokeModel, base64 image (683 KiB body)'];
REQUESTS['InvokeModel, same body as bytes'] = [
  'InvokeModel',
  { body: new TextEncoder().encode(bytesInput.body) },
];

async function load(base) {
  const { resolveConfig } = await import(new URL('config/resolve-config.js', base));
  const gateModule = await import(new URL('capabilities/capability-gate.js', base));
  const chains = resolveConfig({
    chains: Object.fromEntries(Object.entries(CHAINS).map(([name, endpoints]) => [name, { endpoints }])),
  }).chains;
  // The engine's per-request step: a gate when the chain may exclude, fit and input for the first endpoint.
  const step = gateModule.capabilityGate
    ? (chain, operation, input) => {
        const gate = gateModule.capabilityGate(chain, operation, input);
        if (!gate) return input;
        gate.fit(chain.endpoints[0]);
        return gate.inputFor(chain.endpoints[0], input);
      }
    : (chain, operation, input) => {
        const known = chain.endpoints.some((endpoint) => Object.keys(endpoint.capabilities ?? {}).length > 0);
        if (!chain.stripUnsupported?.length && !known) return input;
        const gate = new gateModule.CapabilityGate(chain, operation, input);
        gate.fit(chain.endpoints[0]);
        return gate.inputFor(chain.endpoints[0], input);
      };
  return { chains, step };
}

/** µs per call of `step`, over enough calls to take about 50 ms. */
function time(step, chain, operation, input) {
  let calls = 1;
  for (;;) {
    const started = performance.now();
    for (let index = 0; index < calls; index++) step(chain, operation, input);
    const elapsed = performance.now() - started;
    if (elapsed > 50) return (elapsed * 1000) / calls;
    calls *= 2;
  }
}

const loaded = await Promise.all(builds.map(async ([name, base]) => [name, await load(base)]));
const samples = new Map();
const loadBefore = loadavg()[0];
for (let round = 0; round < ROUNDS; round++)
  for (const chainName of Object.keys(CHAINS))
    for (const [requestName, [operation, input]] of Object.entries(REQUESTS))
      for (const [buildName, { chains, step }] of loaded) {
        const key = `${chainName} | ${requestName} | ${buildName}`;
        if (!samples.has(key)) samples.set(key, []);
        samples.get(key).push(time(step, chains.get(chainName), operation, input));
      }
console.log(
  `load average ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)}, ${ROUNDS} rounds, median µs per request`,
);
for (const [key, values] of samples) console.log(`${key}: ${median(values).toFixed(2)} µs`);
