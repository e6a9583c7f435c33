import type { Session } from '../single/session.ts';
import { PromptBox } from '../single/PromptBox.tsx';
import type { ChatSession } from './chat-session.ts';
import { ChatPanel } from './ChatPanel.tsx';
import { setSingleMode, singleMode, type SingleMode } from './chat-mode.ts';

const MODES: [SingleMode, string][] = [
  ['chat', 'Conversation'],
  ['raw', 'Raw prompt'],
];

/** The single-model area's input: a conversation, or the raw prompt box for benchmarks and exact answers. */
export function SingleArea({ session, chat }: { session: Session; chat: ChatSession }) {
  const mode = singleMode.value;
  const busy = session.generating.value;
  return (
    <>
      <fieldset class="mode-switch" data-testid="single-mode">
        <legend class="sr-only">Ask the model with</legend>
        {MODES.map(([value, label]) => (
          <label key={value}>
            <input type="radio" name="single-mode" value={value} checked={mode === value} disabled={busy} data-testid={`single-mode-${value}`} onChange={() => setSingleMode(value)} />
            {label}
          </label>
        ))}
      </fieldset>
      {mode === 'chat' ? <ChatPanel chat={chat} session={session} /> : <PromptBox session={session} />}
    </>
  );
}
