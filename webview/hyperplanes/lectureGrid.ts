// The Lecture tab: small multiples of the run at the slides' iterations, drawn by the
// same renderer as the CLI's PNG. Its height follows its width (square cells).
import { drawLectureGrid, lectureGridScenes, lectureGridSize } from '../../src/render/lectureGrid';
import type { Theme } from '../../src/render/theme';
import { h } from '../shared/dom';
import { onNextFrame } from '../shared/frame';
import { HiDpiCanvas } from '../shared/hidpiCanvas';
import type { RunState } from './state';

/** Narrowest cell worth drawing, in CSS pixels: fewer columns below it. */
const MIN_CELL_WIDTH = 150;
const MAX_COLUMNS = 4;

export class LectureGrid {
  readonly element: HTMLElement;
  private readonly canvas: HiDpiCanvas;
  private content?: { run: RunState; theme: Theme };

  constructor() {
    this.canvas = new HiDpiCanvas(
      'lecture-canvas',
      onNextFrame(() => this.draw()),
    );
    this.canvas.element.setAttribute('role', 'img');
    this.element = h('div', { class: 'lecture' }, this.canvas.element);
  }

  show(run: RunState, theme: Theme): void {
    if (this.content?.run === run && this.content.theme === theme) return;
    this.content = { run, theme };
    this.draw();
  }

  private draw(): void {
    if (!this.content) return;
    const { run, theme } = this.content;
    const scenes = lectureGridScenes(run, run.dataset);
    const width = this.element.clientWidth;
    const columns = Math.max(1, Math.min(MAX_COLUMNS, Math.floor(width / MIN_CELL_WIDTH)));
    const height = `${lectureGridSize(width, scenes.length, columns).height}px`;
    // Resizing the canvas observes itself again; only a new height needs another pass.
    if (this.canvas.element.style.height !== height) this.canvas.element.style.height = height;
    const surface = this.canvas.begin();
    if (!surface) return;
    this.canvas.element.setAttribute(
      'aria-label',
      `Lecture grid: ${scenes.map((s) => `iteration ${s.snapshot.iteration}`).join(', ')}`,
    );
    drawLectureGrid(surface.ctx, surface.rect, scenes, theme, columns);
  }
}
