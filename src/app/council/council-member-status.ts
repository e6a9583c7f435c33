/**
 * What the panel says about one council member between and during turns, from the scheduler's member
 * events and its restart/removal sentences: plain data in, words out.
 */
import type { MemberView } from './council-store.ts';

export type MemberTone = 'quiet' | 'busy' | 'warn' | 'bad';

export interface MemberStatusText {
  text: string;
  tone: MemberTone;
  /** The scheduler's own sentence for the last fault, for the detail line; null when none. */
  detail: string | null;
  /** 'add-back': the row offers to bring a member removed after repeated faults back into the council. */
  action: 'add-back' | null;
}

const STATE_WORDS: Record<Exclude<MemberView['state'], 'removed'>, { text: string; tone: MemberTone }> = {
  unloaded: { text: 'not loaded', tone: 'quiet' },
  loading: { text: 'loading', tone: 'busy' },
  idle: { text: 'loaded, idle', tone: 'quiet' },
  busy: { text: 'generating', tone: 'busy' },
  unloading: { text: 'unloading', tone: 'busy' },
};

/** null: the scheduler has not spoken of this member yet (nothing to show). */
export function memberStatusText(view: MemberView | undefined): MemberStatusText | null {
  if (!view) return null;
  if (view.state === 'removed') {
    return view.keptOut
      ? { text: 'removed after repeated faults; the next Run leaves it out until you add it back', tone: 'bad', detail: view.lastFault, action: 'add-back' }
      : { text: 'removed after repeated faults; added back: it rejoins in a fresh worker at the next Run', tone: 'warn', detail: view.lastFault, action: null };
  }
  const base = STATE_WORDS[view.state];
  if (view.recentRestarts > 0) {
    const times = view.recentRestarts === 1 ? 'once' : `${view.recentRestarts} times`;
    return { text: `${base.text} · restarted ${times} in a fresh worker`, tone: 'warn', detail: view.lastFault, action: null };
  }
  return { ...base, detail: null, action: null };
}
