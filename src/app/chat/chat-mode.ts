/**
 * Which face the single-model area shows: a conversation, or the raw prompt box (text fed to the
 * model as it is, which the benchmarks and the exact-answer tests rely on). Remembered per browser;
 * the raw prompt until the user picks the conversation.
 */
import { signal } from '@preact/signals';
import { pageStorage } from '../../lib/page-storage.ts';

export type SingleMode = 'chat' | 'raw';

const MODE_KEY = 'wirthforge.single-mode';

function readMode(): SingleMode {
  try {
    return pageStorage()?.getItem(MODE_KEY) === 'chat' ? 'chat' : 'raw';
  } catch {
    return 'raw';
  }
}

export const singleMode = signal<SingleMode>(readMode());

export function setSingleMode(mode: SingleMode): void {
  singleMode.value = mode;
  try {
    pageStorage()?.setItem(MODE_KEY, mode);
  } catch {
    // A preference that cannot be kept still applies to this page.
  }
}
