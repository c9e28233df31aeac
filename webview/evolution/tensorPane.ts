// The chosen tensor at the frame shown: a convolution kernel as the weights view's filter
// grid (same controls), a matrix or a vector as its heat map. The colour scale follows
// each checkpoint, or spans the whole series so that growing weights look brighter.
// While the next frame's values are on their way, the last picture stays.
import type { SeriesTensor } from '../../src/protocol';
import { h } from '../shared/dom';
import { shallowEqual } from '../shared/shallowEqual';
import type { ViewTheme } from '../shared/theme';
import { Toggle } from '../shared/toggle';
import { FilterGridView, type GridSettings } from '../tensorPictures/filterGridView';
import { MatrixView } from '../tensorPictures/matrixView';
import { formatShape } from '../shared/format';

/** Flat, so that an unchanged content is seen at a glance (and nothing is drawn again). */
export interface TensorContent extends GridSettings {
  tensors: SeriesTensor[];
  tensor?: SeriesTensor;
  checkpoint: string;
  values?: Float32Array;
  error?: string;
  sameScale: boolean;
  /** The tensor's histogram edges over the whole series, once known: they span its finite range. */
  seriesEdges?: number[];
  theme: ViewTheme;
}

export class TensorPane {
  readonly element: HTMLElement;
  private readonly select = h('select', { id: 'evolution-tensor', 'aria-label': 'Tensor' });
  private readonly sameScale: Toggle;
  private readonly message = h('p', { class: 'detail-message', role: 'status' });
  private readonly grid: FilterGridView;
  private readonly matrix = new MatrixView();
  private listed = '';
  private shown?: TensorContent;

  constructor(
    onTensor: (name: string) => void,
    onGrid: (settings: Partial<GridSettings & { sameScale: boolean }>) => void,
  ) {
    this.grid = new FilterGridView(onGrid);
    this.sameScale = new Toggle('Same scale for every checkpoint', (sameScale) => onGrid({ sameScale }));
    this.select.addEventListener('change', () => onTensor(this.select.value));
    this.element = h(
      'section',
      { class: 'evolution-tensor' },
      h(
        'div',
        { class: 'tensor-bar' },
        h('label', { for: 'evolution-tensor' }, 'Tensor'),
        this.select,
        this.sameScale.element,
      ),
      this.message,
      this.grid.element,
      this.matrix.element,
    );
    this.grid.element.hidden = this.matrix.element.hidden = true;
  }

  show(content: TensorContent): void {
    if (this.shown && shallowEqual(content, this.shown)) return;
    this.shown = content;
    const { tensor, values, error, checkpoint, theme } = content;
    this.list(content.tensors);
    this.select.value = tensor?.name ?? '';
    const rank = tensor?.shape.length ?? 0;
    this.sameScale.element.hidden = rank !== 4;
    this.sameScale.show(content.sameScale);
    this.message.hidden = values !== undefined;
    this.message.classList.toggle('error', error !== undefined);
    this.message.textContent = !tensor
      ? 'These checkpoints have no tensors.'
      : (error ?? `Reading ${tensor.name} of ${checkpoint}…`);
    if (error) this.grid.element.hidden = this.matrix.element.hidden = true;
    if (!tensor || !values) return;
    const nonFinite = hasNonFinite(values);
    this.grid.element.hidden = rank !== 4;
    this.matrix.element.hidden = rank !== 1 && rank !== 2;
    const { name, shape } = tensor;
    if (rank === 4) {
      const { filters, channels, rgb, normalization, zoom, sameScale, seriesEdges: edges } = content;
      const range = sameScale && edges?.length ? { low: edges[0], high: edges[edges.length - 1] } : undefined;
      const settings = { filters, channels, rgb, normalization, zoom };
      const layout = tensor.layout ?? 'OIHW';
      this.grid.show({ name, values, shape, layout, settings, theme, nonFinite, range });
    } else if (rank === 1 || rank === 2) {
      this.matrix.show({ name, shape, values, theme, nonFinite });
    } else {
      this.message.hidden = false;
      this.message.textContent = `No picture for a ${rank === 0 ? 'scalar' : `${rank}-D tensor`}: its histogram shows its values.`;
    }
  }

  /** The options, rebuilt only when the series' tensors change. */
  private list(tensors: readonly SeriesTensor[]): void {
    const key = tensors.map((t) => t.name).join('\n');
    if (key === this.listed) return;
    this.listed = key;
    this.select.replaceChildren(
      ...tensors.map((t) => h('option', { value: t.name }, `${t.name}  ${formatShape(t.shape)}`)),
    );
  }
}

/** Whether a value is NaN or ±Inf: a plain loop, since it runs at every frame (`some` takes several times longer). */
function hasNonFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return true;
  return false;
}
