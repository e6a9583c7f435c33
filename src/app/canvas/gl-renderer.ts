/**
 * Draws the particle pool with OGL as WebGL points. Motion and fading happen in the vertex shader from
 * each particle's birth record, so the CPU uploads only the particles born since the last frame.
 */
import { Geometry, Mesh, Program, Renderer } from 'ogl';
import { COLOR_STRIDE, LIFE_STRIDE, MOTION_STRIDE, type ParticlePool, type SlotRange } from './particle-pool.ts';
import type { ParticleRenderer } from './renderer.ts';

const VERTEX = /* glsl */ `
attribute vec4 motion;
attribute vec4 life;
attribute vec4 color;
uniform float uTime;
uniform float uPointScale;
uniform float uDpr;
varying vec4 vColor;
varying float vKind;
void main() {
  float age = uTime - life.x;
  float t = age / max(life.y, 0.001);
  if (age < 0.0 || t > 1.0) {
    gl_Position = vec4(2.0, 2.0, 0.0, 1.0);
    gl_PointSize = 0.0;
    vColor = vec4(0.0);
    vKind = 0.0;
    return;
  }
  vec2 p = motion.xy + motion.zw * age;
  // Interference trembles; resonance swells.
  if (life.w > 1.5) p.x += 0.012 * sin(age * 60.0 + motion.x * 40.0);
  float swell = life.w > 0.5 && life.w < 1.5 ? 1.0 + 1.5 * t : 1.0;
  gl_Position = vec4(p, 0.0, 1.0);
  gl_PointSize = life.z * swell * uPointScale * uDpr;
  vColor = vec4(color.rgb, color.a * (1.0 - t) * (1.0 - t));
  vKind = life.w;
}`;

const FRAGMENT = /* glsl */ `
precision mediump float;
varying vec4 vColor;
varying float vKind;
void main() {
  vec2 d = gl_PointCoord - 0.5;
  float r = length(d) * 2.0;
  if (r > 1.0) discard;
  float glow = vKind > 0.5 && vKind < 1.5 ? (1.0 - r) : (1.0 - r * r);
  gl_FragColor = vec4(vColor.rgb * vColor.a * glow, vColor.a * glow);
}`;

/** The pool's arrays as attributes, with their floats per particle. */
const UPLOADED = [
  ['motion', MOTION_STRIDE],
  ['life', LIFE_STRIDE],
  ['color', COLOR_STRIDE],
] as const;

export class GlRenderer implements ParticleRenderer {
  readonly kind = 'webgl' as const;
  private readonly renderer: Renderer;
  private geometry: Geometry | null = null;
  private mesh: Mesh | null = null;
  private pool: ParticlePool | null = null;
  private readonly program: Program;

  /** Throws when WebGL cannot start: the caller falls back to the 2D canvas. */
  constructor(canvas: HTMLCanvasElement | OffscreenCanvas) {
    const probe = canvas.getContext('webgl2', { alpha: true, antialias: false, premultipliedAlpha: true }) ?? canvas.getContext('webgl');
    if (!probe) throw new Error('WebGL is not available in this browser');
    // OGL's types name only HTMLCanvasElement; it uses getContext, width and height, and the style only where there is one.
    this.renderer = new Renderer({ canvas: canvas as HTMLCanvasElement, alpha: true, antialias: false, premultipliedAlpha: true, depth: false, dpr: 1, autoClear: true });
    const gl = this.renderer.gl;
    gl.clearColor(0, 0, 0, 0);
    this.program = new Program(gl, {
      vertex: VERTEX,
      fragment: FRAGMENT,
      transparent: true,
      depthTest: false,
      depthWrite: false,
      uniforms: { uTime: { value: 0 }, uPointScale: { value: 1 }, uDpr: { value: 1 } },
    });
    // Additive light: overlapping particles brighten instead of hiding one another.
    this.program.setBlendFunc(gl.ONE, gl.ONE);
  }

  setPool(pool: ParticlePool): void {
    const gl = this.renderer.gl;
    this.pool = pool;
    this.geometry?.remove();
    this.geometry = new Geometry(gl, {
      motion: { size: 4, data: pool.motion, usage: gl.DYNAMIC_DRAW },
      life: { size: 4, data: pool.life, usage: gl.DYNAMIC_DRAW },
      color: { size: 4, data: pool.color, usage: gl.DYNAMIC_DRAW },
    });
    this.mesh = new Mesh(gl, { mode: gl.POINTS, geometry: this.geometry, program: this.program, frustumCulled: false });
    pool.takeWrittenRanges();
  }

  resize(width: number, height: number, dpr: number): void {
    this.renderer.dpr = dpr;
    this.renderer.setSize(width, height);
    this.program.uniforms['uDpr']!.value = dpr;
  }

  draw(timeS: number, pointScale: number): void {
    if (!this.mesh || !this.geometry || !this.pool) return;
    if (this.pool.dirty) this.upload(this.pool.takeWrittenRanges());
    this.program.uniforms['uTime']!.value = timeS;
    this.program.uniforms['uPointScale']!.value = pointScale;
    this.renderer.render({ scene: this.mesh, sort: false, frustumCull: false });
  }

  /**
   * Uploads only the slots written since the last frame. OGL's own update re-sends a whole attribute,
   * which at Ultra filled the command buffer every frame and left the main thread waiting on the GPU
   * process (SwiftShader here) for about a quarter of its time.
   */
  private upload(ranges: readonly SlotRange[]): void {
    const gl = this.renderer.gl;
    const attributes = this.geometry!.attributes;
    let bound: WebGLBuffer | null = null;
    for (const [name, stride] of UPLOADED) {
      const attribute = attributes[name]!;
      const data = attribute.data as Float32Array;
      bound = attribute.buffer ?? null;
      gl.bindBuffer(gl.ARRAY_BUFFER, bound);
      for (const { start, end } of ranges) gl.bufferSubData(gl.ARRAY_BUFFER, start * stride * data.BYTES_PER_ELEMENT, data.subarray(start * stride, end * stride));
    }
    // OGL caches the bound buffer: keep its cache true.
    this.renderer.state.boundBuffer = bound;
  }

  clear(): void {
    const gl = this.renderer.gl;
    gl.clear(gl.COLOR_BUFFER_BIT);
  }

  dispose(): void {
    this.geometry?.remove();
    this.program.remove();
    (this.renderer.gl.getExtension('WEBGL_lose_context') as { loseContext(): void } | null)?.loseContext();
  }
}
