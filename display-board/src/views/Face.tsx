import type { RatingLevel } from '@onewindow/shared/domain.ts';

const COLORS: Record<RatingLevel, string> = {
  5: '#22c55e',
  4: '#84cc16',
  3: '#facc15',
  2: '#fb923c',
  1: '#ef4444',
};

const MOUTHS: Record<RatingLevel, string> = {
  5: 'M27 57 Q50 88 73 57 Z',
  4: 'M30 62 Q50 80 70 62',
  3: 'M32 66 Q50 72 68 66',
  2: 'M31 73 Q50 60 69 73',
  1: 'M28 77 Q50 54 72 77',
};

/** A face for each level, drawn inline so the pad needs no emoji font. */
export function Face({ level }: { level: RatingLevel }) {
  const ink = '#1f2937';
  return (
    <svg class="face" viewBox="0 0 100 100" aria-hidden="true">
      <circle cx="50" cy="50" r="46" fill={COLORS[level]} stroke={ink} stroke-width="3" />
      <circle cx="35" cy="40" r="5.5" fill={ink} />
      <circle cx="65" cy="40" r="5.5" fill={ink} />
      {level === 1 && (
        <path d="M24 27 L42 33 M76 27 L58 33" stroke={ink} stroke-width="4" stroke-linecap="round" />
      )}
      <path
        d={MOUTHS[level]}
        fill={level === 5 ? ink : 'none'}
        stroke={ink}
        stroke-width="5"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}
