// The chosen tensor's histogram at the frame shown, on bins and a count axis the whole
// series shares, with the first checkpoint's outlined over it: scrubbing shows the
// distribution spread or shift from where it started.
import { shallowEqual } from '../shared/shallowEqual';
import type { ViewTheme } from '../shared/theme';
import { Histogram } from '../tensorPictures/histogram';
import type { SeriesHistograms } from './state';

export class SeriesHistogram {
  private readonly histogram = new Histogram();
  readonly element = this.histogram.element;

  private shown?: { histograms?: SeriesHistograms; checkpoint: string; first: string; theme: ViewTheme };

  show(histograms: SeriesHistograms | undefined, checkpoint: string, first: string, theme: ViewTheme): void {
    const content = { histograms, checkpoint, first, theme };
    if (this.shown && shallowEqual(content, this.shown)) return;
    this.shown = content;
    const counts = histograms?.rows.get(checkpoint);
    if (!histograms || !counts) {
      const note = histograms?.edges.length === 0 ? 'no finite values' : 'counting…';
      this.histogram.showBins({ edges: histograms?.edges ?? [], counts: [] }, note, theme);
      return;
    }
    const { tensor, edges, countMax } = histograms;
    const reference = checkpoint === first ? undefined : histograms.rows.get(first);
    const note = `${tensor} · ${edges.length - 1} bins shared by the series${reference ? ` · outline: ${first}` : ''}`;
    this.histogram.showBins({ edges, counts, reference, countMax }, note, theme);
  }
}
