import { type LoadOptions, loadSettings } from '../../src/settings/index.js';
import type { ResolvedSettings } from '../../src/settings/schema.js';

/** Settings for a test: no environment unless given, and any problem thrown rather than returned. */
export function testSettings(options: LoadOptions): ResolvedSettings {
  const loaded = loadSettings({ env: {}, ...options });
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.settings;
}
