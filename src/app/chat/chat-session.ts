/**
 * The conversation view's state and actions. Every answer is an ordinary run of the page's Session
 * (its canvas, output pane, stats and history included), asked with the conversation's messages;
 * which messages, and what the conversation becomes, is decided by the pure rules of
 * src/conversations/conversation.ts. Conversations are kept in their own database (store.ts).
 */
import { batch, signal, type Signal } from '@preact/signals';
import type { Session } from '../single/session.ts';
import {
  droppedNotice,
  newConversation,
  newestFirst,
  planEdit,
  planNewTurn,
  planRegenerate,
  renamed,
  withAnswer,
  withRunId,
  withSystemPrompt,
  type Conversation,
  type PlanOutcome,
  type Turn,
} from '../../conversations/conversation.ts';
import { asImported, exportDocument, exportFileName, readConversationsFile } from '../../conversations/exchange.ts';
import { ConversationStore, pageConversationStoreOptions } from '../../conversations/store.ts';
import { downloadText } from '../results/download.ts';

export interface ChatMessageBanner {
  kind: 'error' | 'notice';
  text: string;
}

/** The answer being generated: the turns before it and its question, shown while the run streams. */
export interface PendingTurn {
  kept: Turn[];
  question: string;
}

export interface ChatSessionOptions {
  appVersion: string;
  /** The model's context in tokens, for the "left out" notice; null when unknown. */
  contextTokensOf?: (modelId: string) => number | null;
  store?: ConversationStore;
  now?: () => number;
  newId?: () => string;
}

export class ChatSession {
  private readonly store: ConversationStore;
  private readonly now: () => number;
  private readonly newId: () => string;

  /** Every stored conversation, most recently used first. */
  readonly conversations = signal<Conversation[]>([]);
  /** The conversation on screen; one with no turns is not stored until its first answer. */
  readonly current: Signal<Conversation>;
  readonly composer = signal('');
  readonly pending = signal<PendingTurn | null>(null);
  readonly message = signal<ChatMessageBanner | null>(null);
  /** The latest answer's "earlier messages were left out" notice. */
  readonly dropped = signal<string | null>(null);
  /** What the last import refused, reason by reason. */
  readonly importErrors = signal<string[]>([]);

  constructor(
    private readonly session: Session,
    private readonly options: ChatSessionOptions,
  ) {
    this.store = options.store ?? new ConversationStore(pageConversationStoreOptions());
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? (() => crypto.randomUUID());
    this.current = signal(newConversation(this.newId(), this.now(), session.modelId.peek()));
  }

  /** Reads the stored conversations and reopens the most recently used one. */
  async init(): Promise<void> {
    try {
      const stored = await this.store.list();
      batch(() => {
        this.conversations.value = stored;
        if (stored[0] && this.current.peek().turns.length === 0) this.current.value = stored[0];
      });
    } catch (error) {
      this.message.value = { kind: 'error', text: `Saved conversations could not be read (${error instanceof Error ? error.message : String(error)}).` };
    }
  }

  send(): Promise<void> {
    const question = this.composer.value;
    return this.run(planNewTurn(this.current.value, question), () => (this.composer.value = ''), () => (this.composer.value ||= question));
  }

  regenerate(): Promise<void> {
    return this.run(planRegenerate(this.current.value));
  }

  editAndResend(index: number, question: string): Promise<void> {
    return this.run(planEdit(this.current.value, index, question));
  }

  stop(): void {
    this.session.stop();
  }

  /**
   * Asks the plan's question as one run and stores the conversation with its answer. `started` runs
   * as the question is sent; `notSent` when nothing was generated (the run could not start).
   */
  private async run(outcome: PlanOutcome, started?: () => void, notSent?: () => void): Promise<void> {
    if (this.session.generating.peek() || this.pending.peek()) return;
    if (!outcome.ok) {
      this.message.value = { kind: 'error', text: outcome.reason };
      return;
    }
    const { plan } = outcome;
    const conversation = this.current.value;
    batch(() => {
      this.message.value = null;
      this.dropped.value = null;
      this.pending.value = { kept: plan.kept, question: plan.question };
      started?.();
    });
    try {
      const answer = await this.session.generate({ chat: { messages: plan.messages, conversationId: conversation.id, turn: plan.kept.length } });
      if (!answer) {
        notSent?.();
        return;
      }
      const turn: Turn = {
        user: plan.question,
        assistant: answer.text,
        at: this.now(),
        modelId: answer.modelId,
        runId: null,
        finish: answer.finish,
        droppedMessages: answer.droppedMessages,
        reusedPromptTokens: answer.reusedPromptTokens,
        cached: answer.cached,
      };
      this.dropped.value = droppedNotice(answer.droppedMessages, this.options.contextTokensOf?.(answer.modelId) ?? null);
      // The user may have opened another conversation meanwhile: the answer belongs to the one it was asked in.
      const base = this.current.peek().id === conversation.id ? this.current.peek() : conversation;
      // The answer is kept at once; the run's id follows once its record is on disk, so a slow run
      // store never holds the conversation back.
      void answer.saved.then(async (record) => {
        if (record?.id !== undefined) await this.attachRun(conversation.id, plan.kept.length, turn.at, record.id);
      });
      await this.keep(withAnswer(base, plan.kept, turn), 'the newest answer');
    } finally {
      this.pending.value = null;
    }
  }

