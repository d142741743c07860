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

  /** A short hash of the whole list (names, aliases, communes): it changes when the list does. */
  fingerprint(): string {
    return crypto.createHash('sha256').update(JSON.stringify(this.provinces)).digest('base64url').slice(0, 16);
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

  /**
   * The province some typed words name, as the list spells it, or null: its name or one of its
   * aliases (short names, the provinces merged into it), folded (no diacritics, case or
   * punctuation), with or without spaces ("hanoi"), "tỉnh"/"thành phố"/"TP" before it, and the
   * little words around an answer ("em ở Hà Nội ạ"). A name wins over another province's alias.
   * Never a guess: a spelling mistake or a sentence about something else is no province.
   */
  matchProvince(typed: string): string | null {
    const forms = placeForms(typed, PROVINCE_PREFIX);
    if (!forms.length) return null;
    const byName = this.provinces.find((p) => sameArea(forms, p.name, PROVINCE_PREFIX));
    return (byName ?? this.provinces.find((p) => p.aliases.some((a) => sameArea(forms, a, PROVINCE_PREFIX))))?.name ?? null;
  }

  /** The commune of `province` some typed words name ("phuong cau giay", "P. Cầu Giấy"), as the list spells it, or null. */
  matchCommune(province: string | null, typed: string): string | null {
    const forms = placeForms(typed, COMMUNE_PREFIX);
    if (!province || !forms.length) return null;
    return this.communes(province).find((c) => sameArea(forms, c, COMMUNE_PREFIX)) ?? null;
  }
}

const PROVINCE_PREFIX = /^(tinh|thanh pho|tp|t p)\s+/;
const COMMUNE_PREFIX = /^(xa|phuong|dac khu|thi tran|p|x|tt)\s+/;
/** Who is where, before a place: "em ở", "mình đang sống tại", "ở". */
const LEAD = /^((em|e|minh|mk|toi|con|chau|tui|tao|to|ban ay|ban do|no)\s+)?((dang|van)\s+)?((song|hoc|o)\s+)?(o|tai)\s+/;
/** Little words after an answer: "ạ", "nhé", "ạ ạ". */
const TAIL = /(\s+(a|ah|nhe|nha|nhen|ne|oi|vay|thoi|luon))+$/;

/** The folded forms of typed words to compare with a list entry: as typed, and without the lead-in and the place word. */
function placeForms(typed: string, prefix: RegExp): string[] {
  const folded = normalizeText(typed);
  if (!folded || folded.split(' ').length > 8) return [];
  const bare = folded.replace(TAIL, '').replace(LEAD, '').replace(prefix, '');
  return [...new Set([folded, bare].flatMap((f) => [f, f.replace(/ /g, '')]))].filter(Boolean);
}

/** True when one of the typed forms is this entry (its name or an alias), with or without its place word and spaces. */
function sameArea(forms: string[], entry: string, prefix: RegExp): boolean {
  const folded = normalizeText(entry);
  const bare = folded.replace(prefix, '');
  if (!bare) return false;
  return [folded, bare, bare.replace(/ /g, '')].some((f) => forms.includes(f));
}

/**
 * An area's stable id: a short hash of its name without diacritics or case, so that it does not
 * change when an admin edits or reorders the list (or fixes a diacritic), and fits in a button.
 */
export function areaId(name: string): string {
  return crypto.createHash('sha256').update(normalizeText(name)).digest('base64url').slice(0, 10);
}

/** An area's name as a button shows it: "TP Hồ Chí Minh" for "Thành phố Hồ Chí Minh". */
export function shortAreaName(name: string): string {
  return name.replace(/^Thành phố\s+/u, 'TP ');
}
