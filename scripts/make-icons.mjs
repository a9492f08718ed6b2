#!/usr/bin/env node
// Renders the AuthPlane icon (a white paper plane on a violet rounded square) into PNGs with
// nothing but zlib: resources/icon.png (1024) for macOS/Windows, resources/icons/NxN.png for
// Linux and the tray. Anti-aliased by supersampling. Run: node scripts/make-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// --- PNG encoding ---------------------------------------------------------------------------
const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// --- The drawing, in the logo's 32×32 coordinate space --------------------------------------
const PLANE = [
  [7.5, 15.6], [24.2, 8.4], [25.1, 9.3], [17.9, 26.0], [16.4, 25.9],
  [14.8, 20.1], [14.1, 19.4], [8.3, 17.8], [7.4, 17.1],
];
const FOLD = { a: [14.3, 17.7], b: [18.7, 13.3], w: 1.6 };
const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
const FROM = hex('#6d6af7');
const TO = hex('#a855f7');
const FOLD_COLOR = hex('#7c6cf5');

function inRoundedSquare(x, y, r) {
  const cx = Math.min(Math.max(x, r), 32 - r);
  const cy = Math.min(Math.max(y, r), 32 - r);
  return x >= 0 && y >= 0 && x <= 32 && y <= 32 && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}
function inPolygon(x, y, pts) {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i];
    const [xj, yj] = pts[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
function nearSegment(x, y, { a, b, w }) {
  const [ax, ay] = a;
  const [bx, by] = b;
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return (x - (ax + t * (bx - ax))) ** 2 + (y - (ay + t * (by - ay))) ** 2 <= (w / 2) ** 2;
}
/** Colour at a point (32-unit space): [r, g, b, a] with a in 0..1. */
function sample(x, y, radius) {
  if (!inRoundedSquare(x, y, radius)) return [0, 0, 0, 0];
  if (nearSegment(x, y, FOLD) && inPolygon(x, y, PLANE)) return [...FOLD_COLOR, 1];
  if (inPolygon(x, y, PLANE)) return [255, 255, 255, 1];
  const t = Math.min(1, Math.max(0, (x + y) / 64));
  return [FROM[0] + (TO[0] - FROM[0]) * t, FROM[1] + (TO[1] - FROM[1]) * t, FROM[2] + (TO[2] - FROM[2]) * t, 1];
}

export function renderIcon(size, { padding = 0, radius = 7.2 } = {}) {
  const ss = size >= 256 ? 3 : 4;
  const out = Buffer.alloc(size * size * 4);
  const scale = 32 / (size - 2 * padding);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = (px - padding + (sx + 0.5) / ss) * scale;
          const y = (py - padding + (sy + 0.5) / ss) * scale;
          const [cr, cg, cb, ca] = sample(x, y, radius);
          r += cr * ca; g += cg * ca; b += cb * ca; a += ca;
        }
      }
      const o = (py * size + px) * 4;
      const n = ss * ss;
      out[o] = a ? Math.round(r / a) : 0;
      out[o + 1] = a ? Math.round(g / a) : 0;
      out[o + 2] = a ? Math.round(b / a) : 0;
      out[o + 3] = Math.round((a / n) * 255);
    }
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(join(root, 'resources/icons'), { recursive: true });
  // macOS wants breathing room around the square (its icon grid): 10% padding at 1024.
  writeFileSync(join(root, 'resources/icon.png'), encodePng(1024, 1024, renderIcon(1024, { padding: 100 })));
  for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
    writeFileSync(join(root, `resources/icons/${size}x${size}.png`), encodePng(size, size, renderIcon(size, { padding: size >= 64 ? Math.round(size * 0.06) : 0 })));
  }
  console.log('wrote resources/icon.png and resources/icons/{16..512}x{16..512}.png');
}
