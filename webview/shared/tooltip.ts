// The tooltip over a canvas (a hovered unit, filter tile or heat-map cell): beside the
// cursor, flipped to the other side near the right and bottom edges so it stays in view.
import { h } from './dom';

/** Distance from the cursor to the tooltip's corner, in CSS pixels. */
const OFFSET = 14;

export class Tooltip {
  readonly element = h('div', { class: 'tooltip', role: 'tooltip', hidden: true });

  show(...content: (Node | string)[]): void {
    this.element.replaceChildren(...content);
    this.element.hidden = false;
  }

  hide(): void {
    this.element.hidden = true;
  }

  /** Beside (x, y), in the coordinates of the width × height box the tooltip is positioned in. */
  place(x: number, y: number, width: number, height: number): void {
    const flipX = x > width * 0.6;
    const flipY = y > height * 0.75;
    const { style } = this.element;
    style.left = flipX ? '' : `${x + OFFSET}px`;
    style.right = flipX ? `${width - x + OFFSET}px` : '';
    style.top = flipY ? '' : `${y + OFFSET}px`;
    style.bottom = flipY ? `${height - y + OFFSET}px` : '';
  }
}
