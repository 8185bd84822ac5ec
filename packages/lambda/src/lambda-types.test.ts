import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  LambdaFunctionURLEvent,
} from 'aws-lambda';
import { describe, expectTypeOf, it } from 'vitest';
import type { HttpEventV1, HttpEventV2, HttpResult, LambdaContext } from './lambda-types.js';

// The package keeps its own small types so users need no types package; these checks (run by
// typecheck) keep them compatible with the community's @types/aws-lambda definitions.
describe('Lambda types', () => {
  it('accept the events and context @types/aws-lambda describes', () => {
    expectTypeOf<APIGatewayProxyEventV2>().toExtend<HttpEventV2>();
    expectTypeOf<LambdaFunctionURLEvent>().toExtend<HttpEventV2>();
    expectTypeOf<APIGatewayProxyEvent>().toExtend<HttpEventV1>();
    expectTypeOf<Context>().toExtend<LambdaContext>();
  });

  it('return a result API Gateway accepts', () => {
    expectTypeOf<HttpResult>().toExtend<APIGatewayProxyStructuredResultV2>();
  });
});
