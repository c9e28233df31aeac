// Which files the weights view offers to open, and names for what it writes. Pure (no
// `vscode` import) so test/extension checks package.json against these in plain Node.

import { WEIGHT_FILE_EXTENSIONS } from '../core/formats/weightFileNames';

export { WEIGHT_FILE_EXTENSIONS };

/** JSON manifests, recognised by name: a TF.js model and a sharded safetensors index. */
export const WEIGHT_MANIFEST_PATTERNS = ['model.json', '*.safetensors.index.json'] as const;

/** The custom editor's `filenamePattern`s. */
export function weightFilePatterns(): string[] {
  return [...WEIGHT_FILE_EXTENSIONS.map((ext) => `*.${ext}`), ...WEIGHT_MANIFEST_PATTERNS];
}

/** The Explorer context menu's when-clause: files (not folders) matching those patterns. */
export function weightFileWhenClause(): string {
  return [
    '!explorerResourceIsFolder && (',
    `resourceExtname =~ /^\\.(${WEIGHT_FILE_EXTENSIONS.join('|')})$/i`,
    ' || resourceFilename == model.json',
    ' || resourceFilename =~ /\\.safetensors\\.index\\.json$/i',
    ')',
  ].join('');
}

/** Characters not allowed (or not wise) in a file name on some system, besides control characters. */
const UNSAFE_CHARACTERS = new Set('\\/:*?"<>|');

/**
 * The file name an exported PNG is offered under: `<file>-<picture>.png`, from the weight
 * file's name without its extension and the webview's name for the picture (the tensor),
 * kept to one path component so it cannot point the save dialog anywhere else.
 */
export function exportFileName(weightFileName: string, suggested: string): string {
  const stem = weightFileName.replace(/\.[^.]*$/, '');
  const picture = suggested.replace(/\.png$/i, '');
  const name = Array.from(`${stem}-${picture}`, (c) => (UNSAFE_CHARACTERS.has(c) || c < ' ' ? '_' : c))
    .join('')
    .trim();
  return `${name}.png`;
}
