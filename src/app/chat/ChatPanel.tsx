import { useState } from 'preact/hooks';
import type { Session } from '../single/session.ts';
import type { ChatSession } from './chat-session.ts';
import type { Turn } from '../../conversations/conversation.ts';
import { TextPane } from '../ui/TextPane.tsx';
import { turnFacts } from './turn-facts.ts';
import './chat.css';

/** Enter sends, Shift+Enter is a new line (and so is Enter while an input method is composing). */
function sendsOnEnter(e: KeyboardEvent): boolean {
  return e.key === 'Enter' && !e.shiftKey && !e.isComposing;
}

function UserMessage({ chat, turn, index, editable }: { chat: ChatSession; turn: Turn; index: number; editable: boolean }) {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft !== null) {
    const resend = () => {
      setDraft(null);
      void chat.editAndResend(index, draft);
    };
    return (
      <div class="chat-msg user editing" data-testid="chat-edit">
        <textarea
          aria-label={`Edit message ${index + 1}`}
          data-testid="chat-edit-input"
          rows={3}
          value={draft}
          onInput={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (sendsOnEnter(e)) {
              e.preventDefault();
              resend();
            } else if (e.key === 'Escape') setDraft(null);
          }}
        />
        <p class="hint">Resending drops this answer and every turn after it.</p>
        <div class="row">
          <button type="button" data-testid="chat-edit-resend" onClick={resend}>
            Resend
          </button>
          <button type="button" onClick={() => setDraft(null)}>
            Cancel
          </button>
        </div>
      </div>
    );
  }
  return (
    <div class="chat-msg user" data-testid="chat-user">
      <span class="chat-role">You</span>
      <p class="chat-text">{turn.user}</p>
      {editable && (
        <button type="button" class="chat-small" data-testid="chat-edit-button" aria-label={`Edit and resend message ${index + 1}`} onClick={() => setDraft(turn.user)}>
          Edit
        </button>
      )}
    </div>
  );
}

function AnswerMessage({ turn }: { turn: Turn }) {
  return (
    <div class="chat-msg assistant" data-testid="chat-assistant" data-finish={turn.finish} data-run-id={turn.runId ?? ''} data-reused-prompt-tokens={turn.reusedPromptTokens} data-cached={String(turn.cached)}>
      <span class="chat-role">Model</span>
      <p class="chat-text">{turn.assistant || '(no text)'}</p>
      <p class="chat-facts hint" data-testid="chat-turn-facts">
        {turnFacts(turn).join(' · ')}
      </p>
    </div>
  );
}

export function ChatPanel({ chat, session }: { chat: ChatSession; session: Session }) {
  const conversation = chat.current.value;
  const pending = chat.pending.value;
  const generating = session.generating.value;
  const busy = generating || pending !== null || session.load.value.status === 'loading';
  const turns = pending ? pending.kept : conversation.turns;
  const banner = chat.message.value;
  return (
    <section class="panel chat-panel" aria-labelledby="chat-heading" data-testid="chat-panel">
      <div class="chat-head">
        <h2 id="chat-heading">
          Conversation: <span data-testid="chat-title">{conversation.title}</span>
        </h2>
        <button type="button" data-testid="chat-new" disabled={busy} onClick={() => chat.startNew()}>
          New conversation
        </button>
      </div>
      <details class="chat-system" open={conversation.systemPrompt !== '' && conversation.turns.length === 0}>
        <summary>System prompt{conversation.systemPrompt ? '' : ' (none)'}</summary>
        <textarea
          aria-label="System prompt"
          data-testid="chat-system"
          rows={2}
          value={conversation.systemPrompt}
          readOnly={conversation.turns.length > 0 || busy}
          placeholder="Optional: how the model should answer, sent before every message."
          onInput={(e) => chat.setSystemPrompt(e.currentTarget.value)}
        />
        {conversation.turns.length > 0 && <p class="hint">Fixed once the conversation has answers; start a new conversation to change it.</p>}
      </details>
      <ol class="chat-turns" aria-label="Messages" data-testid="chat-turns">
        {turns.map((turn, index) => (
          <li key={`${index}-${turn.at}`} class="chat-turn" data-testid="chat-turn">
            <UserMessage chat={chat} turn={turn} index={index} editable={!busy} />
            <AnswerMessage turn={turn} />
          </li>
        ))}
        {pending && (
          <li class="chat-turn" data-testid="chat-pending">
            <div class="chat-msg user">
              <span class="chat-role">You</span>
              <p class="chat-text">{pending.question}</p>
            </div>
            <div class="chat-msg assistant">
              <span class="chat-role">Model</span>
              <TextPane text={session.output} class="chat-stream" testId="chat-streaming" label="The answer being generated" />
            </div>
          </li>
        )}
      </ol>
      {turns.length === 0 && !pending && <p class="hint">No messages yet. Each answer is a measured run: its timings appear under This run and in History.</p>}
      {chat.dropped.value && (
        <p class="chat-dropped" role="status" data-testid="chat-dropped">
          {chat.dropped.value}
        </p>
      )}
      {banner && (
        <div class={`banner ${banner.kind}`} role={banner.kind === 'error' ? 'alert' : 'status'} data-testid={`chat-${banner.kind}`}>
          <span>{banner.text}</span>
          <button type="button" aria-label={`Dismiss ${banner.kind}`} onClick={() => (chat.message.value = null)}>
            ×
          </button>
        </div>
      )}
      <textarea
        class="chat-composer"
        data-testid="chat-input"
        aria-label="Message"
        rows={3}
        placeholder="Type a message. Enter sends, Shift+Enter starts a new line, Esc stops."
        value={chat.composer.value}
        onInput={(e) => (chat.composer.value = e.currentTarget.value)}
        onKeyDown={(e) => {
          if (sendsOnEnter(e)) {
            e.preventDefault();
            void chat.send();
          } else if (e.key === 'Escape') chat.stop();
        }}
      />
      <div class="row">
        <button type="button" data-testid="chat-send" disabled={busy} onClick={() => void chat.send()}>
          Send
        </button>
        <button type="button" data-testid="chat-stop" disabled={!generating} onClick={() => chat.stop()}>
          Stop
        </button>
        <button type="button" data-testid="chat-regenerate" disabled={busy || conversation.turns.length === 0} onClick={() => void chat.regenerate()}>
          Regenerate last answer
        </button>
        <span class="status" role="status" data-testid="chat-status">
          {pending && (generating ? 'Answering…' : 'Saving…')}
        </span>
      </div>
    </section>
  );
}
