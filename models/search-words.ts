/**
 * Folds Vietnamese text to a plain form: NFD, combining marks removed, đ/Đ → d, lowercase,
 * every run of whitespace or punctuation turned into one space, trimmed. The one folding used
 * by risk detection and by word search, so "bi danh" finds "bị đánh".
 */
export function normalizeText(text: string): string {
  return foldLetters(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The letters folded as `normalizeText` folds them (no marks, đ → d, lowercase), nothing else touched. */
export function foldLetters(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

/** The folded words of a text, in order (letters and digits only, so safe in any query syntax). */
export const searchWords = (text: string): string[] => normalizeText(text).split(' ').filter(Boolean);
