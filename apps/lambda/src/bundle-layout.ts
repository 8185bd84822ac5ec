/**
 * The directory, beside `handler.mjs`, that holds the bundle's lazily loaded chunks. The bundler
 * writes it and the construct deploys it; a file of its own so the construct need not load esbuild.
 */
export const CHUNK_DIRECTORY = 'chunks';
