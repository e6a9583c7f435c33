import { formatMs, formatTps } from '../../lib/format.ts';
import type { HardwareStore } from '../device/hardware.ts';
import type { Priority } from '../../scheduler/protocol.ts';
import { memberIdFor } from '../../scheduler/member-choices.ts';
import { isFinal, type CouncilStore, type JobView, type PaneStatus, type PromptFigures } from './council-store.ts';
import { memberStatusText } from './council-member-status.ts';
import { memoryText, refusalText } from '../../scheduler/council-preflight.ts';
import { COUNCIL_OVERRIDE_MAX } from '../../tiers/index.ts';
import { AuditLogView } from './AuditLogView.tsx';
import { ContentionFigures } from './ContentionFigures.tsx';
import { TextPane } from '../ui/TextPane.tsx';
import { KeptConversations } from '../ui/KeptConversations.tsx';
import './council.css';

const PRIORITIES: readonly Priority[] = ['high', 'normal', 'low'];

const STATUS_LABEL: Record<PaneStatus, string> = {
  queued: 'queued',
  loading: 'loading',
  streaming: 'streaming',
  done: 'done',
  failed: 'failed',
  cancelled: 'stopped',
};

/** The council: several models (bundled or simulated) answer one prompt side by side, scheduled in a worker. */
export function CouncilPanel({ council, hardware }: { council: CouncilStore; hardware: HardwareStore }) {
  return (
    <section class="panel council" aria-labelledby="council-heading" data-testid="council-panel">
      <h2 id="council-heading">Council</h2>
      <p class="hint">
        Several models answer the same prompt, within this device's tier ({council.configuredTier.value ?? hardware.decision.value?.tier ?? 'detecting'}) and memory
        budget. Simulated models compute nothing: they answer on a timetable, for trying the council without downloads.
      </p>
      <Members council={council} />
      <Preflight council={council} />
      <ConversationControls council={council} />
      <PromptRow council={council} />
      <Notices council={council} />
      <Turns council={council} />
      <ContentionFigures council={council} />
      <CouncilConversations council={council} />
      <AuditLogView />
    </section>
  );
}

function Members({ council }: { council: CouncilStore }) {
  const choices = council.choices.value;
  const real = choices.filter((c) => c.kind === 'bundled');
  const hub = choices.filter((c) => c.kind === 'hub');
  const simulated = choices.filter((c) => c.kind === 'simulated');
  const remote = choices.filter((c) => c.kind === 'remote');
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
                <optgroup label="Hub models (download the first time; web-llm ones need WebGPU)">
                  {hub.map((c) => (
                    <option key={c.key} value={c.key}>
                      {c.label}
                    </option>
                  ))}
                </optgroup>
                {remote.length > 0 && (
                  <optgroup label="Inference servers (prompts leave this device)">
                    {remote.map((c) => (
                      <option key={c.key} value={c.key}>
                        {c.label}
                      </option>
                    ))}
                  </optgroup>
                )}
                <optgroup label="Simulated (no download)">
                  {simulated.map((c) => (
                    <option key={c.key} value={c.key}>
                      {c.label}
                    </option>
                  ))}
                </optgroup>
              </select>
            </label>{' '}
            <label>
              Priority{' '}
              <select
                data-testid={`council-member-priority-${i}`}
                aria-label={`Priority of member ${i + 1}`}
                value={council.priorityOf(i)}
                onChange={(e) => council.setPriority(i, e.currentTarget.value as Priority)}
              >
                {PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </label>{' '}
            <button type="button" data-testid={`council-member-remove-${i}`} aria-label={`Remove member ${i + 1}`} onClick={() => council.removeSlot(i)}>
              Remove
            </button>
            <MemberState council={council} index={i} memberId={memberIdFor(i, key)} />
          </li>
        ))}
      </ol>
      <button type="button" data-testid="council-add-member" onClick={() => council.addSlot()}>
        Add member
      </button>
    </fieldset>
  );
}

