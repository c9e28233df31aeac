// What every chart.js chart of the views shares: the theme's font and colours, a
// tooltip that looks like VS Code's hover widget, the line marking the frame shown, and
// legends of lines (test lines dashed, so that train and test differ by more than colour);
// and what the line charts against iteration share: their options, and the point a click
// on one picks. Only the chart.js parts used are registered, which keeps the bundles small.
import {
  Chart,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartArea,
  type ChartOptions,
  type TooltipItem,
} from 'chart.js';
import type { Theme } from '../../src/render/theme';
import { h } from './dom';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip);

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

export interface LineChartParts {
  /** The x axis: its type, range and ticks. */
  x: NonNullable<ChartOptions<'line'>['scales']>['x'];
  /** The y axis's range, and its ticks' text. */
  y: { min?: number; max?: number; suggestedMin?: number; beginAtZero?: boolean; tick: (value: number) => string };
  tooltip: { title: (items: TooltipItem<'line'>[]) => string; label: (item: TooltipItem<'line'>) => string };
  /** A click on the chart, at this x value (undefined off the axis). */
  onClickX: (x: number | undefined) => void;
}

/**
 * A line chart's options: themed, drawn at once (no animation) from {x, y} points, thin
 * lines without dots, tooltips for the nearest x.
 */
export function lineChartOptions(theme: Theme, { x, y, tooltip, onClickX }: LineChartParts): ChartOptions<'line'> {
  const { foreground, mutedForeground, gridLine } = theme;
  const font = chartFont(theme);
  const { tick, ...range } = y;
  const defined = Object.fromEntries(Object.entries(range).filter(([, value]) => value !== undefined));
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    parsing: false,
    color: foreground,
    font,
    elements: { line: { borderWidth: 1.5, tension: 0 }, point: { radius: 0, hoverRadius: 3, hitRadius: 4 } },
    layout: { padding: { right: 8 } },
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    onClick: (event, _elements, chart) => {
      if (event.x !== null) onClickX(chart.scales.x.getValueForPixel(event.x));
    },
    scales: {
      x,
      y: {
        type: 'linear',
        ...defined,
        ticks: { color: mutedForeground, font, maxTicksLimit: 5, callback: (v) => tick(Number(v)) },
        grid: { color: gridLine },
        border: { display: false },
      },
    },
    plugins: { tooltip: { ...tooltipStyle(theme), callbacks: tooltip } },
  };
}

/** The index of the x nearest `x`: by ratio on a log axis. */
export function nearestIndex(xs: readonly number[], x: number, log: boolean): number {
  const distance = (v: number): number => (log ? Math.abs(Math.log(v) - Math.log(x)) : Math.abs(v - x));
  let best = 0;
  xs.forEach((v, i) => {
    if (distance(v) < distance(xs[best])) best = i;
  });
  return best;
}
