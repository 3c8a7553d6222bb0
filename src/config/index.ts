export { ConfigSchema, ENV_VARS, type Config } from './schema.js';
export { loadConfig, ConfigError, publicUrlOf, type LoadConfigInput } from './load.js';