  /** Shows the conversation at once and stores it; a write refused keeps it on screen and says so. */
  private async keep(conversation: Conversation, what: string): Promise<void> {
    batch(() => {
      if (this.current.peek().id === conversation.id) this.current.value = conversation;
      this.conversations.value = newestFirst([conversation, ...this.conversations.peek().filter((c) => c.id !== conversation.id)]);
    });
    try {
      const deleted = await this.store.save([conversation], what);
      if (deleted.length > 0) this.conversations.value = this.conversations.peek().filter((c) => !deleted.includes(c.id));
    } catch (error) {
      this.message.value = { kind: 'error', text: error instanceof Error ? error.message : String(error) };
    }
  }

  private async attachRun(conversationId: string, index: number, at: number, runId: number): Promise<void> {
    const latest = this.current.peek().id === conversationId ? this.current.peek() : this.conversations.peek().find((c) => c.id === conversationId);
    if (!latest) return;
    const next = withRunId(latest, index, at, runId);
    if (next !== latest) await this.keep(next, 'the link from the answer to its run');
  }

  startNew(): void {
    if (this.pending.peek()) return;
    batch(() => {
      this.current.value = newConversation(this.newId(), this.now(), this.session.modelId.peek(), '');
      this.composer.value = '';
      this.dropped.value = null;
      this.message.value = null;
    });
  }

  open(id: string): void {
    const found = this.conversations.peek().find((c) => c.id === id);
    if (!found || this.pending.peek()) return;
    batch(() => {
      this.current.value = found;
      this.dropped.value = null;
      this.message.value = null;
    });
  }

  setSystemPrompt(systemPrompt: string): void {
    this.current.value = withSystemPrompt(this.current.value, systemPrompt);
  }

  /** Answers the reason a name was refused, or null when it was taken. */
  async rename(id: string, title: string): Promise<string | null> {
    const found = this.conversations.peek().find((c) => c.id === id) ?? (this.current.peek().id === id ? this.current.peek() : undefined);
    if (!found) return 'That conversation is no longer here.';
    const outcome = renamed(found, title, this.now());
    if (!outcome.ok) return outcome.reason;
    if (this.conversations.peek().some((c) => c.id === id)) await this.keep(outcome.conversation, 'the new name');
    else this.current.value = outcome.conversation;
    return null;
  }

  async remove(id: string): Promise<void> {
    if (this.pending.peek() && this.current.peek().id === id) return;
    try {
      await this.store.delete(id);
    } catch (error) {
      this.message.value = { kind: 'error', text: `The conversation could not be deleted (${error instanceof Error ? error.message : String(error)}).` };
      return;
    }
    this.conversations.value = this.conversations.peek().filter((c) => c.id !== id);
    if (this.current.peek().id === id) this.startNew();
  }

  export(ids: readonly string[] | 'all'): void {
    const chosen = ids === 'all' ? this.conversations.peek() : this.conversations.peek().filter((c) => ids.includes(c.id));
    if (chosen.length === 0) return;
    const now = this.now();
    downloadText(exportFileName(chosen, now), JSON.stringify(exportDocument(chosen, this.options.appVersion, now), null, 2), 'application/json');
  }

  /** Reads a conversations file; anything wrong with it refuses the whole file, with the reasons. */
  async importFile(file: File): Promise<void> {
    this.importErrors.value = [];
    const outcome = await readConversationsFile(file);
    if (!outcome.ok) {
      this.importErrors.value = outcome.errors;
      return;
    }
    const imported = asImported(outcome.document.conversations, new Set(this.conversations.peek().map((c) => c.id)), this.newId);
    if (imported.length === 0) {
      this.message.value = { kind: 'notice', text: 'The file holds no conversations.' };
      return;
    }
    try {
      await this.store.save(imported, imported.length === 1 ? 'the imported conversation' : `the ${imported.length} imported conversations`);
      this.conversations.value = await this.store.list();
      this.message.value = { kind: 'notice', text: imported.length === 1 ? `Imported "${imported[0]!.title}".` : `Imported ${imported.length} conversations.` };
    } catch (error) {
      this.message.value = { kind: 'error', text: error instanceof Error ? error.message : String(error) };
    }
  }
}
