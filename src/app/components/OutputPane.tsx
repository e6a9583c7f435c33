import type { Session } from '../session.ts';

export function OutputPane({ session }: { session: Session }) {
  return (
    <section class="panel" aria-labelledby="output-heading">
      <h2 id="output-heading">Output</h2>
      <pre class="output" data-testid="output" aria-live="off">
        {session.output.value}
      </pre>
    </section>
  );
}
