export { ENV_OVERRIDES } from './env.js';
export { type LoadOptions, type LoadResult, loadSettings } from './load.js';
export { defaultDataDir } from './paths.js';
export { LogLevelSchema, PROFILES, type ResolvedSettings, type Settings, SettingsSchema } from './schema.js';
