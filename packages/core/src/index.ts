export * from './runtime.js';
export * from './validation.js';
