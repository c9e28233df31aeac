// What every chart.js chart of the views shares: the theme's font and colours, a
// tooltip that looks like VS Code's hover widget, the line marking the frame shown, and
// legends of lines (test lines dashed, so that train and test differ by more than colour).
import type { ChartArea } from 'chart.js';
import type { Theme } from '../src/render/theme';
import { h } from './dom';

export function chartFont(theme: Theme): { family: string; size: number } {
  return { family: theme.fontFamily, size: 11 };
}

export function tooltipStyle(theme: Theme) {
  const font = chartFont(theme);
  return {
    backgroundColor: theme.background,
    titleColor: theme.foreground,
    bodyColor: theme.foreground,
    borderColor: theme.gridLine,
    borderWidth: 1,
    titleFont: font,
    bodyFont: font,
  };
}

/** A vertical line across the chart area at pixel x: the frame the scrubber shows. */
export function drawFrameLine(ctx: CanvasRenderingContext2D, area: ChartArea, x: number, theme: Theme): void {
  ctx.save();
  ctx.strokeStyle = theme.foreground;
  ctx.globalAlpha = 0.6;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(Math.round(x) + 0.5, area.top);
  ctx.lineTo(Math.round(x) + 0.5, area.bottom);
  ctx.stroke();
  ctx.restore();
}

/** A legend's entries: a swatch of each line's colour (dashed, for a dashed line) and its label. */
export function lineLegendItems(lines: readonly { label: string; color: string; dashed: boolean }[]): HTMLElement[] {
  return lines.map(({ label, color, dashed }) => {
    const swatch = h('span', { class: dashed ? 'line-swatch dashed' : 'line-swatch', 'aria-hidden': 'true' });
    swatch.style.borderTopColor = color;
    return h('span', { class: 'legend-item' }, swatch, label);
  });
}
