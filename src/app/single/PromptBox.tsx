import type { Session } from './session.ts';

export function PromptBox({ session }: { session: Session }) {
  const generating = session.generating.value;
  const loading = session.load.value.status === 'loading';
  return (
    <section class="panel" aria-labelledby="prompt-heading">
      <h2 id="prompt-heading">Prompt</h2>
      <textarea
        data-testid="prompt"
        aria-label="Prompt"
        rows={4}
        placeholder="Type a prompt. Ctrl+Enter generates, Esc stops."
        value={session.prompt.value}
        onInput={(e) => (session.prompt.value = e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void session.generate();
          } else if (e.key === 'Escape') {
            session.stop();
          }
        }}
      />
      <div class="row">
        <button data-testid="generate-button" type="button" disabled={generating || loading} onClick={() => void session.generate()}>
          Generate
        </button>
        <button data-testid="stop-button" type="button" disabled={!generating} onClick={() => session.stop()}>
          Stop
        </button>
        {generating && <span class="status" data-testid="generating">Generating…</span>}
      </div>
    </section>
  );
}
