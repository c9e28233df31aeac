// The choices the filter grid offers (and a saved state is checked against): zooms and normalizations.
import type { Normalization } from '../../src/core/tensor/kernel';

/** Tile scales offered (CSS pixels per kernel value). */
export const ZOOMS = [1, 2, 3, 4, 6, 8, 12, 16];

export const NORMALIZATIONS: { value: Normalization; label: string }[] = [
  { value: 'global', label: 'Global min–max' },
  { value: 'filter', label: 'Per-filter min–max' },
  { value: 'symmetric', label: 'Symmetric about 0' },
];
