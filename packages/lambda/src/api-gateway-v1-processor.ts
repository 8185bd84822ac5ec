import { eventBody, type HttpEventProcessor, hasKeys, lowerCaseHeaders } from './http-event.js';
import {
  optionalBoolean,
  optionalString,
  requiredString,
  stringListRecord,
  stringRecord,
} from './http-event-fields.js';
import type { HttpEventV1 } from './lambda-types.js';

/** Payload format 1.0: API Gateway REST APIs with a Lambda proxy integration. */
export const apiGatewayV1Processor: HttpEventProcessor<HttpEventV1> = {
  matches(event): event is HttpEventV1 {
    return hasKeys(event, 'httpMethod', 'path') && typeof event.httpMethod === 'string';
  },
  toRequest(event) {
    // multiValueHeaders carries every value of a repeated header; headers only the last one.
    const joined: Record<string, string> = {};
    for (const [name, values] of Object.entries(
      stringListRecord(event.multiValueHeaders, 'multiValueHeaders'),
    ))
      if (values.length) joined[name] = values.join(', ');
    const single = stringRecord(event.headers, 'headers');
    const headers = lowerCaseHeaders(Object.keys(joined).length ? joined : single);
    return {
      method: event.httpMethod.toUpperCase(),
      path: requiredString(event.path, 'path'),
      headers,
      body: eventBody(
        optionalString(event.body, 'body'),
        optionalBoolean(event.isBase64Encoded, 'isBase64Encoded'),
      ),
    };
  },
};
