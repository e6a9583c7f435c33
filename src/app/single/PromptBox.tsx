import { useEffect, useRef } from 'preact/hooks';
import type { Session } from './session.ts';

export function PromptBox({ session }: { session: Session }) {
  const generating = session.generating.value;
  const loading = session.load.value.status === 'loading';
  const generateButton = useRef<HTMLButtonElement>(null);
  const stopButton = useRef<HTMLButtonElement>(null);
  const mounted = useRef(false);
  // A button that disables itself drops keyboard focus to <body>: hand it to the one that now works.
  // Never on the first render: the page's first focus belongs to the page (its skip link).
  useEffect(() => {
    if (!mounted.current) {
      mounted.current = true;
      return;
    }
    const active = document.activeElement;
    const dropped = active === null || active === document.body || (active instanceof HTMLButtonElement && active.disabled);
    const fromOurs = active === generateButton.current || active === stopButton.current || dropped;
    if (!fromOurs) return;
    const next = generating ? stopButton.current : generateButton.current;
    if (next && !next.disabled && (dropped || active !== next)) next.focus();
  }, [generating, loading]);
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
        <button ref={generateButton} data-testid="generate-button" type="button" disabled={generating || loading} onClick={() => void session.generate()}>
          Generate
        </button>
        <button ref={stopButton} data-testid="stop-button" type="button" disabled={!generating} onClick={() => session.stop()}>
          Stop
        </button>
        <span class="status" role="status" data-testid="generating-status">
          {generating && <span data-testid="generating">Generating…</span>}
        </span>
      </div>
    </section>
  );
}
