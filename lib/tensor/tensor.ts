// A dense tensor over ndarray: ndarray keeps shape, strides and offset (so views are free), and the
// typed array underneath is what kernels loop over. Tensors know nothing of autograd.

import ndarray = require('ndarray');
import { allocArray, type DType, type FloatArray } from '../kernels/backend';

export type Shape = readonly number[];
/** Where a tensor's storage comes from; a backend's alloc puts it where its kernels read it directly. */
export type Allocator = (dtype: DType, length: number) => FloatArray;

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`shape entries must be non-negative integers, got [${shape.join(', ')}]`);
    n *= d;
  }
  return n;
}

export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float32Array ? 'float32' : 'float64';
}

export type Nested = number | Nested[];

export class Tensor {
  readonly array: ndarray.NdArray<FloatArray>;

  constructor(array: ndarray.NdArray<FloatArray>) {
    this.array = array;
  }

  static fromData(data: FloatArray, shape: Shape): Tensor {
    const size = shapeSize(shape);
    if (data.length !== size) throw new RangeError(`data has ${data.length} entries but shape [${shape.join(', ')}] needs ${size}`);
    return new Tensor(ndarray(data, shape.slice()));
  }

  static zeros(shape: Shape, dtype: DType = 'float64', alloc: Allocator = allocArray): Tensor {
    return Tensor.fromData(alloc(dtype, shapeSize(shape)), shape);
  }

  static full(shape: Shape, value: number, dtype: DType = 'float64', alloc: Allocator = allocArray): Tensor {
    const t = Tensor.zeros(shape, dtype, alloc);
    t.array.data.fill(value);
    return t;
  }

  /** From nested arrays (a number, a vector, a matrix, ...); they must be rectangular. */
  static from(values: Nested, dtype: DType = 'float64'): Tensor {
    const shape: number[] = [];
    let probe: Nested = values;
    while (Array.isArray(probe)) {
      shape.push(probe.length);
      probe = probe.length > 0 ? probe[0] : 0;
    }
    const flat: number[] = [];
    const walk = (v: Nested, depth: number): void => {
      if (depth === shape.length) {
        if (typeof v !== 'number') throw new TypeError('nested arrays are not rectangular');
        flat.push(v);
        return;
      }
      if (!Array.isArray(v) || v.length !== shape[depth]) throw new TypeError('nested arrays are not rectangular');
      for (const e of v) walk(e, depth + 1);
    };
    walk(values, 0);
    const data = allocArray(dtype, flat.length);
    data.set(flat);
    return Tensor.fromData(data, shape);
  }

  get shape(): Shape { return this.array.shape; }
  get dtype(): DType { return dtypeOf(this.array.data); }
  get size(): number { return this.array.size; }
  get ndim(): number { return this.array.dimension; }
  /** The storage; only meaningful as the tensor's entries when isContiguous(). */
  get data(): FloatArray { return this.array.data; }

  isContiguous(): boolean {
    const { shape, stride, offset } = this.array;
    if (offset !== 0 || this.array.data.length !== this.size) return false;
    let expected = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      if (shape[i] !== 1 && stride[i] !== expected) return false;
      expected *= shape[i];
    }
    return true;
  }

  get(...index: number[]): number { return this.array.get(...index); }
  set(value: number, ...index: number[]): void { this.array.set(...index, value); }

  /** A row-major contiguous copy (or this tensor, when it already is one). */
  contiguous(alloc: Allocator = allocArray): Tensor {
    return this.isContiguous() ? this : this.clone(alloc);
  }

  clone(alloc: Allocator = allocArray): Tensor {
    const out = Tensor.zeros(this.shape, this.dtype, alloc);
    const src = this.array, dst = out.array.data;
    if (this.isContiguous()) {
      dst.set(src.data);
      return out;
    }
    let i = 0;
    const idx = new Array<number>(this.ndim).fill(0);
    const total = this.size;
    for (let n = 0; n < total; n++) {
      dst[i++] = src.get(...idx);
      for (let d = idx.length - 1; d >= 0; d--) {
        if (++idx[d] < src.shape[d]) break;
        idx[d] = 0;
      }
    }
    return out;
  }

  /** Same entries, new shape; a view when contiguous, else a copy. */
  reshape(shape: Shape): Tensor {
    if (shapeSize(shape) !== this.size) {
      throw new RangeError(`cannot reshape [${this.shape.join(', ')}] (${this.size} entries) to [${shape.join(', ')}]`);
    }
    return Tensor.fromData(this.contiguous().data, shape);
  }

  /** The transpose of a matrix, as a view (no copy). */
  transpose(): Tensor {
    if (this.ndim !== 2) throw new RangeError(`transpose needs a matrix, got shape [${this.shape.join(', ')}]`);
    return new Tensor(this.array.transpose(1, 0));
  }

  /** Row r of a matrix, as a view. */
  row(r: number): Tensor {
    if (this.ndim !== 2) throw new RangeError(`row needs a matrix, got shape [${this.shape.join(', ')}]`);
    return new Tensor(this.array.pick(r, null));
  }

  astype(dtype: DType): Tensor {
    if (dtype === this.dtype) return this.clone();
    const src = this.contiguous().data;
    const out = allocArray(dtype, src.length);
    out.set(src);
    return Tensor.fromData(out, this.shape);
  }

  toNested(): Nested {
    const c = this.contiguous();
    const build = (depth: number, offset: number): Nested => {
      if (depth === this.ndim) return c.data[offset];
      const step = shapeSize(this.shape.slice(depth + 1));
      const out: Nested[] = [];
      for (let i = 0; i < this.shape[depth]; i++) out.push(build(depth + 1, offset + i * step));
      return out;
    };
    return build(0, 0);
  }
}
