// im2col / col2im: the unfolding that turns a 2-D convolution into one matrix product per image,
// Y (out × P) = W (out × C·kh·kw) · cols (C·kh·kw × P), P = outH·outW output positions.
// Plain loops over one image stored C×H×W (row-major, contiguous from an offset). Kernels know only
// sizes: the geometry below is computed by lib/kernels/conv.ts from the layer's padding and stride.

import type { FloatArray } from './backend';

export interface ConvGeometry {
  /** Input channels C, height H and width W of one image. */
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly kh: number;
  readonly kw: number;
  readonly stride: number;
  /** Zero rows above / columns left of the image (or, with wrap, how far the window starts before 0). */
  readonly padTop: number;
  readonly padLeft: number;
  readonly outH: number;
  readonly outW: number;
  /** Indices outside the image wrap around (circular padding) instead of reading zeros. */
  readonly wrap: boolean;
}

/** Rows of the unfolded matrix: one per (input channel, kernel row, kernel column). */
export function colRows(g: ConvGeometry): number {
  return g.channels * g.kh * g.kw;
}

/** Columns of the unfolded matrix: one per output position. */
export function colCols(g: ConvGeometry): number {
  return g.outH * g.outW;
}

/** Where input row (or column) `i` of a window lands, or −1 when it falls in the zero padding. */
function source(i: number, n: number, wrap: boolean): number {
  if (i >= 0 && i < n) return i;
  if (!wrap) return -1;
  return ((i % n) + n) % n;
}

/**
 * cols[(c·kh + u)·kw + v][oh·outW + ow] = x[c][oh·s − padTop + u][ow·s − padLeft + v] (0 outside the
 * image unless wrap). x is read from offset xOff; cols must hold colRows × colCols entries.
 */
export function im2col(x: FloatArray, xOff: number, g: ConvGeometry, cols: FloatArray): void {
  const { channels, height, width, kh, kw, stride, padTop, padLeft, outH, outW, wrap } = g;
  const P = outH * outW;
  for (let c = 0; c < channels; c++) {
    const plane = xOff + c * height * width;
    for (let u = 0; u < kh; u++) {
      for (let v = 0; v < kw; v++) {
        const rowBase = ((c * kh + u) * kw + v) * P;
        for (let oh = 0; oh < outH; oh++) {
          const ih = source(oh * stride - padTop + u, height, wrap);
          const out = rowBase + oh * outW;
          if (ih < 0) {
            for (let ow = 0; ow < outW; ow++) cols[out + ow] = 0;
            continue;
          }
          const line = plane + ih * width;
          for (let ow = 0; ow < outW; ow++) {
            const iw = source(ow * stride - padLeft + v, width, wrap);
            cols[out + ow] = iw < 0 ? 0 : x[line + iw];
          }
        }
      }
    }
  }
}

/**
 * The adjoint of im2col: dx[c][ih][iw] += Σ of the cols entries that im2col copied from there.
 * Accumulates into dx (from offset dxOff), so the caller zeroes it first when it wants dx = col2im(cols).
 */
export function col2im(cols: FloatArray, g: ConvGeometry, dx: FloatArray, dxOff: number): void {
  const { channels, height, width, kh, kw, stride, padTop, padLeft, outH, outW, wrap } = g;
  const P = outH * outW;
  for (let c = 0; c < channels; c++) {
    const plane = dxOff + c * height * width;
    for (let u = 0; u < kh; u++) {
      for (let v = 0; v < kw; v++) {
        const rowBase = ((c * kh + u) * kw + v) * P;
        for (let oh = 0; oh < outH; oh++) {
          const ih = source(oh * stride - padTop + u, height, wrap);
          if (ih < 0) continue;
          const line = plane + ih * width, src = rowBase + oh * outW;
          for (let ow = 0; ow < outW; ow++) {
            const iw = source(ow * stride - padLeft + v, width, wrap);
            if (iw >= 0) dx[line + iw] += cols[src + ow];
          }
        }
      }
    }
  }
}
