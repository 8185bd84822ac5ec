// `pnpm -F @bedrock-ha/lambda-stack bundle [outDir] [entry]`: writes bundle/handler.mjs and prints
// its size. `entry` bundles another module the same way (the benchmark's bare-SDK floor).
import { fileURLToPath } from 'node:url';
import { bundleHandler } from './bundle-handler.js';

const outDir = process.argv[2] ?? fileURLToPath(new URL('../bundle', import.meta.url));
const entry = process.argv[3];
const result = await bundleHandler({ outDir, ...(entry ? { entry } : {}) });
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(
  `${result.file}: ${kib(result.bytes)} with its chunks (${kib(result.gzipBytes)} gzipped); the entry alone ${kib(result.entryBytes)}`,
);
