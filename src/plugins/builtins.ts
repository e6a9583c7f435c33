/**
 * The built-in plugins: ordinary plugin files served from the app's own origin (`public/plugins/`),
 * installed the way any plugin from the origin is, so they run in the same sandbox under the same
 * budget. Each is a real use, not a demonstration (see docs/plugins.md).
 */
export interface BuiltinPlugin {
  id: string;
  /** Relative to the app's base URL. */
  path: string;
}

export const BUILTIN_PLUGINS: readonly BuiltinPlugin[] = [
  { id: 'token-logger', path: 'plugins/token-logger.js' },
  { id: 'repetition-scorer', path: 'plugins/repetition-scorer.js' },
  { id: 'json-validator', path: 'plugins/json-validator.js' },
  { id: 'rhythm-strip', path: 'plugins/rhythm-strip.js' },
  { id: 'synthetic-heavy', path: 'plugins/heavy.js' },
];

/** A path the user typed for "install from this app": only a relative path on this origin, ending in .js. */
export function originPluginUrl(path: string, base: string): URL | null {
  const trimmed = path.trim();
  if (!/^[A-Za-z0-9._/-]{1,200}\.m?js$/.test(trimmed) || trimmed.includes('..') || trimmed.startsWith('//')) return null;
  const url = new URL(trimmed, base);
  return url.origin === new URL(base).origin ? url : null;
}
