import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { sampleOfSchema } from './json-schema-sample.js';

// Each zod schema is turned into JSON Schema by zod itself; the sample must then parse with zod.
const schemas: Record<string, z.ZodType> = {
  'a flat object': z.object({ city: z.string(), population: z.int(), capital: z.boolean() }),
  'nested objects and arrays': z.object({
    items: z.array(z.object({ name: z.string(), price: z.number().min(0.5) })).min(2),
    tags: z.array(z.string()),
  }),
  'enums, literals, nullables and optionals': z.object({
    unit: z.enum(['celsius', 'fahrenheit']),
    kind: z.literal('weather'),
    note: z.string().nullable(),
    extra: z.number().optional(),
  }),
  'string formats and bounds': z.object({
    when: z.iso.datetime(),
    email: z.email(),
    id: z.uuid(),
    code: z.string().min(20).max(25),
    score: z.int().gt(10).lte(20),
    step: z.number().multipleOf(5).min(7),
  }),
  'unions and intersections': z.object({
    value: z.union([z.string(), z.number()]),
    both: z.intersection(z.object({ a: z.string() }), z.object({ b: z.number() })),
  }),
};

describe('sampleOfSchema', () => {
  it.each(Object.entries(schemas))('gives a value that validates against %s', (_name, schema) => {
    const json = z.toJSONSchema(schema);
    expect(() => schema.parse(sampleOfSchema(json))).not.toThrow();
  });

  it('follows local $refs, and ends a recursive schema', () => {
    const node = {
      type: 'object',
      properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } },
      required: ['name', 'children'],
    };
    const value = sampleOfSchema({ $defs: { Node: node }, $ref: '#/$defs/Node' }) as { children: unknown[] };
    expect(value).toMatchObject({ name: 'example name' });
    expect(JSON.stringify(value).length).toBeLessThan(10_000);
  });

  it('is deterministic', () => {
    const json = z.toJSONSchema(schemas['a flat object']!);
    expect(sampleOfSchema(json)).toEqual(sampleOfSchema(json));
  });
});
