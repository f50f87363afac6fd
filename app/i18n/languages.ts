// The interface's languages. A new language is a new entry here and a new catalogue in app/locales/, nothing else.
export const LANGUAGES = [
  // `htmlLang` is what <html lang> and Intl get; `code` is the catalogue's name and what is stored for a member.
  { code: 'en-NZ', htmlLang: 'en-NZ', name: 'English' },
  { code: 'mi-NZ', htmlLang: 'mi-NZ', name: 'Te reo Māori' },
] as const;

export type Language = (typeof LANGUAGES)[number]['code'];
export const DEFAULT_LANGUAGE: Language = 'en-NZ';
export const LANGUAGE_COOKIE = 'lang';

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some((l) => l.code === value);
}
