// The iteration scrubber: a range over the kept snapshots, labelled with the iteration,
// and play/pause that steps through every kept frame on animation frames. Keyboard:
// arrows/Home/End move (the range input's own keys), space plays or pauses.
import { h } from './dom';
import { formatIteration } from './format';
import { icon } from './icons';

/** Playback speeds in kept frames per second; 60 shows one per screen refresh. */
const SPEEDS = [6, 15, 30, 60] as const;
const DEFAULT_SPEED = 30;

interface Playhead {
  /** Fractional frame index. */
  position: number;
  lastTime: number;
}

export class Scrubber {
  readonly element: HTMLElement;
  private readonly range = h('input', {
    type: 'range',
    class: 'scrubber-range',
    min: 0,
    max: 0,
    step: 1,
    value: 0,
    'aria-label': 'Iteration',
  });
  private readonly label = h('output', { class: 'scrubber-label', 'aria-live': 'off' });
  private readonly playButton = h('button', {
    type: 'button',
    class: 'icon-button play',
    'aria-label': 'Play',
    title: 'Play (Space)',
  });
  private readonly speed = h('select', { class: 'speed', 'aria-label': 'Playback speed', title: 'Playback speed' });
  private iterations: number[] = [];
  /** Set while playing. */
  private playhead?: Playhead;

  /**
   * `describe` names a frame in the label (default: its iteration out of the run's total);
   * `drawn` says whether the frame last asked for is on screen (default: always, at once).
   */
  constructor(
    private readonly onFrame: (index: number) => void,
    private readonly describe?: (index: number) => string,
    private readonly drawn?: () => boolean,
  ) {
    for (const speed of SPEEDS)
      this.speed.append(h('option', { value: speed, selected: speed === DEFAULT_SPEED }, `${speed} fps`));
    this.element = h('div', { class: 'scrubber' }, this.playButton, this.range, this.label, this.speed);
    this.range.addEventListener('input', () => {
      this.pause();
      this.onFrame(this.range.valueAsNumber);
    });
    this.range.addEventListener('keydown', (event) => {
      if (event.key !== ' ') return;
      event.preventDefault();
      this.toggle();
    });
    this.playButton.addEventListener('click', () => this.toggle());
    this.setPlayingLook(false);
  }

  get playing(): boolean {
    return this.playhead !== undefined;
  }

  /** The kept iterations (one per frame), the frame shown and the run's last iteration. */
  show(iterations: number[], index: number, total: number): void {
    if (iterations.length < 2) this.pause();
    this.iterations = iterations;
    this.range.max = String(Math.max(0, iterations.length - 1));
    this.range.value = String(index);
    this.range.disabled = iterations.length < 2;
    this.playButton.disabled = iterations.length < 2;
    const text = !iterations.length
      ? 'No iterations yet'
      : (this.describe?.(index) ?? `Iteration ${formatIteration(iterations[index])}`);
    this.label.value = iterations.length && !this.describe ? `${text} / ${formatIteration(total)}` : text;
    this.range.setAttribute('aria-valuetext', text);
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  private play(): void {
    if (this.iterations.length < 2) return;
    const last = this.iterations.length - 1;
    // From the end, play starts over.
    const start = this.range.valueAsNumber >= last ? 0 : this.range.valueAsNumber;
    const playhead: Playhead = { position: start, lastTime: performance.now() };
    this.playhead = playhead;
    this.setPlayingLook(true);
    if (start !== this.range.valueAsNumber) this.goTo(start);
    requestAnimationFrame((time) => this.tick(playhead, time));
  }

  pause(): void {
    this.playhead = undefined;
    this.setPlayingLook(false);
  }

  /** One animation frame of playback; a paused (or restarted) playhead stops its loop. */
  private tick(playhead: Playhead, time: number): void {
    if (this.playhead !== playhead) return;
    const elapsed = Math.max(0, time - playhead.lastTime) / 1000;
    playhead.lastTime = time;
    // At most one kept frame per refresh, so every kept frame is seen; one still on its way
    // (its data not there yet) holds the playhead rather than being skipped.
    const held = this.drawn?.() === false;
    const step = held ? 0 : Math.min(1, elapsed * Number(this.speed.value));
    const last = this.iterations.length - 1;
    playhead.position = Math.min(last, playhead.position + step);
    const index = Math.floor(playhead.position);
    if (index !== this.range.valueAsNumber) this.goTo(index);
    if (index >= last) this.pause();
    else requestAnimationFrame((next) => this.tick(playhead, next));
  }

  private goTo(index: number): void {
    this.range.value = String(index);
    this.onFrame(index);
  }

  private setPlayingLook(playing: boolean): void {
    this.playButton.replaceChildren(icon(playing ? 'pause' : 'play'));
    this.playButton.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    this.playButton.title = playing ? 'Pause (Space)' : 'Play (Space)';
  }
}
