import { eventFrame, rawEventFrame } from '../event-stream.js';
import { SERVICE_TIER_HEADER } from '../quota/admission.js';
import type { Reply } from '../responder.js';
import { anthropicMessages } from './anthropic-messages.js';
import { EVENT_STREAM_HEADERS, type StreamEvent, writeEventStream } from './event-stream-writer.js';
import type { InvokeDialect } from './invoke-dialect.js';
import { novaMessages } from './nova-messages.js';
import { paceCompleteAnswer } from './pacing.js';
import { type Call, parseJsonBody, type RuntimeHandler, sendHtmlError } from './runtime-handler.js';

function dialectOf(call: Call): InvokeDialect {
  return call.target.model.dialect === 'nova-messages' ? novaMessages : anthropicMessages;
}

/** The served tier, in the header InvokeModel's response carries it in. */
function tierHeader(reply: Reply): Record<string, string> {
  return reply.serviceTier === undefined ? {} : { [SERVICE_TIER_HEADER]: reply.serviceTier };
}

function tokenHeaders(call: Call, reply: Reply): Record<string, string> {
  return {
    'x-amzn-bedrock-input-token-count': String(reply.inputTokens),
    'x-amzn-bedrock-output-token-count': String(reply.outputTokens),
    'x-amzn-bedrock-invocation-latency': String(Math.round(call.elapsedMs())),
    ...(reply.cache && {
      'x-amzn-bedrock-cache-read-input-token-count': String(reply.cache.readTokens),
      'x-amzn-bedrock-cache-write-input-token-count': String(reply.cache.writeTokens),
    }),
  };
}

/** InvokeModel: the provider's native JSON body in, its native JSON body out. */
export const invokeModelHandler: RuntimeHandler = {
  parse: (body, call) => dialectOf(call).parse(parseJsonBody(body), call),
  async respond(call, reply) {
    if (!(await paceCompleteAnswer(call, reply))) return 'aborted';
    call.exchange.json(200, dialectOf(call).response(reply, call), {
      ...tokenHeaders(call, reply),
      ...tierHeader(reply),
    });
    return 'success';
  },
  malformed(call, variant, reply) {
    if (variant === 'html') return sendHtmlError(call.exchange);
    const json = JSON.stringify(dialectOf(call).response(reply, call));
    call.exchange.send(200, json.slice(0, Math.floor(json.length / 2)), {
      'content-type': 'application/json',
    });
  },
};

function chunkEvents(call: Call, reply: Parameters<RuntimeHandler['respond']>[1]): StreamEvent[] {
  return dialectOf(call)
    .chunks(reply, call)
    .map(({ payload, content }) => ({
      type: 'chunk',
      payload: { bytes: Buffer.from(JSON.stringify(payload)).toString('base64') },
      content,
    }));
}

const STREAM_HEADERS = { 'x-amzn-bedrock-content-type': 'application/json' };

/** InvokeModelWithResponseStream: native chunks, base64 in `chunk` events. */
export const invokeModelStreamHandler: RuntimeHandler = {
  parse: invokeModelHandler.parse,
  respond: (call, reply) =>
    writeEventStream(call, chunkEvents(call, reply), { ...STREAM_HEADERS, ...tierHeader(reply) }),
  async malformed(call, variant, reply) {
    if (variant === 'html') return sendHtmlError(call.exchange);
    const events = chunkEvents(call, reply);
    if (variant === 'bad-crc') {
      await writeEventStream(call, events, STREAM_HEADERS, { corruptAt: 1 });
      return;
    }
    call.exchange.startStream({ ...EVENT_STREAM_HEADERS, ...STREAM_HEADERS });
    const first = events[0]!;
    await call.exchange.write(eventFrame(first.type, first.payload));
    await call.exchange.write(rawEventFrame('chunk', '{"bytes":"eyJ0eXBl'));
    call.exchange.end();
  },
};
