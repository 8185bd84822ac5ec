import { type ClientFactory, defaultClientFactory } from '../src/index.js';

type HttpRequest = { path: string; headers: Record<string, string> };

/** One request as it left an endpoint's SDK client: after every middleware and signing. */
export interface WireRequest {
  /** The region of its SigV4 scope. */
  readonly region: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The headers SigV4 signed. */
  readonly signedHeaders: readonly string[];
}

/**
 * The default client factory, recording every request its clients hand to the HTTP handler, so a
 * test sees what each attempt really sent (its headers and region) with no change to the engine.
 */
export function recordingClientFactory() {
  const wire: WireRequest[] = [];
  /** Per client created: its region, and whether its connections were closed (`destroy`). */
  const clients: { region: string; destroyed: boolean }[] = [];
  const factory: ClientFactory = (spec) => {
    const client = defaultClientFactory(spec);
    const handler = client.config.requestHandler as {
      handle(request: HttpRequest, options?: unknown): Promise<unknown>;
      destroy(): void;
    };
    const record = { region: spec.region, destroyed: false };
    clients.push(record);
    const destroy = handler.destroy.bind(handler);
    handler.destroy = () => {
      record.destroyed = true;
      destroy();
    };
    const handle = handler.handle.bind(handler);
    handler.handle = (request, options) => {
      const authorization = request.headers.authorization ?? '';
      wire.push({
        region: /Credential=[^/]+\/\d+\/([^/]+)\//.exec(authorization)?.[1] ?? '',
        path: decodeURIComponent(request.path),
        headers: { ...request.headers },
        signedHeaders: /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [],
      });
      return handle(request, options);
    };
    return client;
  };
  return { factory, wire, clients };
}
