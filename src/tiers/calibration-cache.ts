// Calibrations in IndexedDB, keyed by the hardware fingerprint, so the few seconds of measuring are
// paid once per machine and browser. Without IndexedDB (some private modes, Node) nothing is cached
// and calibration simply runs again: a cache must never be a reason to fail.

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Calibration } from './report';

const DB_NAME = 'wirthforge-tiers';
const DB_VERSION = 1;

interface TiersDb extends DBSchema {
  calibrations: { key: string; value: Calibration };
}

function open(): Promise<IDBPDatabase<TiersDb>> | null {
  if (typeof indexedDB === 'undefined') return null;
  return openDB<TiersDb>(DB_NAME, DB_VERSION, {
    upgrade(db) {
      db.createObjectStore('calibrations', { keyPath: 'fingerprint' });
    },
  });
}

export async function readCachedCalibration(fingerprint: string): Promise<Calibration | undefined> {
  try {
    const db = await open();
    if (!db) return undefined;
    const found = await db.get('calibrations', fingerprint);
    db.close();
    return found?.schema === 1 ? found : undefined;
  } catch {
    return undefined;
  }
}

/** Returns whether the calibration was stored. */
export async function writeCachedCalibration(calibration: Calibration): Promise<boolean> {
  try {
    const db = await open();
    if (!db) return false;
    await db.put('calibrations', calibration);
    db.close();
    return true;
  } catch {
    return false;
  }
}
