/**
 * Bedrock's modelled errors, with the HTTP status and default message the real service sends.
 * Names and statuses follow the `@aws-sdk/client-bedrock-runtime` and `@aws-sdk/client-bedrock` schemas.
 */
export const BEDROCK_ERRORS = {
  ThrottlingException: { status: 429, message: 'Too many requests, please wait before trying again.' },
  ModelNotReadyException: { status: 429, message: 'The model is not ready to serve inference requests.' },
  ServiceUnavailableException: { status: 503, message: 'Bedrock is unable to process your request.' },
  InternalServerException: { status: 500, message: 'The server encountered an internal error.' },
  ModelTimeoutException: { status: 408, message: 'The request took too long to process.' },
  ValidationException: { status: 400, message: 'The provided request is not valid.' },
  AccessDeniedException: {
    status: 403,
    message: "You don't have access to the model with the specified model ID.",
  },
  ResourceNotFoundException: { status: 404, message: 'The specified resource ARN was not found.' },
  ServiceQuotaExceededException: { status: 400, message: 'Your request exceeds the service quota.' },
  ConflictException: {
    status: 400,
    message: 'The request conflicts with the current state of the resource.',
  },
  ModelErrorException: { status: 424, message: 'The model returned an error.' },
  ModelStreamErrorException: { status: 424, message: 'The model stream returned an error.' },
  ResourceInUseException: { status: 400, message: 'The resource is in use.' },
  TooManyTagsException: { status: 400, message: 'The request contains more tags than allowed.' },
  UnknownOperationException: { status: 404, message: 'The requested operation is not recognized.' },
} as const;

/** Name of an error the simulator can return. */
export type BedrockErrorName = keyof typeof BEDROCK_ERRORS;

/** Every error name, for schemas and validation messages. */
export const BEDROCK_ERROR_NAMES = Object.keys(BEDROCK_ERRORS) as [BedrockErrorName, ...BedrockErrorName[]];

/**
 * In-stream exceptions each streaming operation models. The SDK only types an in-stream
 * exception whose `:exception-type` header is the camelCase union member name.
 */
export const STREAM_EXCEPTIONS = {
  ConverseStream: [
    'InternalServerException',
    'ModelStreamErrorException',
    'ValidationException',
    'ThrottlingException',
    'ServiceUnavailableException',
  ],
  InvokeModelWithResponseStream: [
    'InternalServerException',
    'ModelStreamErrorException',
    'ValidationException',
    'ThrottlingException',
    'ModelTimeoutException',
    'ServiceUnavailableException',
  ],
} as const satisfies Record<string, readonly BedrockErrorName[]>;

/** An error the simulator answers with, as Bedrock would. */
export class SimulatedError extends Error {
  override readonly name: BedrockErrorName;
  readonly status: number;
  /** Extra members copied into the JSON body (for example `originalStatusCode`). */
  readonly fields: Record<string, unknown>;

  constructor(name: BedrockErrorName, message?: string, fields: Record<string, unknown> = {}) {
    super(message ?? BEDROCK_ERRORS[name].message);
    this.name = name;
    this.status = BEDROCK_ERRORS[name].status;
    this.fields = fields;
  }

  /** The JSON body Bedrock sends for this error. */
  toBody(): Record<string, unknown> {
    return { message: this.message, ...this.fields };
  }
}

/** A `ValidationException`, the answer to any malformed request. */
export function validationError(message: string): SimulatedError {
  return new SimulatedError('ValidationException', message);
}

/** camelCase union member name of an error, as used by `:exception-type`. */
export function streamExceptionType(name: BedrockErrorName): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