/** The member's worker as the scheduler reports it: loaded or not, restarts, removal, and the last fault's sentence. */
function MemberState({ council, index, memberId }: { council: CouncilStore; index: number; memberId: string }) {
  const view = council.memberViews.value.get(memberId);
  const status = memberStatusText(view);
  if (!view || !status) return null;
  return (
    <>
      {' '}
      <span class={`council-member-state ${status.tone}`} data-testid={`council-member-state-${index}`} data-state={view.state} data-restarts={view.recentRestarts} role="status">
        {status.text}
      </span>
      {status.action === 'add-back' && (
        <>
          {' '}
          <button type="button" data-testid={`council-member-add-back-${index}`} aria-label={`Add it back (member ${index + 1})`} onClick={() => council.addBack(memberId)}>
            Add it back
          </button>
        </>
      )}
      {status.detail && (
        <div class="council-member-fault" data-testid={`council-member-fault-${index}`}>
          {status.detail}
        </div>
      )}
    </>
  );
}

/** The pre-flight verdict of the council as composed: the tier's cap, the budget, the footprints, and what to do. */
function Preflight({ council }: { council: CouncilStore }) {
  const check = council.preflight.value;
  return (
    <div id="council-preflight" class={`council-preflight ${check.verdict}`} data-testid="council-preflight" data-verdict={check.verdict} role="status">
      <p class="council-preflight-numbers">
        <span data-testid="council-preflight-cap">
          {check.tierLabel} tier: {check.capText}
        </span>
        {' · '}
        <span data-testid="council-preflight-memory" data-budget-bytes={check.budgetBytes} data-total-bytes={check.totalBytes}>
          {memoryText(check)}
        </span>
      </p>
      <p data-testid="council-preflight-message">
        {check.verdict === 'refuse' ? 'Cannot run: ' : check.verdict === 'warn' ? 'Note: ' : ''}
        {check.message}
      </p>
      {check.suggestion && <p data-testid="council-preflight-suggestion">{check.suggestion}</p>}
      {check.remote && <p data-testid="council-preflight-remote">{check.remote}</p>}
    </div>
  );
}

/** The conversation switch: off, every turn is a fresh prompt; on, each member reads its own earlier exchanges. */
function ConversationControls({ council }: { council: CouncilStore }) {
  const on = council.conversation.value;
  const sent = council.conversationTurns.value;
  return (
    <div class="council-conversation">
      <label title="Each member reads the earlier prompts and its own answers to them before the new prompt">
        <input type="checkbox" data-testid="council-conversation" checked={on} onChange={(e) => council.setConversation(e.currentTarget.checked)} /> Conversation
      </label>
      {on && (
        <>
          {' '}
          <span class="council-conversation-turn" data-testid="council-conversation-turn" data-turns={sent} role="status">
            Next: turn {sent + 1} of this conversation
          </span>{' '}
          <button type="button" data-testid="council-new-conversation" onClick={() => council.newConversation()} disabled={sent === 0}>
            New conversation
          </button>
        </>
      )}
    </div>
  );
}

