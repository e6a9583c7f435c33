import type { Signal } from '@preact/signals';
import type { Session } from './session.ts';

function Banner({ message, kind }: { message: Signal<string | null>; kind: 'error' | 'notice' }) {
  const text = message.value;
  if (!text) return null;
  return (
    <div class={`banner ${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-testid={kind}>
      <span>{text}</span>
      <button type="button" aria-label={`Dismiss ${kind}`} onClick={() => (message.value = null)}>
        ×
      </button>
    </div>
  );
}

export function Banners({ session }: { session: Session }) {
  return (
    <>
      <Banner message={session.error} kind="error" />
      <Banner message={session.notice} kind="notice" />
    </>
  );
}
