/**
 * A pane of streamed text that stays fast on very long outputs: new text is appended as text nodes in
 * one DOM write per frame (in the page's frame loop), never re-rendered as one growing string. It
 * follows the end unless the user scrolls up, and then offers a way back to the end.
 */
import { effect, type ReadonlySignal } from '@preact/signals';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { usePagePerf } from '../perf/page-perf.ts';
import { planTextUpdate, splitIntoBlocks, tailOf } from './text-pane-plan.ts';
import './text-pane.css';

/** Text nodes grow to this size before a new one starts: a frame's write never re-shapes a huge node. */
const NODE_CHARS = 2048;
/** Within this many pixels of the end counts as "at the end". */
const STICK_SLACK_PX = 8;
/** Panes write before the canvas draws. */
const TEXT_FRAME_ORDER = 0;
/** After a wheel, touch, key or press on a pane, its scroll events are the user's for this long. */
const USER_SCROLL_MS = 1000;

/**
 * Keeps following panes at their end without reading layout inside the frame: the observer runs
 * after the browser's own layout of the frame, so the scroll height it reads is already known
 * (read inside the frame loop, it would force a layout of the page there), and the scroll lands
 * before that frame is painted.
 */
let contentObserver: ResizeObserver | null = null;
const appenders = new WeakMap<Element, TextAppender>();

function observeContent(content: HTMLElement, appender: TextAppender): () => void {
  contentObserver ??= new ResizeObserver((entries) => {
    for (const entry of entries) appenders.get(entry.target)?.followEnd();
  });
  appenders.set(content, appender);
  contentObserver.observe(content);
  return () => {
    contentObserver?.unobserve(content);
    appenders.delete(content);
  };
}

class TextAppender {
  private shownLength = 0;
  private shownTail = '';
  private latest = '';
  private dirty = false;
  private full = false;
  private userScrollUntil = 0;
  /** The block new text goes to (text-pane-plan.ts, splitIntoBlocks), and what it holds. */
  private block: HTMLElement | null = null;
  private blockChars = 0;
  stuck = true;

  constructor(
    private readonly box: HTMLElement,
    private readonly content: HTMLElement,
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
      this.content.textContent = '';
      this.block = null;
      this.blockChars = 0;
      this.box.removeAttribute('data-full');
      this.full = false;
      this.shownLength = 0;
      this.stuck = true;
      this.onAway(false);
    }
    this.append(update.text);
    this.shownLength = this.latest.length;
    this.shownTail = tailOf(this.latest);
    if (!this.stuck) this.onAway(true);
  };

  /** After layout, when the text grew: back to the end, unless the user scrolled away. */
  followEnd(): void {
    if (!this.stuck) return;
    const box = this.box;
    const height = box.scrollHeight;
    // Once the text overflows, the pane's size is fixed (its max-height) and contained (text-pane.css):
    // from then on new text re-lays this pane alone, not the page around it.
    if (!this.full && height > box.clientHeight) {
      this.full = true;
      box.setAttribute('data-full', '');
    }
    box.scrollTop = height;
  }

  private append(text: string): void {
    splitIntoBlocks(this.blockChars, text).forEach((piece, i) => {
      if (i > 0 || this.block === null) {
        this.block = document.createElement('span');
        this.block.className = 'text-pane-block';
        this.content.appendChild(this.block);
        this.blockChars = 0;
      }
      this.appendToBlock(this.block, piece);
      this.blockChars += piece.length;
    });
  }

  private appendToBlock(block: HTMLElement, text: string): void {
    let rest = text;
    const last = block.lastChild;
    if (last instanceof Text && last.length < NODE_CHARS) {
      const room = NODE_CHARS - last.length;
      last.appendData(rest.slice(0, room));
      rest = rest.slice(room);
    }
    while (rest.length > 0) {
      block.appendChild(document.createTextNode(rest.slice(0, NODE_CHARS)));
      rest = rest.slice(NODE_CHARS);
    }
  }

  /** A gesture that may scroll the pane: its scroll events are then the user's, not ours. */
  userMayScroll = (): void => {
    this.userScrollUntil = performance.now() + USER_SCROLL_MS;
  };

  onScroll = (): void => {
    // The pane's own scrolls to the end need no reading back: only the user's decide whether it follows.
    if (performance.now() > this.userScrollUntil) return;
    const { scrollTop, clientHeight, scrollHeight } = this.box;
    this.stuck = scrollTop + clientHeight >= scrollHeight - STICK_SLACK_PX;
    this.onAway(!this.stuck);
  };

  toEnd(): void {
    this.stuck = true;
    this.box.scrollTop = this.box.scrollHeight;
    this.onAway(false);
  }
}

const USER_SCROLL_EVENTS = ['wheel', 'touchmove', 'keydown', 'pointerdown'] as const;

export interface TextPaneProps {
  /** The whole text so far: a string (re-rendered by the parent) or a signal (read without re-rendering). */
  text: string | ReadonlySignal<string>;
  testId: string;
  class?: string;
  label?: string;
}

export function TextPane({ text, testId, class: className, label }: TextPaneProps) {
  const { frameLoop } = usePagePerf();
  const box = useRef<HTMLPreElement>(null);
  const content = useRef<HTMLSpanElement>(null);
  const appender = useRef<TextAppender | null>(null);
  const [away, setAway] = useState(false);
  useLayoutEffect(() => {
    const element = box.current!;
    const writer = new TextAppender(element, content.current!, setAway);
    appender.current = writer;
    element.addEventListener('scroll', writer.onScroll, { passive: true });
    for (const type of USER_SCROLL_EVENTS) element.addEventListener(type, writer.userMayScroll, { passive: true });
    const stop = frameLoop.subscribe(writer.flush, TEXT_FRAME_ORDER);
    const stopObserving = observeContent(content.current!, writer);
    return () => {
      stop();
      stopObserving();
      element.removeEventListener('scroll', writer.onScroll);
      for (const type of USER_SCROLL_EVENTS) element.removeEventListener(type, writer.userMayScroll);
      appender.current = null;
    };
  }, [frameLoop]);
  useEffect(() => {
    if (typeof text === 'string') return;
    return effect(() => appender.current?.set(text.value));
  }, [text]);
  useLayoutEffect(() => {
    if (typeof text === 'string') appender.current?.set(text);
  }, [text]);
  return (
    <div class="text-pane">
      <pre ref={box} class={`text-pane-text ${className ?? ''}`} data-testid={testId} role="region" aria-label={label} tabIndex={0}>
        <span ref={content} class="text-pane-content" />
      </pre>
      {away && (
        <button type="button" class="text-pane-jump" data-testid={`${testId}-jump`} onClick={() => appender.current?.toEnd()}>
          Jump to end ↓
        </button>
      )}
    </div>
  );
}