/** The kept council conversations: opening one continues it with its members (see council-store.ts, openConversation). */
function CouncilConversations({ council }: { council: CouncilStore }) {
  const message = council.conversationMessage.value;
  return (
    <>
      {message && (
        <div class={`banner ${message.kind === 'error' ? 'error' : 'notice'}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="council-conversation-message">
          <span>{message.text}</span>
          <button type="button" aria-label="Dismiss" onClick={() => (council.conversationMessage.value = null)}>
            ×
          </button>
        </div>
      )}
      <KeptConversations
        list={{
          idPrefix: 'council-conversation',
          heading: 'Council conversations',
          empty: 'No saved council conversations. With Conversation on, a council conversation is kept on this device from its first ended turn.',
          deleteNote: 'Council answers are kept only in their conversation.',
          items: council.savedConversations.value,
          currentId: council.currentConversation.value?.id ?? null,
          busy: council.running.value,
          importErrors: council.importErrors.value,
          open: (id) => council.openConversation(id),
          rename: (id, title) => council.renameConversation(id, title),
          remove: (id) => void council.deleteConversation(id),
          exportIds: (ids) => council.exportConversations(ids),
          importFile: (file) => void council.importConversations(file),
          dismissImportErrors: () => (council.importErrors.value = []),
        }}
      />
    </>
  );
}

function PromptRow({ council }: { council: CouncilStore }) {
  const run = (): void => void council.run();
  const refusal = refusalText(council.preflight.value);
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
        <CapOverride council={council} />
        <label title="Members take the same prompt and their text advances one token at a time, together; needs every member running at once">
          <input type="checkbox" data-testid="council-lock-step" checked={council.lockStep.value} onChange={(e) => (council.lockStep.value = e.currentTarget.checked)} />{' '}
          Lock-step
        </label>
        <button
          type="button"
          data-testid="council-run"
          onClick={run}
          disabled={refusal !== null}
          aria-describedby="council-preflight"
          title={refusal ?? 'Ctrl+Enter in the prompt'}
        >
          Run council
        </button>
        <button type="button" data-testid="council-stop" onClick={() => council.stop()} disabled={!council.running.value}>
          Stop
        </button>
      </div>
    </div>
  );
}

/** The user's override of the tier's council cap; the pre-flight warns about it, and still holds the memory budget. */
function CapOverride({ council }: { council: CouncilStore }) {
  const on = council.capOverride.value;
  return (
    <span class="council-cap-override">
      <label title="Run more members at once than this device's tier allows; the memory budget still applies">
        <input type="checkbox" data-testid="council-cap-override" checked={on} onChange={(e) => (council.capOverride.value = e.currentTarget.checked)} /> Allow more
        members than the tier's cap (up to {COUNCIL_OVERRIDE_MAX})
      </label>{' '}
      {/* Only while the override is on: a number beside an unchecked box read as if it applied. */}
      {on && (
        <label>
          Members at once{' '}
          <input
            type="number"
            min={1}
            max={COUNCIL_OVERRIDE_MAX}
            data-testid="council-cap-override-members"
            value={council.capOverrideMembers.value}
            onInput={(e) => (council.capOverrideMembers.value = Number(e.currentTarget.value) || 1)}
          />
        </label>
      )}
    </span>
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
            {turn.saved ? 'Saved turn' : `Turn ${turn.turnId.slice(1)}`}: <q>{turn.prompt}</q>
            {turn.conversationTurn !== undefined && (
              <span class="council-turn-place" data-testid="council-turn-place" data-conversation-turn={turn.conversationTurn}>
                {' '}
                · turn {turn.conversationTurn} of this conversation
              </span>
            )}
          </h3>
          <div class="council-panes">
            {turn.jobs.map((job) => (
              <Pane key={job.jobId} job={job} inConversation={turn.conversationTurn !== undefined} />
            ))}
          </div>
        </article>
      ))}
    </div>
  );
}

function Pane({ job, inConversation }: { job: JobView; inConversation: boolean }) {
  return (
    <section
      class={`council-pane status-${job.status}`}
      data-testid="council-pane"
      data-member-id={job.memberId}
      data-status={job.status}
      data-pieces={job.pieces}
      data-load-at={job.loadAtMs ?? undefined}
      data-ended-at={job.endedAtMs ?? undefined}
      data-prompt-tokens={job.prompt?.promptTokens}
      data-reused-prompt-tokens={job.prompt?.reusedPromptTokens}
      data-dropped-messages={job.prompt?.droppedMessages}
      data-run-id={job.runId ?? ''}
      aria-label={job.label}
    >
      <header>
        <strong>{job.label}</strong>{' '}
        <span class="council-status" data-testid="council-pane-status" aria-live={isFinal(job.status) ? 'polite' : 'off'}>
          {STATUS_LABEL[job.status]}
          {job.progress ? ` (${job.progress})` : ''}
          {job.status === 'streaming' || job.status === 'done' ? ` · ${job.pieces} tokens` : ''}
        </span>
        {job.speed && (
          <span class="hint council-speed" data-testid="council-pane-speed" title="On the engine's clock, as a single run's TTFT and decode">
            {' '}
            TTFT {formatMs(job.speed.ttftMs)} · {formatTps(job.speed.decodeTps)}
          </span>
        )}
      </header>
      <TextPane text={job.text} class="council-text" testId="council-pane-text" label={`${job.label} answer`} />
      {inConversation && job.prompt && <PromptFacts prompt={job.prompt} />}
      {job.error && (
        <p class="council-error" role="alert" data-testid="council-pane-error">
          {job.error}
        </p>
      )}
    </section>
  );
}

/** What the member's engine read: its prompt, the part its KV cache already held, and turns left out for its context. */
function PromptFacts({ prompt }: { prompt: PromptFigures }) {
  return (
    <p class="council-prompt-facts" data-testid="council-pane-prompt">
      Read {prompt.promptTokens} prompt tokens
      {prompt.reusedPromptTokens > 0 ? `, ${prompt.reusedPromptTokens} of them reused from the previous turn` : ''}
      {prompt.droppedMessages > 0 ? `; ${prompt.droppedMessages} oldest messages left out to fit the context` : ''}
    </p>
  );
}
