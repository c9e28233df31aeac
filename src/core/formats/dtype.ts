// Element sizes and decoding of raw tensor bytes to float32, shared by every reader.
import type { DType } from './weightFile';

const SIZES: Record<DType, number> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  bool: 1,
};

export function dtypeSize(dtype: DType): number {
  return SIZES[dtype];
}

/** float16 bits → float32 value, precomputed for all 65,536 patterns (256 KB, built on first use). */
let halfTable: Float32Array | undefined;
function halfToFloat(): Float32Array {
  if (halfTable) return halfTable;
  halfTable = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    halfTable[h] =
      exponent === 0
        ? sign * 2 ** -14 * (fraction / 1024)
        : exponent === 31
          ? fraction
            ? NaN
            : sign * Infinity
          : sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return halfTable;
}

/**
 * Decodes `count` elements of `dtype` from `bytes` (little-endian unless told otherwise)
 * to float32. int64 beyond 2^24 loses precision, as any float32 view of it would.
 */
export function decodeToFloat32(bytes: Uint8Array, dtype: DType, count: number, littleEndian = true): Float32Array {
  const size = SIZES[dtype];
  if (bytes.length < count * size)
    throw new RangeError(`${count} ${dtype} values need ${count * size} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * size);
  const out = new Float32Array(count);
  switch (dtype) {
    case 'float32':
      if (littleEndian && bytes.byteOffset % 4 === 0) out.set(new Float32Array(bytes.buffer, bytes.byteOffset, count));
      else for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, littleEndian);
      break;
    case 'float64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, littleEndian);
      break;
    case 'float16': {
      const table = halfToFloat();
      for (let i = 0; i < count; i++) out[i] = table[view.getUint16(2 * i, littleEndian)];
      break;
    }
    case 'bfloat16': {
      // bfloat16 is the top half of a float32.
      const bits = new Uint32Array(count);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, littleEndian) << 16;
      out.set(new Float32Array(bits.buffer));
      break;
    }
    case 'int8':
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      break;
    case 'uint8':
      for (let i = 0; i < count; i++) out[i] = bytes[i];
      break;
    case 'bool':
      for (let i = 0; i < count; i++) out[i] = bytes[i] ? 1 : 0;
      break;
    case 'int16':
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, littleEndian);
      break;
    case 'int32':
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, littleEndian);
      break;
    case 'int64':
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(8 * i, littleEndian));
      break;
  }
  return out;
}

/** The number of elements of a shape, or undefined when it is not a safe integer (an overflowing header). */
export function elementCount(shape: readonly number[]): number | undefined {
  let count = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) return undefined;
    count *= d;
    if (!Number.isSafeInteger(count)) return undefined;
  }
  return count;
}
