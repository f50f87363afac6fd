// One i18next instance per language, made once and never switched: server renders and the browser share the same
// catalogues, and concurrent requests in different languages cannot change each other's language.
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import enNZ from '../locales/en-NZ.json';
import miNZ from '../locales/mi-NZ.json';
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from './languages';
import { formatDate, formatDateRange, formatDateTime, formatTime, relativeTimeFrom, type DateInput } from '~/utils/time';

const CATALOGUES: Record<Language, Record<string, unknown>> = { 'en-NZ': enNZ, 'mi-NZ': miNZ };

const instances = new Map<Language, I18n>();

export function i18nFor(language: Language): I18n {
  let instance = instances.get(language);
  if (!instance) {
    instance = i18next.createInstance();
    void instance.use(initReactI18next).init({
      lng: language,
      // A string without a reviewed translation falls back to English, never to a guess.
      fallbackLng: DEFAULT_LANGUAGE,
      supportedLngs: LANGUAGES.map((l) => l.code),
      resources: Object.fromEntries(Object.entries(CATALOGUES).map(([code, catalogue]) => [code, { translation: catalogue }])),
      initAsync: false,
      interpolation: { escapeValue: false }, // React escapes
      returnNull: false,
    });
    instances.set(language, instance);
  }
  return instance;
}

/** A translator for server code (emails, titles): `t('nav.workshops')` in the given language. */
export function translator(language: Language) {
  return i18nFor(language).t;
}

/** Whether a key has its own text in a language (false: the English fallback is shown, marked lang="en-NZ"). */
export function isTranslated(language: Language, key: string): boolean {
  return i18nFor(language).exists(key, { lng: language, fallbackLng: [] });
}

/** The current page's language and translator, for components. */
export function useT() {
  const { t, i18n } = useTranslation();
  return { t, language: i18n.language as Language };
}

/** Date and time formatters in the page's language (always New Zealand time). */
export function useDates() {
  const { language } = useT();
  const locale = LANGUAGES.find((l) => l.code === language)?.htmlLang ?? DEFAULT_LANGUAGE;
  return {
    locale,
    formatDate: (d: DateInput) => formatDate(d, locale),
    formatDateTime: (d: DateInput) => formatDateTime(d, locale),
    formatTime: (d: DateInput) => formatTime(d, locale),
    formatDateRange: (start: DateInput, end: DateInput) => formatDateRange(start, end, locale),
    relativeTimeFrom: (d: DateInput, now?: DateInput) => relativeTimeFrom(d, now, locale),
  };
}
