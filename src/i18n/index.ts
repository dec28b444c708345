import {createContext, useContext} from 'react';
import {en} from './en.js';
import {fr, type Catalogue} from './fr.js';

export type Lang = 'fr' | 'en';
export type {Catalogue};

export const catalogues: Record<Lang, Catalogue> = {fr, en};

export const I18nContext = createContext<Catalogue>(fr);

/** The catalogue of the session's language. */
export function useT(): Catalogue {
	return useContext(I18nContext);
}
