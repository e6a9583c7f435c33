/**
 * Every token the page receives, from the single-model session and from the council, as one stream
 * of events for what watches them (the canvas, the stats overlay, the charts, the alerts). Producers
 * publish as tokens are applied; subscribers must be cheap (they run on the token path) and do their
 * drawing in the frame loop.
 */
import type { MemberState } from '../../scheduler/protocol.ts';

export interface TokenEvent {
  /** The lane the tokens belong to: 'session' for the single model, the member id in a council. */
  lane: string;
  /** What the lane is called in the UI (a model or member name). */
  label: string;
  /** One generation (a request or a council job): positions count from 0 within it. */
  streamId: string;
  /** The text of the tokens (one or more merged pieces). */
  text: string;
  /** Position of the first token of `text` within its stream. */
  position: number;
  /** How many tokens `text` holds. */
  tokens: number;
  /** performance.now() when the page received them. */
  at: number;
}

export interface StreamEvent {
  lane: string;
  label: string;
  streamId: string;
  kind: 'start' | 'end';
  at: number;
}

/** A council member's state changed, or it lost its worker (`error`); see council/member-state-changes.ts. */
export interface MemberStateChange {
  lane: string;
  label: string;
  state: MemberState;
  at: number;
  error?: { code: string; message: string };
}

export interface TokenFeedListener {
  tokens?: (event: TokenEvent) => void;
  stream?: (event: StreamEvent) => void;
  member?: (event: MemberStateChange) => void;
}

export class TokenFeed {
  private listeners: TokenFeedListener[] = [];

  subscribe(listener: TokenFeedListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  tokens(event: TokenEvent): void {
    for (const listener of this.listeners) listener.tokens?.(event);
  }

  stream(event: StreamEvent): void {
    for (const listener of this.listeners) listener.stream?.(event);
  }

  member(event: MemberStateChange): void {
    for (const listener of this.listeners) listener.member?.(event);
  }
}
