// The file's header: its name and format, the totals (tensors, parameters), its path,
// and its metadata (safetensors __metadata__, ONNX producer...) folded away.
import { h } from '../shared/dom';
import { formatCount } from '../shared/format';
import { parameterCount, type WeightsFile } from './state';

export class FileHeader {
  readonly element = h('header', { class: 'file-header' });
  private file?: WeightsFile;

  show(file: WeightsFile): void {
    if (file === this.file) return;
    this.file = file;
    const parameters = file.tensors.reduce((sum, t) => sum + parameterCount(t.shape), 0);
    const entries = Object.entries(file.metadata);
    const metadata = entries.length
      ? [
          h(
            'details',
            { class: 'metadata' },
            h('summary', {}, `Metadata (${entries.length})`),
            h('dl', {}, ...entries.flatMap(([key, value]) => [h('dt', {}, key), h('dd', {}, value)])),
          ),
        ]
      : [];
    this.element.replaceChildren(
      h('div', { class: 'file-title' }, h('h1', {}, file.fileName), h('span', { class: 'badge' }, file.format)),
      h(
        'div',
        { class: 'file-facts' },
        h('span', { class: 'fact-value' }, `${formatCount(file.tensors.length)} tensors`),
        h('span', { class: 'fact-value' }, `${formatCount(parameters)} parameters`),
        h('span', { class: 'file-path', title: file.path }, file.path),
      ),
      ...metadata,
    );
  }
}
