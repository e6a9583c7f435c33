/**
 * Collects text pieces and hands them over at most once per animation frame, so a fast engine costs
 * one DOM update per frame instead of one per token. Nothing is dropped: `flush` drains the rest.
 */
export class FrameTextBuffer {
  private pending = '';
  private scheduled = false;

  constructor(
    private readonly apply: (text: string) => void,
    private readonly schedule: (callback: () => void) => void = (cb) => requestAnimationFrame(() => cb()),
  ) {}

  push(text: string): void {
    this.pending += text;
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (!this.pending) return;
    const text = this.pending;
    this.pending = '';
    this.apply(text);
  }
}
