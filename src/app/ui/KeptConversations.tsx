/** A list of kept conversations (the single-model chat's and the council's): open, rename, export, delete; import with the reasons a file was refused. */
import { useState } from 'preact/hooks';
import './kept-conversations.css';

/** What a list of kept conversations needs: the single-model chat's and the council's give the same list. */
export interface ConversationListModel {
  /** Prefix of the test ids and element ids: `conversation` gives `conversation-row`, `conversations-import`, … */
  idPrefix: string;
  heading: string;
  empty: string;
  /** Said before deleting, after the question: what stays. */
  deleteNote: string;
  items: readonly ListedConversation[];
  currentId: string | null;
  busy: boolean;
  importErrors: readonly string[];
  open(id: string): void;
  /** Answers the reason a name was refused, or null when it was taken. */
  rename(id: string, title: string): Promise<string | null>;
  remove(id: string): void;
  exportIds(ids: readonly string[] | 'all'): void;
  importFile(file: File): void;
  dismissImportErrors(): void;
}

export interface ListedConversation {
  id: string;
  title: string;
  updatedAt: number;
  turns: readonly unknown[];
}

function Row({ list, conversation, current }: { list: ConversationListModel; conversation: ListedConversation; current: boolean }) {
  const p = list.idPrefix;
  const busy = list.busy;
  const [name, setName] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const title = conversation.title;
  const when = new Date(conversation.updatedAt).toLocaleString();
  if (name !== null) {
    const save = async () => {
      const reason = await list.rename(conversation.id, name);
      setRefusal(reason);
      if (reason === null) setName(null);
    };
    return (
      <li class="conversation-row" data-testid={`${p}-row`}>
        <input
          type="text"
          aria-label={`New name for "${title}"`}
          data-testid={`${p}-rename-input`}
          value={name}
          maxLength={200}
          onInput={(e) => setName(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void save();
            else if (e.key === 'Escape') setName(null);
          }}
        />
        <button type="button" data-testid={`${p}-rename-save`} onClick={() => void save()}>
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
    <li class={`conversation-row${current ? ' current' : ''}`} data-testid={`${p}-row`}>
      <button type="button" class="conversation-open" data-testid={`${p}-open`} aria-current={current ? 'true' : undefined} disabled={busy} onClick={() => list.open(conversation.id)}>
        <span data-testid={`${p}-title`}>{title}</span>
        <span class="hint">
          {' '}
          · {conversation.turns.length} turn{conversation.turns.length === 1 ? '' : 's'} · {when}
        </span>
      </button>
      <button type="button" data-testid={`${p}-rename`} aria-label={`Rename "${title}"`} onClick={() => setName(title)}>
        Rename
      </button>
      <button type="button" data-testid={`${p}-export`} aria-label={`Export "${title}" as JSON`} onClick={() => list.exportIds([conversation.id])}>
        Export
      </button>
      <button
        type="button"
        data-testid={`${p}-delete`}
        aria-label={`Delete "${title}"`}
        disabled={busy && current}
        onClick={() => {
          if (confirm(`Delete the conversation "${title}"? ${list.deleteNote} This cannot be undone.`)) list.remove(conversation.id);
        }}
      >
        Delete
      </button>
    </li>
  );
}

/** A list of kept conversations: open, rename, export, delete each; export all; import a file, with the reasons it was refused. */
export function KeptConversations({ list }: { list: ConversationListModel }) {
  const p = list.idPrefix;
  const conversations = list.items;
  const errors = list.importErrors;
  return (
    <section class="panel conversations-panel" aria-labelledby={`${p}s-heading`} data-testid={`${p}s-panel`}>
      <h2 id={`${p}s-heading`}>{list.heading}</h2>
      {conversations.length === 0 ? (
        <p class="hint">{list.empty}</p>
      ) : (
        <ul class="conversation-list" data-testid={`${p}-list`}>
          {conversations.map((c) => (
            <Row key={c.id} list={list} conversation={c} current={c.id === list.currentId} />
          ))}
        </ul>
      )}
      <div class="row">
        <button type="button" data-testid={`${p}s-export-all`} disabled={conversations.length === 0} onClick={() => list.exportIds('all')}>
          Export all
        </button>
        <label>
          Import conversations (JSON){' '}
          <input type="file" accept="application/json,.json" data-testid={`${p}s-import`} onChange={(e) => {
            const input = e.currentTarget as HTMLInputElement;
            const file = input.files?.[0];
            input.value = '';
            if (file) list.importFile(file);
          }} />
        </label>
      </div>
      {errors.length > 0 && (
        <div class="banner error" role="alert" data-testid={`${p}s-import-error`}>
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
          <button type="button" aria-label="Dismiss import error" onClick={() => list.dismissImportErrors()}>
            ×
          </button>
        </div>
      )}
    </section>
  );
}
