/**
 * Installed plugins and their key-value stores, on the device, in a database of their own
 * (`wirthforge-plugins`). A plugin's worker cannot reach IndexedDB (its sandbox has an opaque origin):
 * the page keeps its store and hands it over when the plugin starts, and writes what the plugin sets
 * after checking it against the plugin's quota (host.ts). A plugin is stored with its source text, so
 * a plugin installed from a file survives a reload without the file.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { InstalledPlugin, PluginKeyValueStore } from './host.ts';

interface PluginDB extends DBSchema {
  plugins: { key: string; value: InstalledPlugin };
  kv: { key: [string, string]; value: { pluginId: string; key: string; value: string }; indexes: { 'by-plugin': string } };
}

export const PLUGIN_DB_NAME = 'wirthforge-plugins';

export class PluginStore implements PluginKeyValueStore {
  private db: Promise<IDBPDatabase<PluginDB>> | null = null;

  private open(): Promise<IDBPDatabase<PluginDB>> {
    this.db ??= openDB<PluginDB>(PLUGIN_DB_NAME, 1, {
      upgrade(db) {
        db.createObjectStore('plugins', { keyPath: 'manifest.id' });
        const kv = db.createObjectStore('kv', { keyPath: ['pluginId', 'key'] });
        kv.createIndex('by-plugin', 'pluginId');
      },
    });
    return this.db;
  }

  async list(): Promise<InstalledPlugin[]> {
    const all = await (await this.open()).getAll('plugins');
    return all.sort((a, b) => a.installedAt - b.installedAt);
  }

  async put(plugin: InstalledPlugin): Promise<void> {
    await (await this.open()).put('plugins', plugin);
  }

  async setEnabled(id: string, enabled: boolean): Promise<void> {
    const db = await this.open();
    const plugin = await db.get('plugins', id);
    if (plugin) await db.put('plugins', { ...plugin, enabled });
  }

  /** Removes the plugin and everything it stored. */
  async remove(id: string): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(['plugins', 'kv'], 'readwrite');
    await tx.objectStore('plugins').delete(id);
    let cursor = await tx.objectStore('kv').index('by-plugin').openCursor(id);
    while (cursor) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
  }

  async load(pluginId: string): Promise<Record<string, string>> {
    const rows = await (await this.open()).getAllFromIndex('kv', 'by-plugin', pluginId);
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  save(pluginId: string, key: string, value: string | null): void {
    void this.open()
      .then(async (db) => {
        if (value === null) await db.delete('kv', [pluginId, key]);
        else await db.put('kv', { pluginId, key, value });
      })
      .catch(() => {
        // A store the browser refuses (private mode, quota) loses this write; the plugin keeps its copy.
      });
  }
}
