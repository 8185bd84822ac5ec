import {
  AccessDeniedException,
  InternalServerException,
  ModelErrorException,
  ModelNotReadyException,
  ModelStreamErrorException,
  ModelTimeoutException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { AttemptTimeoutError } from '../errors/attempt-timeout-error.js';
import { FirstTokenTimeoutError } from '../errors/first-token-timeout-error.js';
import { IncompleteStreamError } from '../errors/incomplete-stream-error.js';
import { StreamIdleTimeoutError } from '../errors/stream-idle-timeout-error.js';
import { classifyError, errorCodeOf } from './error-classification.js';

const sdk = { message: 'x', $metadata: {} };
const network = (code: string, message = `connect ${code} 127.0.0.1:443`) =>
  Object.assign(new Error(message), { code });
const status = (httpStatusCode: number, name = 'Error') =>
  Object.assign(new Error('x'), { name, $metadata: { httpStatusCode } });

describe('classifyError', () => {
  it.each([
    ['ThrottlingException', new ThrottlingException(sdk), 'transient', 'throttled'],
    ['ServiceUnavailableException', new ServiceUnavailableException(sdk), 'transient', 'unavailable'],
    ['InternalServerException', new InternalServerException(sdk), 'transient', 'server-error'],
    ['ModelTimeoutException', new ModelTimeoutException(sdk), 'transient', 'model-timeout'],
    ['ModelErrorException', new ModelErrorException(sdk), 'transient', 'model-error'],
    ['ModelStreamErrorException', new ModelStreamErrorException(sdk), 'transient', 'stream-error'],
    ['AccessDeniedException', new AccessDeniedException(sdk), 'endpoint', 'access-denied'],
    ['ResourceNotFoundException', new ResourceNotFoundException(sdk), 'endpoint', 'not-found'],
    ['ModelNotReadyException', new ModelNotReadyException(sdk), 'endpoint', 'model-not-ready'],
    ['ServiceQuotaExceededException', new ServiceQuotaExceededException(sdk), 'endpoint', 'quota-exceeded'],
    ['ValidationException', new ValidationException(sdk), 'request', 'invalid-request'],
  ] as const)('sorts the SDK class %s', (_name, error, errorClass, reason) => {
    expect(classifyError(error)).toEqual({ errorClass, reason });
  });

  it.each([
    'The provided model identifier is invalid.',
    'Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.',
    'Provisioned model pt-x is in Failed state; provisioned throughput is unavailable.',
  ])('treats a ValidationException about the model id as the endpoint’s problem: %s', (message) => {
    expect(classifyError(new ValidationException({ ...sdk, message }))).toEqual({
      errorClass: 'endpoint',
      reason: 'invalid-model',
    });
  });

  it('treats "Too many tokens per day" as a spent daily quota: an endpoint error, never retried', () => {
    const message = 'Too many tokens per day, please wait before trying again.';
    expect(classifyError(new ThrottlingException({ ...sdk, message }))).toEqual({
      errorClass: 'endpoint',
      reason: 'daily-quota',
    });
    expect(classifyError(Object.assign(new Error(message), { $metadata: { httpStatusCode: 429 } }))).toEqual({
      errorClass: 'endpoint',
      reason: 'daily-quota',
    });
    const perMinute = 'Too many tokens, please wait before trying again.';
    expect(classifyError(new ThrottlingException({ ...sdk, message: perMinute })).reason).toBe('throttled');
  });

  it.each([
    'The service tier flex is not supported for amazon.nova-micro-v1:0 in us-east-1. Retry without serviceTier or with a supported tier.',
    'Reservation not found.',
  ])('treats a service tier the endpoint cannot serve as the endpoint’s problem: %s', (message) => {
    expect(classifyError(new ValidationException({ ...sdk, message }))).toEqual({
      errorClass: 'endpoint',
      reason: 'unsupported-tier',
    });
  });

  it.each([
    'Input is too long for requested model.',
    'The model returned the following errors: Input is too long for requested model.',
    'The model returned the following errors: prompt is too long: 205000 tokens > 200000 maximum',
    'input length and `max_tokens` exceed context limit: 199000 + 64000 > 204698, decrease input length or `max_tokens` and try again',
  ])('treats a request longer than the model’s window as a context-length failover: %s', (message) => {
    expect(classifyError(new ValidationException({ ...sdk, message }))).toEqual({
      errorClass: 'endpoint',
      reason: 'context-length',
    });
  });

  it('keeps a service tier value Bedrock does not know (only a caller can send one) a request error', () => {
    const message = 'service tier provided is invalid';
    expect(classifyError(new ValidationException({ ...sdk, message })).errorClass).toBe('request');
  });

  it('keeps a ValidationException about the request a request error', () => {
    const message = 'The model returned the following errors: messages: at least one message is required';
    expect(classifyError(new ValidationException({ ...sdk, message }))).toEqual({
      errorClass: 'request',
      reason: 'invalid-request',
    });
  });

  it.each([
    ['ECONNREFUSED (HTTP/1.1)', network('ECONNREFUSED')],
    ['ECONNRESET', network('ECONNRESET', 'read ECONNRESET')],
    ['ENOTFOUND', network('ENOTFOUND', 'getaddrinfo ENOTFOUND bedrock-runtime.example')],
    ['EPIPE', network('EPIPE')],
    [
      'a refused HTTP/2 connection (code on the cause)',
      Object.assign(new Error('The pending stream has been canceled (caused by: connect ECONNREFUSED)'), {
        code: 'ERR_HTTP2_STREAM_CANCEL',
        cause: { code: 'ECONNREFUSED' },
      }),
    ],
    [
      'a stream reset mid-body (HTTP/2)',
      network('ERR_HTTP2_STREAM_ERROR', 'Stream closed with error code NGHTTP2_INTERNAL_ERROR'),
    ],
    [
      'a response cut mid-body (HTTP/1.1 "aborted")',
      Object.assign(new Error('aborted'), { code: 'ECONNRESET' }),
    ],
    ['"socket hang up" without a code', new Error('socket hang up')],
    // smithy's HTTP/1.1 handler renames these "TimeoutError"; they are still resets.
    [
      'a reset smithy named TimeoutError',
      Object.assign(network('ECONNRESET', 'socket hang up'), { name: 'TimeoutError' }),
    ],
    ['an EPIPE smithy named TimeoutError', Object.assign(network('EPIPE'), { name: 'TimeoutError' })],
  ])('calls %s a transient network failure', (_title, error) => {
    expect(classifyError(error)).toEqual({ errorClass: 'transient', reason: 'network' });
  });

  it.each([
    ['the SDK TimeoutError', Object.assign(new Error('connection timed out'), { name: 'TimeoutError' })],
    ['a TimeoutError with ETIMEDOUT', Object.assign(network('ETIMEDOUT'), { name: 'TimeoutError' })],
    ['our AttemptTimeoutError', new AttemptTimeoutError(200)],
  ])('calls %s a transient timeout', (_title, error) => {
    expect(classifyError(error)).toEqual({ errorClass: 'transient', reason: 'timeout' });
  });

  it.each([
    [new FirstTokenTimeoutError(100), 'first-token-timeout'],
    [new StreamIdleTimeoutError(100), 'stream-idle'],
    [new IncompleteStreamError(), 'network'],
  ] as const)('retries our stream error %s', (error, reason) => {
    expect(classifyError(error)).toEqual({ errorClass: 'transient', reason });
  });

  it.each([
    [429, 'transient', 'throttled'],
    [500, 'transient', 'server-error'],
    [502, 'transient', 'server-error'],
    [503, 'transient', 'server-error'],
    [408, 'transient', 'server-error'],
    [401, 'endpoint', 'access-denied'],
    [403, 'endpoint', 'access-denied'],
    [404, 'endpoint', 'not-found'],
    [400, 'request', 'invalid-request'],
    [413, 'request', 'invalid-request'],
  ] as const)('sorts an unnamed error with only HTTP status %i', (code, errorClass, reason) => {
    expect(classifyError(status(code))).toEqual({ errorClass, reason });
  });

  it.each([
    ['a proxy’s HTML 502 page', status(502, 'SyntaxError')],
    ['half a JSON body on a 200', status(200, 'SyntaxError')],
  ])('retries a body the SDK could not parse: %s', (_title, error) => {
    expect(classifyError(error)).toEqual({ errorClass: 'transient', reason: 'server-error' });
  });

  it.each([
    ['a plain Error', new Error('bug')],
    ['a TypeError', new TypeError('x is not a function')],
    ['a string', 'boom'],
    ['undefined', undefined],
    ['null', null],
  ])('fails over without retrying on %s', (_title, error) => {
    expect(classifyError(error)).toEqual({ errorClass: 'endpoint', reason: 'unknown' });
  });

  it.each([
    [
      'an invalid character in a header',
      network('ERR_INVALID_CHAR', 'Invalid character in header content ["content-type"]'),
    ],
    [
      'an invalid header value',
      network('ERR_HTTP_INVALID_HEADER_VALUE', 'Invalid value "undefined" for header "x"'),
    ],
  ])('calls %s (Node refused it before sending) a local request error', (_title, error) => {
    expect(classifyError(error)).toEqual({ errorClass: 'request', reason: 'local-error' });
  });
});

describe('errorCodeOf', () => {
  it.each([
    ['a refused connection', network('ECONNREFUSED'), 'ECONNREFUSED'],
    ['an unknown host', network('ENOTFOUND'), 'ENOTFOUND'],
    [
      'a refused HTTP/2 connection, by its cause',
      Object.assign(new Error('The pending stream has been canceled'), {
        code: 'ERR_HTTP2_STREAM_CANCEL',
        cause: { code: 'ECONNREFUSED' },
      }),
      'ECONNREFUSED',
    ],
    ['an HTTP/2 stream error', network('ERR_HTTP2_STREAM_ERROR'), 'ERR_HTTP2_STREAM_ERROR'],
    ['an error without a code', new Error('x'), undefined],
    ['a string', 'boom', undefined],
  ])('names the code of %s', (_title, error, code) => {
    expect(errorCodeOf(error)).toBe(code);
  });
});
