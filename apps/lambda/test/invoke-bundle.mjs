// Runs in a fresh Node process, as the Lambda runtime would: defines the `awslambda` global (after
// the runtime's documented contract: a prelude, then 8 null bytes, before the first write), loads
// the bundle, and invokes its handlers with the events given. Prints one JSON line of results.
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

const processStart = performance.now();
const [bundle, eventsFile] = process.argv.slice(2);
const events = JSON.parse(readFileSync(eventsFile, 'utf8'));

globalThis.awslambda = {
  streamifyResponse: (handler) => handler,
  HttpResponseStream: {
    from(stream, prelude) {
      stream.setContentType('application/vnd.awslambda.http-integration-response');
      stream.onBeforeFirstWrite = (write) => {
        write(JSON.stringify(prelude));
        write(new Uint8Array(8));
      };
      return stream;
    },
  },
};

class ResponseStream extends Writable {
  writes = [];
  setContentType() {}
  write(chunk, ...rest) {
    if (this.writes.length === 0 && this.onBeforeFirstWrite)
      this.onBeforeFirstWrite((first) => this.keep(first));
    return this.keep(chunk, ...rest);
  }
  keep(chunk, ...rest) {
    this.writes.push(Buffer.from(chunk).toString('utf8'));
    return super.write(chunk, ...rest);
  }
  _write(_chunk, _encoding, callback) {
    callback();
  }
}

const context = () => ({
  awsRequestId: crypto.randomUUID(),
  functionName: 'bundle-test',
  getRemainingTimeInMillis: () => 60_000,
});

const importStart = performance.now();
const module = await import(pathToFileURL(bundle).href);
const initMs = performance.now() - importStart;

const invokeStart = performance.now();
const http = await module.handler(events.http, context());
const firstInvokeMs = performance.now() - invokeStart;
const direct = await module.handler(events.direct, context());
const stream = new ResponseStream();
await module.streamingHandler(events.stream, stream, context());

process.stdout.write(
  `RESULT ${JSON.stringify({ initMs, firstInvokeMs, startupMs: importStart - processStart, http, direct, streamWrites: stream.writes })}\n`,
);
module.handler.engine.destroy();
