import type { Session } from './session.ts';
import { TextPane } from '../ui/TextPane.tsx';

export function OutputPane({ session }: { session: Session }) {
  return (
    <section class="panel" aria-labelledby="output-heading">
      <h2 id="output-heading">Output</h2>
      <TextPane text={session.output} class="output" testId="output" label="Model output" />
    </section>
  );
}
