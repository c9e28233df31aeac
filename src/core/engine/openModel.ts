// Opens a model file for running, with the front-end its bytes call for, and reads its
// weights onto the backend. Formats that hold no graph the engine can follow get an error
// that says which front-ends exist.
import { Model } from './model';
import { ModelError } from './graph';
import { kerasH5Graph, kerasZipGraph, tfjsGraph } from './kerasGraph';
import { onnxGraph, type LoadedGraph } from './onnxGraph';
import { pytorchGraph } from './pytorchGraph';
import { openFileSource } from '../formats/byteSource';
import { HDF5_MAGIC, readJsonFile } from '../formats/openWeightFile';
import { PYTORCH_LEGACY_MAGIC_PICKLE } from '../formats/pytorchLegacy';
import { isRecord } from '../formats/tensorTable';
import type { ByteSource } from '../formats/weightFile';
import { isZip, openZip } from '../formats/zip';

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
  // PyTorch: a zip archive with a data.pkl (torch.save since 1.6), or the legacy pickles.
  if (isZip(head)) {
    const zip = await openZip(source);
    if ([...zip.entries.keys()].some((n) => /^([^/]+\/)?data\.pkl$/.test(n))) return pytorchGraph(source, zip);
    // Keras 3 .keras: config.json (the model) beside model.weights.h5.
    if (zip.entries.has('config.json')) return kerasZipGraph(source, zip);
    zip.close();
  }
  if (PYTORCH_LEGACY_MAGIC_PICKLE.every((byte, i) => head[i] === byte)) return pytorchGraph(source);
  // Keras .h5 saved with model.save: HDF5 with a model_config attribute.
  if (HDF5_MAGIC.every((byte, i) => head[i] === byte)) return kerasH5Graph(source);
  // TF.js layers model: a model.json with a modelTopology.
  if (new TextDecoder().decode(head).trimStart().startsWith('{')) {
    const json = await readJsonFile(source);
    if (isRecord(json) && 'modelTopology' in json) return tfjsGraph(source, json);
  }
  throw new ModelError(
    source.path,
    'is not a model Weight Lens can run yet (ONNX, PyTorch, Keras and TF.js models run)',
  );
}
