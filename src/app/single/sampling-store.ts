/**
 * The single-model view's sampling settings: what the user typed (kept as typed, so a field with a
 * mistake keeps it and shows why), whether it is valid, and the last valid settings persisted on
 * this device like the other preferences. Greedy until the user asks otherwise, and after Reset.
 */
import { computed, signal } from '@preact/signals';
import { pageStorage, type PreferenceStorage } from '../../lib/page-storage.ts';
import { GREEDY, inputOf, settingsFromStored, validateSampling, type SamplingField, type SamplingInput, type SamplingSettings } from '../../models/sampling.ts';

const STORAGE_KEY = 'wirthforge.sampling';

export type SettingsStorage = PreferenceStorage;

export function readStoredSampling(storage: SettingsStorage | null): SamplingSettings {
  try {
    const text = storage?.getItem(STORAGE_KEY);
    return text ? settingsFromStored(JSON.parse(text)) : GREEDY;
  } catch {
    return GREEDY;
  }
}

export class SamplingStore {
  readonly input;
  readonly validation = computed(() => validateSampling(this.input.value));
  /** The settings a run would use now; null while a field is not valid. */
  readonly settings = computed(() => {
    const checked = this.validation.value;
    return checked.ok ? checked.settings : null;
  });

  constructor(private readonly storage: SettingsStorage | null = pageStorage()) {
    this.input = signal<SamplingInput>(inputOf(readStoredSampling(storage)));
  }

  errorOf(field: SamplingField): string | null {
    const checked = this.validation.value;
    return checked.ok ? null : (checked.errors[field] ?? null);
  }

  set(field: SamplingField, value: string): void {
    this.input.value = { ...this.input.value, [field]: value };
    this.save();
  }

  reset(): void {
    this.input.value = inputOf(GREEDY);
    this.save();
  }

  /** Only valid settings are kept: a reload never brings back a mistake. */
  private save(): void {
    const settings = this.settings.peek();
    if (!settings) return;
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(settings));
    } catch {
      // Private mode or a full quota: preferences are a convenience, the page goes on without them.
    }
  }
}

export const samplingStore = new SamplingStore();
