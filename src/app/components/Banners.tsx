import type { Session } from '../session.ts';

export function Banners({ session }: { session: Session }) {
  const error = session.error.value;
  const notice = session.notice.value;
  return (
    <>
      {error && (
        <div class="banner error" role="alert" data-testid="error">
          <span>{error}</span>
          <button type="button" aria-label="Dismiss error" onClick={() => (session.error.value = null)}>
            ×
          </button>
        </div>
      )}
      {notice && (
        <div class="banner notice" role="status" data-testid="notice">
          <span>{notice}</span>
          <button type="button" aria-label="Dismiss notice" onClick={() => (session.notice.value = null)}>
            ×
          </button>
        </div>
      )}
    </>
  );
}
