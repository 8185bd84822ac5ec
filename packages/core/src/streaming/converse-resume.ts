import type {
  ConverseStreamCommandInput,
  ConverseStreamOutput,
  Message,
} from '@aws-sdk/client-bedrock-runtime';

/**
 * The input that asks for the rest of an answer: the conversation with what was delivered as the
 * final assistant message (a prefill, which the model continues). Trailing white space is left
 * out, because Claude rejects a final assistant message that ends with it.
 */
export function continuationInput<I extends Pick<ConverseStreamCommandInput, 'messages'>>(
  input: I,
  delivered: string,
): I {
  const messages: Message[] = [...(input.messages ?? [])];
  const last = messages.at(-1);
  // The caller's own prefill, if any, comes before what the model said after it.
  const prefill =
    last?.role === 'assistant'
      ? messages
          .pop()!
          .content?.map((block) => block.text ?? '')
          .join('')
      : '';
  const text = `${prefill}${delivered}`.trimEnd();
  // Bedrock rejects a blank text block: with nothing said yet, the continuation starts afresh.
  if (text !== '') messages.push({ role: 'assistant', content: [{ text }] });
  return { ...input, messages };
}

/**
 * Rewrites a continuation's events into the answer the caller is already reading: its message
 * start is dropped, and the white space the prefill left out is not sent twice.
 */
export function continuationFilter(
  delivered: string,
): (event: ConverseStreamOutput) => ConverseStreamOutput | undefined {
  // The white space the caller already has but the prefill did not carry: the model says it again.
  let pending = delivered.slice(delivered.trimEnd().length);
  return (event) => {
    if (event.messageStart) return undefined;
    const text = event.contentBlockDelta?.delta?.text;
    if (text === undefined || pending === '') return event;
    let skip = 0;
    while (skip < pending.length && skip < text.length && text[skip] === pending[skip]) skip++;
    // A delta that is all repeated white space may leave some for the next one (" " then " word");
    // once the model says anything else, the rest is new.
    pending = skip === text.length ? pending.slice(skip) : '';
    if (skip === 0) return event;
    if (skip === text.length) return undefined;
    const { contentBlockIndex } = event.contentBlockDelta!;
    return { contentBlockDelta: { contentBlockIndex, delta: { text: text.slice(skip) } } };
  };
}
