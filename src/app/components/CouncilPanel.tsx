import { useMemo } from 'preact/hooks';
import type { HardwareStore } from '../hardware.ts';
import type { Session } from '../session.ts';
import { councilStore, isFinal, type CouncilStore, type JobView, type PaneStatus } from '../council.ts';
import { TextPane } from './TextPane.tsx';
import './council.css';

const STATUS_LABEL: Record<PaneStatus, string> = {
  queued: 'queued',
  loading: 'loading',
  streaming: 'streaming',
  done: 'done',
  failed: 'failed',
  cancelled: 'stopped',
};

/** The council: several models (bundled or simulated) answer one prompt side by side, scheduled in a worker. */
export function CouncilPanel({ session, hardware }: { session: Session; hardware: HardwareStore }) {
  const council = useMemo(() => councilStore(hardware, session.available), [hardware, session]);
  return (
    <section class="panel council" aria-labelledby="council-heading" data-testid="council-panel">
      <h2 id="council-heading">Council</h2>
      <p class="hint">
        Several models answer the same prompt, within this device's tier ({council.configuredTier.value ?? hardware.decision.value?.tier ?? 'detecting'}) and memory
        budget. Simulated models compute nothing: they answer on a timetable, for trying the council without downloads.
      </p>
      <Members council={council} />
      <PromptRow council={council} />
      <Notices council={council} />
      <Turns council={council} />
    </section>
  );
}

function Members({ council }: { council: CouncilStore }) {
  const choices = council.choices.value;
  const real = choices.filter((c) => c.kind === 'model');
  const simulated = choices.filter((c) => c.kind === 'simulated');
  return (
    <fieldset class="council-members" data-testid="council-members">
      <legend>Members</legend>
      <ol>
        {council.slots.value.map((key, i) => (
          <li key={i}>
            <label>
              Member {i + 1}{' '}
              <select data-testid={`council-member-select-${i}`} value={key} onChange={(e) => council.setSlot(i, e.currentTarget.value)}>
                <optgroup label="Bundled models">
                  {real.map((c) => (
                    <option key={c.key} value={c.key}>
                      {c.label}
                    </option>
                  ))}
                </optgroup>
                <optgroup label="Simulated (no download)">
                  {simulated.map((c) => (
                    <option key={c.key} value={c.key}>
                      {c.label}
                    </option>
                  ))}
                </optgroup>
              </select>
            </label>{' '}
            <button type="button" data-testid={`council-member-remove-${i}`} aria-label={`Remove member ${i + 1}`} onClick={() => council.removeSlot(i)}>
              Remove
            </button>
          </li>
        ))}
      </ol>
      <button type="button" data-testid="council-add-member" onClick={() => council.addSlot()}>
        Add member
      </button>
    </fieldset>
  );
}

function PromptRow({ council }: { council: CouncilStore }) {
  const run = (): void => void council.run();
  return (
    <div class="council-prompt">
      <label class="council-prompt-label">
        Shared prompt
        <textarea
          data-testid="council-prompt"
          rows={2}
          value={council.prompt.value}
          onInput={(e) => (council.prompt.value = e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              run();
            }
          }}
        />
      </label>
      <div class="council-controls">
        <label>
          Max tokens{' '}
          <input
            type="number"
            min={1}
            max={512}
            data-testid="council-max-tokens"
            value={council.maxTokens.value}
            onInput={(e) => (council.maxTokens.value = Number(e.currentTarget.value) || 1)}
          />
        </label>
        <label>
          Queue capacity{' '}
          <input
            type="number"
            min={1}
            max={512}
            data-testid="council-queue-capacity"
            value={council.queueCapacity.value}
            onInput={(e) => (council.queueCapacity.value = Number(e.currentTarget.value) || 1)}
          />
        </label>
        <label title="Shrink the council when frames run late; defer loads under memory pressure">
          <input type="checkbox" data-testid="council-adapt" checked={council.adapt.value} onChange={(e) => (council.adapt.value = e.currentTarget.checked)} /> Adapt to
          frame rate
        </label>
        <label title="When the machine idles, offer to run one more member at once">
          <input
            type="checkbox"
            data-testid="council-growth-opt-in"
            checked={council.growthOptIn.value}
            onChange={(e) => (council.growthOptIn.value = e.currentTarget.checked)}
          />{' '}
          Offer a larger council when idle
        </label>
        <button type="button" data-testid="council-run" onClick={run} title="Ctrl+Enter in the prompt">
          Run council
        </button>
        <button type="button" data-testid="council-stop" onClick={() => council.stop()} disabled={!council.running.value}>
          Stop
        </button>
      </div>
    </div>
  );
}

function Notices({ council }: { council: CouncilStore }) {
  const overload = council.overload.value;
  const failure = council.failure.value;
  const notices = council.notices.value;
  return (
    <div class="council-notices">
      {failure && (
        <p role="alert" class="council-failure" data-testid="council-failure">
          {failure}
        </p>
      )}
      {overload && (
        <p role="alert" class="council-overload" data-testid="council-overload">
          {overload}
        </p>
      )}
      {council.growthOffer.value && (
        <p class="council-offer" data-testid="council-growth-offer">
          {council.growthOffer.value}{' '}
          <button type="button" data-testid="council-accept-growth" onClick={() => council.acceptGrowth()}>
            Accept
          </button>
        </p>
      )}
      {notices.length > 0 && (
        <details open>
          <summary>
            Scheduler notices ({notices.length}){' '}
            <button type="button" onClick={() => council.dismissNotices()}>
              Clear
            </button>
          </summary>
          <ul aria-live="polite" data-testid="council-notices">
            {notices.map((n) => (
              <li key={n.seq} data-kind={n.kind} data-testid="council-notice">
                {n.message}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function Turns({ council }: { council: CouncilStore }) {
  const turns = council.turns.value;
  if (turns.length === 0) return null;
  return (
    <div class="council-turns" data-testid="council-turns">
      {turns.map((turn) => (
        <article key={turn.turnId} class="council-turn" data-testid="council-turn" data-turn-id={turn.turnId}>
          <h3>
            Turn {turn.turnId.slice(1)}: <q>{turn.prompt}</q>
          </h3>
          <div class="council-panes">
            {turn.jobs.map((job) => (
              <Pane key={job.jobId} job={job} />
            ))}
          </div>
        </article>
      ))}
    </div>
  );
}

function Pane({ job }: { job: JobView }) {
  return (
    <section
      class={`council-pane status-${job.status}`}
      data-testid="council-pane"
      data-member-id={job.memberId}
      data-status={job.status}
      data-load-at={job.loadAtMs ?? undefined}
      data-ended-at={job.endedAtMs ?? undefined}
      aria-label={job.label}
    >
      <header>
        <strong>{job.label}</strong>{' '}
        <span class="council-status" data-testid="council-pane-status" aria-live={isFinal(job.status) ? 'polite' : 'off'}>
          {STATUS_LABEL[job.status]}
          {job.progress ? ` (${job.progress})` : ''}
          {job.status === 'streaming' || job.status === 'done' ? ` · ${job.pieces} tokens` : ''}
        </span>
      </header>
      <TextPane text={job.text} class="council-text" testId="council-pane-text" label={`${job.label} answer`} />
      {job.error && (
        <p class="council-error" role="alert" data-testid="council-pane-error">
          {job.error}
        </p>
      )}
    </section>
  );
}
