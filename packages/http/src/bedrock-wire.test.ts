import { describe, expect, it } from 'vitest';
import { RequestFailure } from './failure.js';
import { converseInputFromWire, toBedrockWireJson } from './index.js';

const BYTES = Buffer.from('not really a png');
const BASE64 = BYTES.toString('base64');

describe('converseInputFromWire', () => {
  it('turns the base64 of every blob member back into bytes and leaves documents alone', () => {
    const input = converseInputFromWire({
      modelId: 'ignored-the-path-names-the-chain',
      messages: [
        {
          role: 'user',
          content: [
            { text: 'look' },
            { image: { format: 'png', source: { bytes: BASE64 } } },
            { document: { format: 'txt', name: 'notes', source: { bytes: BASE64 } } },
            { image: { format: 'png', source: { s3Location: { uri: 's3://bucket/key' } } } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { reasoningContent: { redactedContent: BASE64 } },
            { toolUse: { toolUseId: 't1', name: 'f', input: { bytes: 'stays a string' } } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              toolResult: {
                toolUseId: 't1',
                content: [{ image: { format: 'png', source: { bytes: BASE64 } } }],
              },
            },
          ],
        },
      ],
      system: [{ guardContent: { image: { format: 'png', source: { bytes: BASE64 } } } }],
    });
    expect(input).not.toHaveProperty('modelId');
    const [user, assistant, results] = input.messages!;
    expect(user!.content![1]!.image!.source!.bytes).toEqual(BYTES);
    expect(user!.content![2]!.document!.source!.bytes).toEqual(BYTES);
    expect(user!.content![3]!.image!.source).toEqual({ s3Location: { uri: 's3://bucket/key' } });
    expect(assistant!.content![0]!.reasoningContent!.redactedContent).toEqual(BYTES);
    expect(assistant!.content![1]!.toolUse!.input).toEqual({ bytes: 'stays a string' });
    expect(results!.content![0]!.toolResult!.content![0]!.image!.source!.bytes).toEqual(BYTES);
    expect(input.system![0]!.guardContent!.image!.source!.bytes).toEqual(BYTES);
  });

  it('rejects bytes that are not base64 with a ValidationException naming the member', () => {
    const parse = () =>
      converseInputFromWire({
        messages: [
          { role: 'user', content: [{ image: { format: 'png', source: { bytes: 'not base64!' } } }] },
        ],
      });
    expect(parse).toThrow(RequestFailure);
    expect(parse).toThrow(/messages\.0\.member\.content\.0\.member\.image\.source\.bytes/);
  });

  it('rejects a body that is not an object', () => {
    expect(() => converseInputFromWire([])).toThrow(/must be a JSON object/);
  });
});

describe('toBedrockWireJson', () => {
  it('writes bytes as base64, drops unset members and what is not Bedrock wire', () => {
    expect(
      toBedrockWireJson({
        output: { message: { role: 'assistant', content: [{ text: 'hi', citationsContent: undefined }] } },
        blob: new Uint8Array(BYTES),
        $metadata: { httpStatusCode: 200 },
        servedBy: { endpointId: 'pt-east' },
        attempts: [],
      }),
    ).toEqual({ output: { message: { role: 'assistant', content: [{ text: 'hi' }] } }, blob: BASE64 });
  });
});
