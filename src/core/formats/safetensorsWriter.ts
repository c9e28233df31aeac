// Writes float32 tensors as safetensors (https://github.com/huggingface/safetensors#format),
// laid out as the reference library writes them: an 8-byte little-endian header length N,
// N bytes of JSON `{__metadata__, name: {dtype, shape, data_offsets}}` padded with spaces
// to a multiple of 8 (so the data, and every F32 tensor in it, is aligned), then the data.
// Tensors keep the order given (a state_dict's), where the reference sorts them by name.
import type { TensorValues } from './weightFile';

export function encodeSafetensors(
  tensors: Iterable<[name: string, tensor: TensorValues]>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const parts: TensorValues[] = [];
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (name === '__metadata__' || name in header) throw new Error(`tensor name "${name}" is reserved or repeated`);
    if (count !== tensor.values.length) {
      throw new Error(
        `tensor "${name}": shape [${tensor.shape.join(', ')}] holds ${count} values, got ${tensor.values.length}`,
      );
    }
    header[name] = { dtype: 'F32', shape: tensor.shape, data_offsets: [offset, offset + 4 * count] };
    parts.push(tensor);
    offset += 4 * count;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const bytes = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  bytes.set(json, 8);
  bytes.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const { values } of parts) {
    for (const value of values) {
      view.setFloat32(position, value, true);
      position += 4;
    }
  }
  return bytes;
}
