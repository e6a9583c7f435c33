import { useState } from 'preact/hooks';
import type { ChatSession } from './chat-session.ts';
import type { Conversation } from '../../conversations/conversation.ts';

function Row({ chat, conversation, current, busy }: { chat: ChatSession; conversation: Conversation; current: boolean; busy: boolean }) {
  const [name, setName] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const title = conversation.title;
  const when = new Date(conversation.updatedAt).toLocaleString();
  if (name !== null) {
    const save = async () => {
      const reason = await chat.rename(conversation.id, name);
      setRefusal(reason);
      if (reason === null) setName(null);
    };
    return (
      <li class="conversation-row" data-testid="conversation-row">
        <input
          type="text"
          aria-label={`New name for "${title}"`}
          data-testid="conversation-rename-input"
          value={name}
          maxLength={200}
          onInput={(e) => setName(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void save();
            else if (e.key === 'Escape') setName(null);
          }}
        />
        <button type="button" data-testid="conversation-rename-save" onClick={() => void save()}>
          Save name
        </button>
        <button type="button" onClick={() => (setName(null), setRefusal(null))}>
          Cancel
        </button>
        {refusal && (
          <span class="bad" role="alert">
            {refusal}
          </span>
        )}
      </li>
    );
  }
  return (
    <li class={`conversation-row${current ? ' current' : ''}`} data-testid="conversation-row">
      <button type="button" class="conversation-open" data-testid="conversation-open" aria-current={current ? 'true' : undefined} disabled={busy} onClick={() => chat.open(conversation.id)}>
        <span data-testid="conversation-title">{title}</span>
        <span class="hint">
          {' '}
          · {conversation.turns.length} turn{conversation.turns.length === 1 ? '' : 's'} · {when}
        </span>
      </button>
      <button type="button" data-testid="conversation-rename" aria-label={`Rename "${title}"`} onClick={() => setName(title)}>
        Rename
      </button>
      <button type="button" data-testid="conversation-export" aria-label={`Export "${title}" as JSON`} onClick={() => chat.export([conversation.id])}>
        Export
      </button>
      <button
        type="button"
        data-testid="conversation-delete"
        aria-label={`Delete "${title}"`}
        disabled={busy && current}
        onClick={() => {
          if (confirm(`Delete the conversation "${title}"? Its runs stay in History. This cannot be undone.`)) void chat.remove(conversation.id);
        }}
      >
        Delete
      </button>
    </li>
  );
}

export function ConversationList({ chat, busy }: { chat: ChatSession; busy: boolean }) {
  const conversations = chat.conversations.value;
  const currentId = chat.current.value.id;
  const errors = chat.importErrors.value;
  return (
    <section class="panel conversations-panel" aria-labelledby="conversations-heading" data-testid="conversations-panel">
      <h2 id="conversations-heading">Conversations</h2>
      {conversations.length === 0 ? (
        <p class="hint">No saved conversations. A conversation is kept on this device from its first answer.</p>
      ) : (
        <ul class="conversation-list" data-testid="conversation-list">
          {conversations.map((c) => (
            <Row key={c.id} chat={chat} conversation={c} current={c.id === currentId} busy={busy} />
          ))}
        </ul>
      )}
      <div class="row">
        <button type="button" data-testid="conversations-export-all" disabled={conversations.length === 0} onClick={() => chat.export('all')}>
          Export all
        </button>
        <label>
          Import conversations (JSON){' '}
          <input type="file" accept="application/json,.json" data-testid="conversations-import" onChange={(e) => {
            const input = e.currentTarget as HTMLInputElement;
            const file = input.files?.[0];
            input.value = '';
            if (file) void chat.importFile(file);
          }} />
        </label>
      </div>
      {errors.length > 0 && (
        <div class="banner error" role="alert" data-testid="conversations-import-error">
          <span>
            Not imported: {errors.length === 1 ? errors[0] : ''}
            {errors.length > 1 && (
              <ul>
                {errors.map((e, i) => (
                  <li key={i}>{e}</li>
                ))}
              </ul>
            )}
          </span>
          <button type="button" aria-label="Dismiss import error" onClick={() => (chat.importErrors.value = [])}>
            ×
          </button>
        </div>
      )}
    </section>
  );
}
