import { createRequire } from 'node:module';
import { ConfigError } from './config-error.js';

type YamlModule = typeof import('yaml');

/**
 * The `yaml` package, loaded on first need: a JSON configuration (a Lambda's usual one) never pays
 * for importing it, and a bundler puts it in a chunk of its own.
 */
let yaml: YamlModule | undefined;

/**
 * Loads YAML support for {@link parseConfigText}. `loadConfig` calls it for `.yaml` files; in a
 * bundle (a Lambda), await it at init before a synchronous `parseConfigText(text, 'yaml')`, as
 * `@bedrock-ha/lambda`'s `loadLambdaEngine` does. In plain Node it is optional: the parser then
 * loads `yaml` synchronously from node_modules.
 */
export async function loadYamlSupport(): Promise<void> {
  if (yaml) return;
  const loaded: YamlModule & { default?: YamlModule } = await import('yaml');
  // Its Node build is CommonJS: a bundler's chunk may hold it under `default` only.
  yaml = typeof loaded.parseDocument === 'function' ? loaded : (loaded.default ?? loaded);
}

/** The loaded `yaml` package; in plain Node, loaded now from node_modules. */
export function yamlModule(source: string | undefined): YamlModule {
  if (yaml) return yaml;
  try {
    // Hidden from bundlers on purpose (they would inline it into every entry): a bundle awaits
    // loadYamlSupport() instead, which they split into a chunk.
    yaml = createRequire(import.meta.url)('yaml') as YamlModule;
    return yaml;
  } catch {
    throw new ConfigError(
      [
        {
          path: '',
          message: 'YAML support is not loaded in this bundle',
          fix: 'await loadYamlSupport() (from @bedrock-ha/core) before parsing, or use loadLambdaEngine / loadConfig, or write the configuration as JSON',
        },
      ],
      source,
    );
  }
}
