/**
 * The particles, as the GPU reads them: fixed-size typed arrays allocated once per quality level and
 * written in place through a ring index, so a token costs a few stores and never an allocation. A
 * particle is described at birth (where, how fast, when, for how long); the shader moves and fades
 * it, so a frame with no new tokens writes nothing at all.
 */

/** x, y, vx, vy in clip space (units per second). */
export const MOTION_STRIDE = 4;
/** born (s), life (s), size (px), kind (0 token, 1 resonance, 2 interference). */
export const LIFE_STRIDE = 4;
/** r, g, b, intensity. */
export const COLOR_STRIDE = 4;

export type ParticleKind = 0 | 1 | 2;
export const PARTICLE_TOKEN: ParticleKind = 0;
export const PARTICLE_RESONANCE: ParticleKind = 1;
export const PARTICLE_INTERFERENCE: ParticleKind = 2;

export interface ParticleSpec {
  x: number;
  y: number;
  vx: number;
  vy: number;
  bornS: number;
  lifeS: number;
  size: number;
  kind: ParticleKind;
  r: number;
  g: number;
  b: number;
  intensity: number;
}

/** A run of slots, [start, end). */
export interface SlotRange {
  start: number;
  end: number;
}

/**
 * The slots written since the last upload: `count` consecutive writes starting at `first` in a ring of
 * `capacity`, as at most two ranges (the ring may wrap). A burst longer than the ring covers it whole.
 */
export function writtenRanges(first: number, count: number, capacity: number): SlotRange[] {
  if (count <= 0) return [];
  if (count >= capacity) return [{ start: 0, end: capacity }];
  const end = first + count;
  return end <= capacity ? [{ start: first, end }] : [{ start: first, end: capacity }, { start: 0, end: end - capacity }];
}

export class ParticlePool {
  readonly motion: Float32Array;
  readonly life: Float32Array;
  readonly color: Float32Array;
  private next = 0;
  /** Where the writes since the last upload began, and how many there were. */
  private firstUnsent = 0;
  private unsent = 0;
  /** The latest time (s) a particle is still visible: after it the canvas has nothing to draw. */
  liveUntilS = 0;
  spawned = 0;

  constructor(readonly capacity: number) {
    this.motion = new Float32Array(capacity * MOTION_STRIDE);
    this.life = new Float32Array(capacity * LIFE_STRIDE);
    this.color = new Float32Array(capacity * COLOR_STRIDE);
  }

  /** Writes one particle over the oldest slot. Takes the fields as arguments: no object per token. */
  spawn(x: number, y: number, vx: number, vy: number, bornS: number, lifeS: number, size: number, kind: ParticleKind, r: number, g: number, b: number, intensity: number): void {
    const i = this.next;
    this.next = (i + 1) % this.capacity;
    const m = i * MOTION_STRIDE;
    this.motion[m] = x;
    this.motion[m + 1] = y;
    this.motion[m + 2] = vx;
    this.motion[m + 3] = vy;
    const l = i * LIFE_STRIDE;
    this.life[l] = bornS;
    this.life[l + 1] = lifeS;
    this.life[l + 2] = size;
    this.life[l + 3] = kind;
    const c = i * COLOR_STRIDE;
    this.color[c] = r;
    this.color[c + 1] = g;
    this.color[c + 2] = b;
    this.color[c + 3] = intensity;
    if (this.unsent === 0) this.firstUnsent = i;
    this.unsent++;
    this.spawned++;
    if (bornS + lifeS > this.liveUntilS) this.liveUntilS = bornS + lifeS;
  }

  /**
   * Copies slots written elsewhere (the page's pool, in the canvas worker's copy) into [start, …),
   * as if spawned here in the same order.
   */
  writeSlots(start: number, motion: Float32Array, life: Float32Array, color: Float32Array): void {
    const count = life.length / LIFE_STRIDE;
    this.motion.set(motion, start * MOTION_STRIDE);
    this.life.set(life, start * LIFE_STRIDE);
    this.color.set(color, start * COLOR_STRIDE);
    if (this.unsent === 0) this.firstUnsent = start;
    this.unsent += count;
    this.next = (start + count) % this.capacity;
  }

  /** Particles written since the renderer last uploaded them. */
  get dirty(): boolean {
    return this.unsent > 0;
  }

  /**
   * The slots to upload, and marks them sent. Only what changed goes to the GPU: a whole Ultra pool is
   * 768 KB, a frame's new particles a few hundred bytes.
   */
  takeWrittenRanges(): SlotRange[] {
    const ranges = writtenRanges(this.firstUnsent, this.unsent, this.capacity);
    this.unsent = 0;
    return ranges;
  }

  /** Reads slot i back (for the 2D fallback and tests). */
  read(i: number): ParticleSpec {
    const m = i * MOTION_STRIDE;
    const l = i * LIFE_STRIDE;
    const c = i * COLOR_STRIDE;
    return {
      x: this.motion[m]!,
      y: this.motion[m + 1]!,
      vx: this.motion[m + 2]!,
      vy: this.motion[m + 3]!,
      bornS: this.life[l]!,
      lifeS: this.life[l + 1]!,
      size: this.life[l + 2]!,
      kind: this.life[l + 3]! as ParticleKind,
      r: this.color[c]!,
      g: this.color[c + 1]!,
      b: this.color[c + 2]!,
      intensity: this.color[c + 3]!,
    };
  }
}
