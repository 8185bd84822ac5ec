// Written by `pnpm -F @bedrock-ha/core schema` (scripts/write-json-schema.mjs); a test checks it.
/**
 * The version of the configuration schema a precompiled configuration was validated against: the
 * start of the SHA-256 of its JSON Schema. A constant, so reading a precompiled file needs no zod.
 */
export const CONFIG_SCHEMA_HASH = 'b90756b86248c96d';
