/**
 * The "Sampling" group of the single-model view: one labelled field per setting, its message beside
 * it when it is not valid, a reset to greedy, and a plain word on what the chosen engine does not
 * apply and whether runs will repeat. Greedy is the default because benchmarks need it.
 */
import { useState } from 'preact/hooks';
import { describeSampling, ignoredSettings, isDeterministic, isGreedy, type SamplingField } from '../../models/sampling.ts';
import { engineOf } from '../../models/catalog.ts';
import { remoteStore } from '../remote/remote-store.ts';
import { samplingStore } from './sampling-store.ts';
import './sampling.css';

interface FieldSpec {
  field: SamplingField;
  label: string;
  hint: string;
}

const FIELDS: readonly FieldSpec[] = [
  { field: 'temperature', label: 'Temperature', hint: '0 = greedy, up to 2' },
  { field: 'topK', label: 'Top-k', hint: '0 = off' },
  { field: 'topP', label: 'Top-p', hint: '1 = off' },
  { field: 'minP', label: 'Min-p', hint: '0 = off' },
  { field: 'repetitionPenalty', label: 'Repetition penalty', hint: '1 = off, up to 2' },
  { field: 'seed', label: 'Seed', hint: 'empty = random' },
];

function Message({ field }: { field: SamplingField }) {
  const error = samplingStore.errorOf(field);
  return error ? (
    <span class="field-error" id={`sampling-${field}-error`} data-testid={`sampling-${field}-error`} role="alert">
      {error}
    </span>
  ) : null;
}

export function SamplingControls({ modelId, disabled }: { modelId: string; disabled: boolean }) {
  const engine = engineOf(modelId);
  const server = engine === 'remote' ? remoteStore.choices.value.find((c) => c.id === modelId)?.endpoint.server : undefined;
  const input = samplingStore.input.value;
  const settings = samplingStore.settings.value;
  const summary = !settings ? 'a setting needs fixing' : isGreedy(settings) && describeSampling(settings) === 'greedy' ? 'Greedy (for benchmarks)' : describeSampling(settings);
  const ignored = settings ? ignoredSettings(engine, settings, server) : [];
  // Open at first where the stored settings sample; after that the user alone opens and closes it
  // (following the settings would fold the group away mid-edit when a field passes through 0).
  const [initiallyOpen] = useState(() => !settings || !isGreedy(settings));
  return (
    <details class="sampling" data-testid="sampling" open={initiallyOpen}>
      <summary>
        Sampling: <span data-testid="sampling-summary">{summary}</span>
      </summary>
      <div class="sampling-fields">
        {FIELDS.map(({ field, label, hint }) => {
          const invalid = samplingStore.errorOf(field) !== null;
          return (
            <div class="sampling-field" key={field}>
              <label>
                {label} <span class="sampling-hint">({hint})</span>
                <input
                  data-testid={`sampling-${field}`}
                  type="text"
                  inputMode={field === 'topK' || field === 'seed' ? 'numeric' : 'decimal'}
                  value={input[field]}
                  disabled={disabled}
                  aria-invalid={invalid}
                  aria-describedby={invalid ? `sampling-${field}-error` : undefined}
                  onInput={(e) => samplingStore.set(field, e.currentTarget.value)}
                />
              </label>
              <Message field={field} />
            </div>
          );
        })}
        <div class="sampling-field sampling-stop">
          <label>
            Stop sequences <span class="sampling-hint">(one per line, at most 4; \n for a line break)</span>
            <textarea
              data-testid="sampling-stop"
              rows={2}
              value={input.stop}
              disabled={disabled}
              aria-invalid={samplingStore.errorOf('stop') !== null}
              aria-describedby={samplingStore.errorOf('stop') ? 'sampling-stop-error' : undefined}
              onInput={(e) => samplingStore.set('stop', e.currentTarget.value)}
            />
          </label>
          <Message field="stop" />
        </div>
      </div>
      <div class="row">
        <button type="button" data-testid="sampling-reset" disabled={disabled} onClick={() => samplingStore.reset()}>
          Reset to greedy
        </button>
        {settings && (
          <p class="hint" data-testid="sampling-determinism">
            {isGreedy(settings)
              ? 'Greedy: the same prompt gives the same text, as benchmarks need.'
              : isDeterministic(settings)
                ? 'Sampled from a fixed seed: the same prompt, model and engine repeat the same text.'
                : 'Sampled with a random seed: each run differs. Set a seed to repeat one.'}
          </p>
        )}
      </div>
      {ignored.length > 0 && (
        <p class="hint" data-testid="sampling-ignored">
          Not applied by this model’s engine ({server ? `${engine}, ${server}` : engine}): {ignored.join(', ')}.
        </p>
      )}
    </details>
  );
}
