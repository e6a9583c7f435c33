/**
 * What a plugin is, as data: its manifest, and the strict reading of one from untrusted text. A plugin
 * file is one ES module whose first block comment carries the manifest as JSON
 * (`/* @wirthforge-plugin { … } *\/`), so the page learns what a plugin wants without running any of
 * its code. Anything not understood is refused with a reason a user can act on; nothing in a manifest
 * is ever rendered as markup.
 */

export const PLUGIN_KINDS = ['validator', 'scorer', 'visualizer', 'logger', 'analyzer'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

export const PLUGIN_WEIGHTS = ['light', 'medium', 'heavy'] as const;
export type PluginWeight = (typeof PLUGIN_WEIGHTS)[number];

/** token: merged text per stream and batch; turn-start/end: a stream (a member's answer) begins or ends; rate: per-lane tokens/s and energy, 4 times a second. */
export const PLUGIN_EVENT_TYPES = ['token', 'turn-start', 'turn-end', 'rate', 'member-state'] as const;
export type PluginEventType = (typeof PLUGIN_EVENT_TYPES)[number];

export interface EventSubscription {
  type: PluginEventType;
  /** Only these lanes ('session' for the single model, a council member's id); every lane when absent. */
  lanes?: string[];
}

export interface PluginPermissions {
  /** May return annotations (score, verdict, badge text) shown in the Plugins panel. */
  annotate: boolean;
  /** May draw on a layer of its own (an OffscreenCanvas in its worker, composited by the page). */
  draw: boolean;
  /** Bytes it may keep in its own key-value store; 0 for none. */
  storeBytes: number;
}

export interface PluginManifest {
  id: string;
  name: string;
  version: string;
  kind: PluginKind;
  weight: PluginWeight;
  description: string;
  events: EventSubscription[];
  permissions: PluginPermissions;
  /** Plain settings handed to the plugin (numbers, short strings, booleans). */
  config: Record<string, number | string | boolean>;
}

export const MANIFEST_MARKER = '@wirthforge-plugin';
export const MAX_PLUGIN_SOURCE_BYTES = 512 * 1024;
export const MAX_STORE_BYTES = 1024 * 1024;

const ID = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;
const VERSION = /^\d{1,4}\.\d{1,4}\.\d{1,4}$/;
const LANE = /^[A-Za-z0-9:_.-]{1,64}$/;
const CONFIG_KEY = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
// Printable text only: no control characters, no bidi overrides that could disguise a name.
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export type ManifestResult = { ok: true; manifest: PluginManifest } | { ok: false; reason: string };

const KNOWN_KEYS = new Set(['id', 'name', 'version', 'kind', 'weight', 'description', 'events', 'permissions', 'config']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function text(value: unknown, field: string, max: number, required: boolean): string {
  if (value === undefined && !required) return '';
  if (typeof value !== 'string') throw new Error(`"${field}" must be text`);
  const trimmed = value.trim();
  if (required && trimmed.length === 0) throw new Error(`"${field}" is empty`);
  if (trimmed.length > max) throw new Error(`"${field}" is longer than ${max} characters`);
  if (UNSAFE_TEXT.test(trimmed)) throw new Error(`"${field}" holds control or direction-changing characters`);
  return trimmed;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw new Error(`"${field}" must be one of ${allowed.join(', ')}`);
  return value as T;
}

function events(value: unknown): EventSubscription[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error('"events" must list at least one event it subscribes to');
  if (value.length > PLUGIN_EVENT_TYPES.length) throw new Error(`"events" lists more than ${PLUGIN_EVENT_TYPES.length} subscriptions`);
  const seen = new Set<string>();
  return value.map((entry, i) => {
    if (!isRecord(entry)) throw new Error(`"events[${i}]" must be an object`);
    for (const key of Object.keys(entry)) if (key !== 'type' && key !== 'lanes') throw new Error(`"events[${i}]" has an unknown field "${key}"`);
    const type = oneOf(entry['type'], `events[${i}].type`, PLUGIN_EVENT_TYPES);
    if (seen.has(type)) throw new Error(`"events" subscribes to "${type}" twice`);
    seen.add(type);
    const lanes = entry['lanes'];
    if (lanes === undefined) return { type };
    if (!Array.isArray(lanes) || lanes.length === 0 || lanes.length > 16) throw new Error(`"events[${i}].lanes" must list 1 to 16 lanes`);
    for (const lane of lanes) if (typeof lane !== 'string' || !LANE.test(lane)) throw new Error(`"events[${i}].lanes" holds an invalid lane name`);
    return { type, lanes: [...lanes] as string[] };
  });
}

function permissions(value: unknown): PluginPermissions {
  if (!isRecord(value)) throw new Error('"permissions" must be an object');
  for (const key of Object.keys(value)) if (!['annotate', 'draw', 'storeBytes'].includes(key)) throw new Error(`"permissions" has an unknown field "${key}"`);
  const annotate = value['annotate'] ?? false;
  const draw = value['draw'] ?? false;
  const storeBytes = value['storeBytes'] ?? 0;
  if (typeof annotate !== 'boolean' || typeof draw !== 'boolean') throw new Error('"permissions.annotate" and "permissions.draw" must be true or false');
  if (typeof storeBytes !== 'number' || !Number.isInteger(storeBytes) || storeBytes < 0 || storeBytes > MAX_STORE_BYTES) {
    throw new Error(`"permissions.storeBytes" must be a whole number from 0 to ${MAX_STORE_BYTES}`);
  }
  return { annotate, draw, storeBytes };
}

function config(value: unknown): Record<string, number | string | boolean> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new Error('"config" must be an object');
  const keys = Object.keys(value);
  if (keys.length > 16) throw new Error('"config" has more than 16 settings');
  const out: Record<string, number | string | boolean> = {};
  for (const key of keys) {
    if (!CONFIG_KEY.test(key)) throw new Error(`"config" has an invalid setting name`);
    const v = value[key];
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
    else if (typeof v === 'boolean') out[key] = v;
    else if (typeof v === 'string') out[key] = text(v, `config.${key}`, 200, false);
    else throw new Error(`"config.${key}" must be a finite number, text or true/false`);
  }
  return out;
}

/** Validates a parsed manifest: every field checked, unknown fields refused. */
export function validateManifest(value: unknown): ManifestResult {
  try {
    if (!isRecord(value)) throw new Error('the manifest must be a JSON object');
    for (const key of Object.keys(value)) if (!KNOWN_KEYS.has(key)) throw new Error(`unknown field "${key}"`);
    const id = value['id'];
    if (typeof id !== 'string' || !ID.test(id)) throw new Error('"id" must be 3 to 40 characters of a-z, 0-9 and "-", starting with a letter');
    const version = value['version'];
    if (typeof version !== 'string' || !VERSION.test(version)) throw new Error('"version" must look like 1.2.3');
    const manifest: PluginManifest = {
      id,
      name: text(value['name'], 'name', 60, true),
      version,
      kind: oneOf(value['kind'], 'kind', PLUGIN_KINDS),
      weight: oneOf(value['weight'], 'weight', PLUGIN_WEIGHTS),
      description: text(value['description'], 'description', 280, false),
      events: events(value['events']),
      permissions: permissions(value['permissions']),
      config: config(value['config']),
    };
    return { ok: true, manifest };
  } catch (error) {
    return { ok: false, reason: `Invalid plugin manifest: ${(error as Error).message}.` };
  }
}

/**
 * Reads a plugin file's manifest from its source text without running it: the first block comment
 * must start with the marker and hold the manifest's JSON.
 */
export function readPluginSource(source: string): ManifestResult {
  if (typeof source !== 'string') return { ok: false, reason: 'A plugin must be a JavaScript module (text).' };
  if (source.length > MAX_PLUGIN_SOURCE_BYTES) return { ok: false, reason: `A plugin file may be at most ${MAX_PLUGIN_SOURCE_BYTES / 1024} KiB.` };
  const match = /^\s*\/\*\s*@wirthforge-plugin\s*([\s\S]*?)\*\//.exec(source);
  if (!match) return { ok: false, reason: `Not a Wirthforge plugin: the file must begin with a /* ${MANIFEST_MARKER} { …manifest JSON… } */ comment.` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(match[1]!);
  } catch (error) {
    return { ok: false, reason: `The plugin's manifest is not valid JSON: ${(error as Error).message}.` };
  }
  return validateManifest(parsed);
}

/** Refuses a plugin whose id is already installed (an update is a remove and an install). */
export function checkCollision(manifest: PluginManifest, installedIds: Iterable<string>): string | null {
  for (const id of installedIds) if (id === manifest.id) return `A plugin with the id "${manifest.id}" is already installed; remove it first to install another copy.`;
  return null;
}
