export { ConfigSchema, ENV_VARS, type Config } from './schema.js';
export { loadConfig, ConfigError, publicUrlOf, type LoadConfigInput } from './load.js';
export { platformConfig, budgetOf } from './platforms.js';
