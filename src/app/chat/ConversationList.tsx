import type { ChatSession } from './chat-session.ts';
import { KeptConversations } from '../ui/KeptConversations.tsx';

/** The single-model area's conversations. */
export function ConversationList({ chat, busy }: { chat: ChatSession; busy: boolean }) {
  return (
    <KeptConversations
      list={{
        idPrefix: 'conversation',
        heading: 'Conversations',
        empty: 'No saved conversations. A conversation is kept on this device from its first answer.',
        deleteNote: 'Its runs stay in History.',
        items: chat.conversations.value,
        currentId: chat.current.value.id,
        busy,
        importErrors: chat.importErrors.value,
        open: (id) => chat.open(id),
        rename: (id, title) => chat.rename(id, title),
        remove: (id) => void chat.remove(id),
        exportIds: (ids) => chat.export(ids),
        importFile: (file) => void chat.importFile(file),
        dismissImportErrors: () => (chat.importErrors.value = []),
      }}
    />
  );
}

