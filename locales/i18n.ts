import i18next, { type TFunction } from 'i18next';
import vi from './vi.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };

export const LANGUAGES = ['vi', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const resources = { vi, en } as const;

const instance = i18next.createInstance();
await instance.init({
  resources: { vi: { translation: vi }, en: { translation: en } },
  lng: 'vi',
  fallbackLng: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** The translate function for one language. Vietnamese is the default. */
export function tr(lang: Lang): TFunction {
  return instance.getFixedT(lang);
}

export const isLang = (v: unknown): v is Lang => v === 'vi' || v === 'en';
