/**
 * Seeded pseudo-random numbers for weight tensors.
 *
 * mulberry32 is used because it is tiny, has 32 bits of state that fit in a JS number, and runs at
 * hundreds of millions of values per second in V8 — enough to fill SmolLM2's 135M weights in about a
 * second. It is nowhere near cryptographic; the weights only have to look like noise and be
 * byte-identical on every run, which Math.random cannot give.
 */

/** 32-bit FNV-1a: derives an independent seed per tensor from its name, so tensor order does not matter. */
export function seedFromString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A mulberry32 stream whose state survives across chunks, so a tensor can be filled piece by piece. */
export class UniformStream {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Fills `out` with values uniform in [-scale, scale). */
  fill(out: Float32Array, scale: number): void {
    let s = this.state;
    const twoScale = (2 * scale) / 4294967296;
    for (let i = 0; i < out.length; i++) {
      s = (s + 0x6d2b79f5) | 0;
      let t = Math.imul(s ^ (s >>> 15), 1 | s);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      out[i] = ((t ^ (t >>> 14)) >>> 0) * twoScale - scale;
    }
    this.state = s;
  }
}
