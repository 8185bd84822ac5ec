import { eventBody, type HttpEventProcessor, hasKeys, lowerCaseHeaders } from './http-event.js';
import type { HttpEventV2 } from './lambda-types.js';

/**
 * Payload format 2.0: API Gateway HTTP APIs and Lambda Function URLs. Cookies arrive in their own
 * array and go back into a `cookie` header; a named HTTP API stage (`/prod/...`) is cut from the path.
 */
export const apiGatewayV2Processor: HttpEventProcessor<HttpEventV2> = {
  name: 'payload 2.0 (HTTP API / Function URL)',
  matches(event): event is HttpEventV2 {
    return (
      hasKeys(event, 'version', 'rawPath', 'requestContext') &&
      event.version === '2.0' &&
      hasKeys(event.requestContext, 'http')
    );
  },
  toRequest(event) {
    const headers = lowerCaseHeaders(event.headers);
    if (event.cookies?.length) headers.cookie = event.cookies.join('; ');
    const stage = event.requestContext.stage;
    let path = event.rawPath;
    if (stage && stage !== '$default' && (path === `/${stage}` || path.startsWith(`/${stage}/`)))
      path = path.slice(stage.length + 1) || '/';
    return {
      method: event.requestContext.http.method.toUpperCase(),
      path,
      headers,
      body: eventBody(event.body, event.isBase64Encoded),
    };
  },
};
