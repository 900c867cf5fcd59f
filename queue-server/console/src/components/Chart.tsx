/**
 * A uPlot chart, loaded on first use (the manager view is the only one with charts, so the
 * library stays out of the main bundle). Series are numbers over x (hour of day or day index).
 */

import { useEffect, useRef, useState } from 'preact/hooks';
import type { AlignedData, Options } from 'uplot';

type UPlotCtor = typeof import('uplot');
let loading: Promise<UPlotCtor> | null = null;
function loadUPlot(): Promise<UPlotCtor> {
  if (loading === null)
    loading = Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([m]) => {
      const mod = m as unknown as { default?: UPlotCtor };
      return mod.default ?? (m as unknown as UPlotCtor);
    });
  return loading;
}

export interface ChartSeries {
  label: string;
  values: number[];
  color: string;
  bars?: boolean;
}

export function Chart(props: {
  title: string;
  /** The x axis in the legend (时 / 日期). */
  xName?: string;
  x: number[];
  xLabels?: string[];
  series: ChartSeries[];
  height?: number;
  testid?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let plot: { destroy(): void; setSize(s: { width: number; height: number }): void } | null = null;
    let resize: ResizeObserver | null = null;
    let alive = true;
    loadUPlot().then(
      (UPlot) => {
        if (!alive || host.current === null) return;
        const width = Math.max(300, host.current.clientWidth);
        const labels = props.xLabels;
        const opts: Options = {
          width,
          height: props.height ?? 220,
          legend: { show: true },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: false } },
          axes: [
            {
              values: (_u, ticks) => ticks.map((t) => (labels ? (labels[t] ?? '') : String(t))),
              grid: { show: false },
            },
            { grid: { stroke: '#edf1f7' } },
          ],
          series: [
            {
              label: props.xName ?? '',
              value: (_u, v) => (v === null ? '' : labels ? (labels[v] ?? '') : String(v)),
            },
            ...props.series.map((s) => ({
              label: s.label,
              stroke: s.color,
              fill: s.bars ? `${s.color}55` : undefined,
              width: 2,
              ...(s.bars ? { paths: UPlot.paths.bars?.({ size: [0.7, 40] }), points: { show: false } } : {}),
            })),
          ],
        };
        const data = [props.x, ...props.series.map((s) => s.values)] as AlignedData;
        plot = new UPlot(opts, data, host.current);
        // Follow the panel's width (window resized, 1366 ↔ 1920).
        const el = host.current;
        resize = new ResizeObserver(() => {
          const w = Math.max(300, el.clientWidth);
          if (plot !== null && Math.abs(w - opts.width) > 4) {
            opts.width = w;
            plot.setSize({ width: w, height: opts.height });
          }
        });
        resize.observe(el);
      },
      () => setFailed(true),
    );
    return () => {
      alive = false;
      resize?.disconnect();
      plot?.destroy();
    };
  }, [JSON.stringify(props.x), JSON.stringify(props.series), props.xLabels?.join()]);
  return (
    <figure class="chart" data-testid={props.testid}>
      <figcaption class="strong">{props.title}</figcaption>
      {failed ? <p class="error">图表加载失败</p> : <div ref={host} />}
    </figure>
  );
}
