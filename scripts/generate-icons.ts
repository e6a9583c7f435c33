/**
 * Writes the app's PNG icons (public/icons/) from the same drawing as public/favicon.svg: a "W" on
 * the app's background. Deterministic; run `npx tsx scripts/generate-icons.ts` after changing it and
 * commit the files (the build only copies them).
 *
 * - icon-<n>.png: rounded square, transparent corners (purpose "any").
 * - maskable-<n>.png: full-bleed background with the mark inside the central safe zone (a circle of
 *   40 % of the size), so any mask shape a platform applies leaves it whole (purpose "maskable").
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';

const BACKGROUND = [0x0f, 0x11, 0x15] as const;
const ACCENT = [0x7c, 0xc4, 0xff] as const;
/** The favicon's polyline, in its 64-unit box. */
const MARK: ReadonlyArray<readonly [number, number]> = [[12, 18], [20, 46], [32, 26], [44, 46], [52, 18]];
const STROKE_HALF_WIDTH = 2.5;
const CORNER_RADIUS = 12;
const SUPERSAMPLE = 4;

function distanceToSegment(px: number, py: number, [ax, ay]: readonly [number, number], [bx, by]: readonly [number, number]): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function onMark(x: number, y: number): boolean {
  for (let i = 1; i < MARK.length; i++) if (distanceToSegment(x, y, MARK[i - 1]!, MARK[i]!) <= STROKE_HALF_WIDTH) return true;
  return false;
}

function inRoundedSquare(x: number, y: number): boolean {
  const cx = Math.min(Math.max(x, CORNER_RADIUS), 64 - CORNER_RADIUS);
  const cy = Math.min(Math.max(y, CORNER_RADIUS), 64 - CORNER_RADIUS);
  return x >= 0 && x <= 64 && y >= 0 && y <= 64 && Math.hypot(x - cx, y - cy) <= CORNER_RADIUS;
}

/** RGBA pixels; each pixel averages SUPERSAMPLE² samples (straight alpha). */
function draw(size: number, maskable: boolean): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  // Maskable: the mark shrinks about the centre so that it sits inside the safe circle.
  const markScale = maskable ? 0.8 : 1;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let covered = 0;
      let marked = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const x = ((px + (sx + 0.5) / SUPERSAMPLE) / size) * 64;
          const y = ((py + (sy + 0.5) / SUPERSAMPLE) / size) * 64;
          if (!maskable && !inRoundedSquare(x, y)) continue;
          covered++;
          if (onMark(32 + (x - 32) / markScale, 32 + (y - 32) / markScale)) marked++;
        }
      }
      const samples = SUPERSAMPLE * SUPERSAMPLE;
      const at = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) {
        const value = covered === 0 ? 0 : (BACKGROUND[c]! * (covered - marked) + ACCENT[c]! * marked) / covered;
        pixels[at + c] = Math.round(value);
      }
      pixels[at + 3] = Math.round((255 * covered) / samples);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

export function encodePng(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) Buffer.from(rgba.buffer, rgba.byteOffset + y * size * 4, size * 4).copy(rows, y * (size * 4 + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const ICONS = [
  { name: 'icon-192.png', size: 192, maskable: false },
  { name: 'icon-512.png', size: 512, maskable: false },
  { name: 'maskable-192.png', size: 192, maskable: true },
  { name: 'maskable-512.png', size: 512, maskable: true },
  // iOS ignores the manifest's icons and draws its own mask: a full-bleed square it can round.
  { name: 'apple-touch-icon-180.png', size: 180, maskable: true },
];

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = join(import.meta.dirname, '..', 'public', 'icons');
  mkdirSync(dir, { recursive: true });
  for (const icon of ICONS) {
    writeFileSync(join(dir, icon.name), encodePng(icon.size, draw(icon.size, icon.maskable)));
    console.log(`${icon.name}: ${icon.size}×${icon.size}${icon.maskable ? ' (maskable)' : ''}`);
  }
}
