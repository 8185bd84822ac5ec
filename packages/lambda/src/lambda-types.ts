/**
 * The parts of Lambda's invocation context the handlers read. The Node.js runtime passes a
 * superset; tests can pass just these.
 */
export interface LambdaContext {
  readonly awsRequestId: string;
  readonly functionName?: string;
  readonly functionVersion?: string;
  readonly invokedFunctionArn?: string;
  readonly memoryLimitInMB?: string;
  /** Milliseconds left before Lambda stops the invocation. */
  getRemainingTimeInMillis(): number;
}

/** An HTTP event in payload format 2.0: API Gateway HTTP API, or a Lambda Function URL. */
export interface HttpEventV2 {
  readonly version: string;
  readonly rawPath: string;
  readonly rawQueryString?: string;
  readonly cookies?: readonly string[];
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
  readonly isBase64Encoded: boolean;
  readonly requestContext: {
    readonly http: { readonly method: string; readonly path?: string };
    readonly requestId?: string;
    /** `$default` for Function URLs and an HTTP API's default stage. */
    readonly stage?: string;
  };
}

/** An HTTP event in payload format 1.0: API Gateway REST API (proxy integration). */
export interface HttpEventV1 {
  readonly version?: string;
  readonly httpMethod: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined>> | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly requestContext?: { readonly requestId?: string };
}

/** What a handler returns for a payload 2.0 event (also accepted by API Gateway REST for 1.0). */
export interface HttpResult {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly isBase64Encoded: boolean;
}

/** An event that calls the engine directly (Step Functions, `lambda:Invoke` from other AWS callers). */
export interface DirectInvokeEvent {
  /** Default `converse`. `converseStream` streams from Bedrock (first-token failover, `resume`) and returns the whole answer. */
  readonly operation?: 'converse' | 'converseStream';
  /** The chain to call, as named in the configuration. */
  readonly chain: string;
  /** Converse input without `modelId`: `messages`, `system`, `inferenceConfig`, `toolConfig`... */
  readonly input: Readonly<Record<string, unknown>>;
}
