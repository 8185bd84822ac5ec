import { eventBody, type HttpEventProcessor, hasKeys, lowerCaseHeaders } from './http-event.js';
import {
  objectField,
  optionalBoolean,
  optionalString,
  optionalStringList,
  requiredString,
  stringRecord,
} from './http-event-fields.js';
import type { HttpEventV2 } from './lambda-types.js';

/**
 * Payload format 2.0: API Gateway HTTP APIs and Lambda Function URLs. Cookies arrive in their own
 * array and go back into a `cookie` header; a named HTTP API stage (`/prod/...`) is cut from the path.
 */
export const apiGatewayV2Processor: HttpEventProcessor<HttpEventV2> = {
  matches(event): event is HttpEventV2 {
    return (
      hasKeys(event, 'version', 'rawPath', 'requestContext') &&
      event.version === '2.0' &&
      hasKeys(event.requestContext, 'http')
    );
  },
  toRequest(event) {
    // Checked field by field: `matches` only looked at the shape's keys.
    const context = objectField(event.requestContext, 'requestContext');
    const http = objectField(context.http, 'requestContext.http');
    const method = requiredString(http.method, 'requestContext.http.method');
    const stage = optionalString(context.stage, 'requestContext.stage');
    const headers = lowerCaseHeaders(stringRecord(event.headers, 'headers'));
    const cookies = optionalStringList(event.cookies, 'cookies');
    if (cookies?.length) headers.cookie = cookies.join('; ');
    let path = requiredString(event.rawPath, 'rawPath');
    if (stage && stage !== '$default' && (path === `/${stage}` || path.startsWith(`/${stage}/`)))
      path = path.slice(stage.length + 1) || '/';
    return {
      method: method.toUpperCase(),
      path,
      headers,
      body: eventBody(
        optionalString(event.body, 'body'),
        optionalBoolean(event.isBase64Encoded, 'isBase64Encoded'),
      ),
    };
  },
};
