// Opens a model file for running, with the front-end its bytes call for, and reads its
// weights onto the backend. Formats that hold no graph the engine can follow get an error
// that says which front-ends exist.
import { Model } from './model';
import { ModelError } from './graph';
import { onnxGraph, type LoadedGraph } from './onnxGraph';
import { openFileSource } from '../formats/byteSource';
import type { ByteSource } from '../formats/weightFile';

export async function openModel(path: string): Promise<Model> {
  const source = await openFileSource(path);
  let loaded: LoadedGraph;
  try {
    loaded = await frontEndFor(source);
  } catch (error) {
    await source.close();
    throw error;
  }
  try {
    return await Model.load(loaded.graph);
  } finally {
    await loaded.close();
  }
}

async function frontEndFor(source: ByteSource): Promise<LoadedGraph> {
  const head = await source.read(0, Math.min(source.size, 16));
  // ONNX has no magic number: a protobuf whose first field is ir_version (field 1, varint).
  if (head[0] === 0x08) return onnxGraph(source);
  throw new ModelError(
    source.path,
    'is not a model Weight Lens can run yet (ONNX runs; Keras, TF.js and PyTorch come next)',
  );
}
