// `pnpm -F @bedrock-ha/lambda-stack bundle`: writes bundle/handler.mjs and prints its size.
import { fileURLToPath } from 'node:url';
import { bundleHandler } from './bundle-handler.js';

const outDir = process.argv[2] ?? fileURLToPath(new URL('../bundle', import.meta.url));
const result = await bundleHandler({ outDir });
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(
  `${result.file}: ${kib(result.bytes)} with its chunks (${kib(result.gzipBytes)} gzipped); the entry alone ${kib(result.entryBytes)}`,
);
