/** Bedrock runtime operations the simulator serves. */
export const RUNTIME_OPERATIONS = [
  'Converse',
  'ConverseStream',
  'InvokeModel',
  'InvokeModelWithResponseStream',
] as const;

/** Bedrock control-plane operations the simulator serves. */
export const CONTROL_PLANE_OPERATIONS = [
  'CreateProvisionedModelThroughput',
  'GetProvisionedModelThroughput',
  'ListProvisionedModelThroughputs',
  'UpdateProvisionedModelThroughput',
  'DeleteProvisionedModelThroughput',
  'GetFoundationModel',
  'ListFoundationModels',
  'GetInferenceProfile',
  'ListInferenceProfiles',
] as const;

/** A runtime operation name. */
export type RuntimeOperation = (typeof RUNTIME_OPERATIONS)[number];
/** A control-plane operation name. */
export type ControlPlaneOperation = (typeof CONTROL_PLANE_OPERATIONS)[number];
/** Any operation the simulator serves. */
export type Operation = RuntimeOperation | ControlPlaneOperation;

/** Every operation name, for schemas. */
export const OPERATIONS = [...RUNTIME_OPERATIONS, ...CONTROL_PLANE_OPERATIONS] as const;

/** Whether an operation answers with an event stream. */
export function isStreaming(operation: Operation): boolean {
  return operation === 'ConverseStream' || operation === 'InvokeModelWithResponseStream';
}

/** Whether an operation is a runtime (data-plane) operation. */
export function isRuntime(operation: Operation): operation is RuntimeOperation {
  return (RUNTIME_OPERATIONS as readonly string[]).includes(operation);
}
