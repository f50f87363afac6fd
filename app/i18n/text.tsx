// Translated text that declares its own language when it falls back to English on a page in another language,
// so screen readers pronounce the English as English (WCAG 3.1.2, language of parts).
import { createElement, type HTMLAttributes } from 'react';
// Interpolation values and count (plurals).
import { isTranslated, useT } from './i18n';
import { DEFAULT_LANGUAGE, LANGUAGES } from './languages';

const FALLBACK_LANG = LANGUAGES.find((l) => l.code === DEFAULT_LANGUAGE)!.htmlLang;

/** `lang` for a key's text on this page: the fallback's language where the key has no text of its own here. */
export function useLangOf() {
  const { language } = useT();
  return (key: string) => (language !== DEFAULT_LANGUAGE && !isTranslated(language, key) ? FALLBACK_LANG : undefined);
}

type Props = HTMLAttributes<HTMLElement> & {
  k: string;
  values?: Record<string, string | number>;
  as?: keyof JSX.IntrinsicElements;
  href?: string;
};

export function T({ k, values, as = 'span', ...rest }: Props) {
  const { t } = useT();
  const langOf = useLangOf();
  return createElement(as, { ...rest, lang: langOf(k) ?? rest.lang }, values ? t(k, values) : t(k));
}
