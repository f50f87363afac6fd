// A horizontal bar chart drawn on the server as SVG: no script, no chart library. It is an image with an accessible
// name (its <title>); the figures themselves are in the table the caller puts beside it.
import { useId } from 'react';

const WIDTH = 520;
const LABEL = 150;
const ROW = 26;
const PAD = 6;

export function BarChart({ name, bars }: { name: string; bars: { label: string; value: number }[] }) {
  const id = useId();
  const max = Math.max(1, ...bars.map((b) => b.value));
  const barMax = WIDTH - LABEL - 60;
  const height = Math.max(1, bars.length) * ROW + PAD * 2;
  return (
    <svg className="bar-chart" role="img" aria-labelledby={`${id}-title`} viewBox={`0 0 ${WIDTH} ${height}`} width="100%" preserveAspectRatio="xMinYMin meet">
      <title id={`${id}-title`}>{name}</title>
      {bars.length === 0 ? (
        <text x={0} y={PAD + 16} fontSize="13" fill="#555">
          Nothing in this period.
        </text>
      ) : (
        bars.map((bar, i) => {
          const y = PAD + i * ROW;
          const width = bar.value > 0 ? Math.max(2, (bar.value / max) * barMax) : 0;
          return (
            <g key={`${bar.label}-${i}`}>
              <text x={LABEL - 8} y={y + 17} fontSize="12" textAnchor="end" fill="#1f2328">
                {bar.label.length > 24 ? `${bar.label.slice(0, 23)}…` : bar.label}
              </text>
              <rect x={LABEL} y={y + 4} width={width} height={ROW - 8} rx={2} fill="#2f6f73" />
              <text x={LABEL + width + 6} y={y + 17} fontSize="12" fill="#1f2328">
                {bar.value}
              </text>
            </g>
          );
        })
      )}
    </svg>
  );
}
