import crypto from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import { normalizeText } from '../bot/risk/risk-detector.js';

const AreaFileSchema = z.object({
  source: z.string().optional(),
  provinces: z
    .array(
      z.object({
        name: z.string().min(1).max(80),
        aliases: z.array(z.string().max(80)).default([]),
        communes: z.array(z.string().min(1).max(80)).default([]),
      }),
    )
    .min(1),
});
export type AreaFile = z.infer<typeof AreaFileSchema>;
export type AreaFileInput = z.input<typeof AreaFileSchema>;

/**
 * The area list (province → commune). Ships with the 34 provincial units of the 2025 reform;
 * an admin replaces it with a file that also lists the communes (DOMAIN.md: Areas).
 */
export class AreaDirectory {
  private readonly provinces: AreaFile['provinces'];

  constructor(data: AreaFileInput) {
    this.provinces = AreaFileSchema.parse(data).provinces;
  }

  static fromFile(file: string): AreaDirectory {
    return new AreaDirectory(AreaFileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8'))));
  }

  /** Province names, with `first` (the deployment's own province) at the top when given. */
  provinceNames(first?: string): string[] {
    const names = this.provinces.map((p) => p.name);
    const own = first ? this.matchProvince(first) : null;
    return own ? [own, ...names.filter((n) => n !== own)] : names;
  }

  communes(province: string): string[] {
    return this.provinces.find((p) => p.name === province)?.communes ?? [];
  }

  /** The province whose {@link areaId} this is, in the list in force now, or null. */
  provinceById(id: string): string | null {
    return this.provinceNames().find((name) => areaId(name) === id) ?? null;
  }

  /** The commune of `province` whose {@link areaId} this is, or null. */
  communeById(province: string | null | undefined, id: string): string | null {
    return province ? (this.communes(province).find((name) => areaId(name) === id) ?? null) : null;
  }

  /** The province a child typed ("ha noi", "Hà Nội", "tp hcm"), or null. */
  matchProvince(typed: string): string | null {
    const t = normalizeText(typed).replace(/^(tinh|thanh pho|tp)\s+/, '');
    if (!t) return null;
    const hit = this.provinces.find(
      (p) => normalizeText(p.name).replace(/^thanh pho\s+/, '') === t || p.aliases.some((a) => normalizeText(a) === t),
    );
    return hit?.name ?? null;
  }

  /** The commune of `province` a child typed, matched to the list when it is there. */
  matchCommune(province: string | null, typed: string): string | null {
    const t = normalizeText(typed).replace(/^(xa|phuong|dac khu)\s+/, '');
    if (!province || !t) return null;
    return this.communes(province).find((c) => normalizeText(c).replace(/^(xa|phuong|dac khu)\s+/, '') === t) ?? null;
  }
}

/**
 * An area's stable id: a short hash of its name without diacritics or case, so that it does not
 * change when an admin edits or reorders the list (or fixes a diacritic), and fits in a button.
 */
export function areaId(name: string): string {
  return crypto.createHash('sha256').update(normalizeText(name)).digest('base64url').slice(0, 10);
}
