import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import en from '~/locales/en-NZ.json';
import mi from '~/locales/mi-NZ.json';
import { baseKey, flattenKeys, keysUsedIn } from '~/i18n/catalogue-keys';
import { i18nFor, isTranslated, translator } from '~/i18n/i18n';
import { fromAcceptLanguage, languageCookie } from '~/i18n/language.server';
import { formatDate, formatDateTime, relativeTimeFrom } from '~/utils/time';

describe('catalogues', () => {
  it('every te reo Māori key is an English key, so nothing is translated that English does not say', () => {
    const english = new Set(flattenKeys(en).map(baseKey));
    const missing = flattenKeys(mi).map(baseKey).filter((key) => !english.has(key));
    expect(missing).toEqual([]);
  });

  it('finds the keys a source file names, and the English catalogue has those of the site header', () => {
    const source = fs.readFileSync('app/components/site-header.tsx', 'utf8');
    const keys = keysUsedIn(source, Object.keys(en));
    expect(keys).toEqual(expect.arrayContaining(['nav.home', 'nav.workshops', 'account.signIn', 'search.fieldLabel']));
    const english = new Set(flattenKeys(en).map(baseKey));
    expect(keys.filter((key) => !english.has(baseKey(key)))).toEqual([]);
  });

  it('falls back to English for a string without a reviewed translation, and says so', () => {
    expect(translator('mi-NZ')('nav.workshops')).toBe('Hui');
    expect(isTranslated('mi-NZ', 'nav.workshops')).toBe(true);
    expect(translator('mi-NZ')('errors.moved')).toBe(en.errors.moved);
    expect(isTranslated('mi-NZ', 'errors.moved')).toBe(false);
  });

  it('keeps one instance per language, so a request in one language never changes another', () => {
    expect(i18nFor('mi-NZ')).toBe(i18nFor('mi-NZ'));
    expect(i18nFor('en-NZ').language).toBe('en-NZ');
    expect(i18nFor('mi-NZ').language).toBe('mi-NZ');
  });
});

describe('plurals and interpolation', () => {
  it('chooses the plural form by count', () => {
    const t = translator('en-NZ');
    expect(t('common.seats', { count: 1 })).toBe('1 seat left');
    expect(t('common.seats', { count: 0 })).toBe('0 seats left');
    expect(t('common.seats', { count: 12 })).toBe('12 seats left');
    expect(t('pagination.page', { page: 3 })).toBe('Page 3');
    expect(translator('mi-NZ')('pagination.page', { page: 3 })).toBe('Whārangi 3');
  });

  it('te reo Māori has the plural categories one and other, like English', () => {
    expect(new Intl.PluralRules('mi-NZ').resolvedOptions().pluralCategories.sort()).toEqual(['one', 'other']);
  });
});

describe('dates in the chosen language, always in New Zealand time', () => {
  const friday = Date.UTC(2026, 3, 9, 21, 30); // Fri 10 April 2026, 9:30 am NZST

  it('writes dates in te reo Māori with macrons', () => {
    expect(formatDate(friday, 'mi-NZ')).toBe('10 Āpereira 2026');
    expect(formatDateTime(friday, 'mi-NZ')).toMatch(/^Par 10 Āpe 2026, 9:30 \S+ NZST$/);
    expect(new Intl.DateTimeFormat('mi-NZ', { dateStyle: 'full', timeZone: 'Pacific/Auckland' }).format(friday)).toBe('Paraire, 10 Āpereira 2026');
  });

  it('keeps English dates as they were', () => {
    expect(formatDate(friday)).toBe('10 April 2026');
    expect(formatDateTime(friday, 'en-NZ')).toBe('Fri 10 Apr 2026, 9:30 am NZST');
    expect(relativeTimeFrom(friday - 2 * 86_400_000, friday, 'mi-NZ')).toBe('2 rā i mua');
  });
});

describe('which language a browser gets', () => {
  it('follows Accept-Language, with q-values, bare languages and regions', () => {
    expect(fromAcceptLanguage('mi')).toBe('mi-NZ');
    expect(fromAcceptLanguage('mi-NZ,en;q=0.8')).toBe('mi-NZ');
    expect(fromAcceptLanguage('en-GB,mi;q=0.5')).toBe('en-NZ');
    expect(fromAcceptLanguage('fr-FR,mi;q=0.3')).toBe('mi-NZ');
    expect(fromAcceptLanguage('fr-FR')).toBe('en-NZ');
    expect(fromAcceptLanguage(null)).toBe('en-NZ');
    expect(fromAcceptLanguage('*;q=0.1, garbage,,;;')).toBe('en-NZ');
  });

  it('remembers a choice for a year and forgets it when asked', () => {
    expect(languageCookie('mi-NZ')).toMatch(/^lang=mi-NZ; Path=\/; SameSite=Lax; Max-Age=31536000$/);
    expect(languageCookie(null)).toMatch(/^lang=; .*Max-Age=0$/);
  });
});
