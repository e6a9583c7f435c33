/**
 * A pane of streamed text that stays fast on very long outputs: new text is appended as text nodes in
 * one DOM write per frame (in the page's frame loop), never re-rendered as one growing string. It
 * follows the end unless the user scrolls up, and then offers a way back to the end.
 */
import { effect, type ReadonlySignal } from '@preact/signals';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { frameLoop } from '../perf/frame-loop.ts';
import { planTextUpdate, tailOf } from './text-pane-plan.ts';
import './text-pane.css';

/** Text nodes grow to this size before a new one starts: a frame's write never re-shapes a huge node. */
const NODE_CHARS = 2048;
/** Within this many pixels of the end counts as "at the end". */
const STICK_SLACK_PX = 8;
/** Panes write before the canvas draws; then every pane that follows its end scrolls, in one pass. */
const TEXT_FRAME_ORDER = 0;
const SCROLL_FRAME_ORDER = 1;

/**
 * Panes that wrote this frame and follow their end. Scrolling them after all panes have written costs
 * one layout per frame; scrolling each right after its own write would force one layout per pane.
 */
const toScroll = new Set<TextAppender>();
let scrollSubscribers = 0;
let stopScrolling: (() => void) | null = null;

function scrollFollowers(): void {
  for (const pane of toScroll) pane.scrollToEndNow();
  toScroll.clear();
}

function joinScrollPass(): () => void {
  if (scrollSubscribers++ === 0) stopScrolling = frameLoop.subscribe(scrollFollowers, SCROLL_FRAME_ORDER);
  return () => {
    if (--scrollSubscribers === 0) {
      stopScrolling?.();
      stopScrolling = null;
    }
  };
}

class TextAppender {
  private shownLength = 0;
  private shownTail = '';
  private latest = '';
  private dirty = false;
  stuck = true;

  constructor(
    private readonly box: HTMLElement,
    private readonly onAway: (away: boolean) => void,
  ) {}

  set(text: string): void {
    this.latest = text;
    this.dirty = true;
  }

  flush = (): void => {
    if (!this.dirty) return;
    this.dirty = false;
    const update = planTextUpdate(this.shownLength, this.shownTail, this.latest);
    if (update.kind === 'none') return;
    if (update.kind === 'reset') {
      this.box.textContent = '';
      this.shownLength = 0;
      this.stuck = true;
      this.onAway(false);
    }
    this.append(update.text);
    this.shownLength = this.latest.length;
    this.shownTail = tailOf(this.latest);
    if (this.stuck) toScroll.add(this);
    else this.onAway(true);
  };

  scrollToEndNow(): void {
    if (this.stuck) this.box.scrollTop = this.box.scrollHeight;
  }

  private append(text: string): void {
    let rest = text;
    const last = this.box.lastChild;
    if (last instanceof Text && last.length < NODE_CHARS) {
      const room = NODE_CHARS - last.length;
      last.appendData(rest.slice(0, room));
      rest = rest.slice(room);
    }
    while (rest.length > 0) {
      this.box.appendChild(document.createTextNode(rest.slice(0, NODE_CHARS)));
      rest = rest.slice(NODE_CHARS);
    }
  }

  onScroll = (): void => {
    const { scrollTop, clientHeight, scrollHeight } = this.box;
    this.stuck = scrollTop + clientHeight >= scrollHeight - STICK_SLACK_PX;
    if (this.stuck) this.onAway(false);
  };

  toEnd(): void {
    this.stuck = true;
    this.box.scrollTop = this.box.scrollHeight;
    this.onAway(false);
  }
}

export interface TextPaneProps {
  /** The whole text so far: a string (re-rendered by the parent) or a signal (read without re-rendering). */
  text: string | ReadonlySignal<string>;
  testId: string;
  class?: string;
  label?: string;
}

export function TextPane({ text, testId, class: className, label }: TextPaneProps) {
  const box = useRef<HTMLPreElement>(null);
  const appender = useRef<TextAppender | null>(null);
  const [away, setAway] = useState(false);
  useLayoutEffect(() => {
    const element = box.current!;
    const writer = new TextAppender(element, setAway);
    appender.current = writer;
    element.addEventListener('scroll', writer.onScroll, { passive: true });
    const stop = frameLoop.subscribe(writer.flush, TEXT_FRAME_ORDER);
    const stopScrollPass = joinScrollPass();
    return () => {
      stop();
      stopScrollPass();
      toScroll.delete(writer);
      element.removeEventListener('scroll', writer.onScroll);
      appender.current = null;
    };
  }, []);
  useEffect(() => {
    if (typeof text === 'string') return;
    return effect(() => appender.current?.set(text.value));
  }, [text]);
  useLayoutEffect(() => {
    if (typeof text === 'string') appender.current?.set(text);
  }, [text]);
  return (
    <div class="text-pane">
      <pre ref={box} class={`text-pane-text ${className ?? ''}`} data-testid={testId} aria-label={label} tabIndex={0} />
      {away && (
        <button type="button" class="text-pane-jump" data-testid={`${testId}-jump`} onClick={() => appender.current?.toEnd()}>
          Jump to end ↓
        </button>
      )}
    </div>
  );
}
