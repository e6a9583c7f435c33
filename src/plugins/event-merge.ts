/**
 * Which of a plugin's waiting events merge, and how; pure. Events wait in a plugin's queue until its
 * next batch: a frame later, or seconds under the throttle. Two kinds merge while they wait, so that a
 * held-back plugin's queue holds one event per stream and one rate however long it waits:
 * - a stream's tokens: one token event, the text appended and the count summed (nothing is lost);
 * - the rate series: one rate event with the newest reading of every lane. A rate is a reading of the
 *   last second, so a newer one of the same lane supersedes it; a lane that fell quiet keeps its last.
 * A turn's start or end closes its stream's token event: tokens after it open a new one, in order.
 */
import type { PluginEvent } from './protocol.ts';

/** The key of the waiting event this one merges into, if it merges at all. */
export function mergeKeyOf(event: PluginEvent): string | null {
  if (event.type === 'token') return `token:${event.streamId}`;
  if (event.type === 'rate') return 'rate';
  return null;
}

/** The merge key this event closes: after it, its stream's tokens start a new event. */
export function closedKeyOf(event: PluginEvent): string | null {
  return event.type === 'turn-start' || event.type === 'turn-end' ? `token:${event.streamId}` : null;
}

/** `waiting` with `next` merged in, as a new event (neither is changed: one event object goes to every plugin's queue). */
export function mergeEvents(waiting: PluginEvent, next: PluginEvent): PluginEvent {
  if (waiting.type === 'token' && next.type === 'token' && waiting.streamId === next.streamId) {
    return { ...waiting, text: waiting.text + next.text, tokens: waiting.tokens + next.tokens, at: next.at };
  }
  if (waiting.type === 'rate' && next.type === 'rate') {
    const newer = new Map(next.lanes.map((l) => [l.lane, l]));
    const lanes = waiting.lanes.map((l) => newer.get(l.lane) ?? l);
    for (const l of next.lanes) if (!waiting.lanes.some((w) => w.lane === l.lane)) lanes.push(l);
    return { ...next, lanes };
  }
  throw new Error(`a ${next.type} event does not merge into a ${waiting.type} event`);
}
