// The catalogue of the session's language, provided above the screens.
import {createContext, useContext} from 'react';
import {fr} from '../contract/i18n/fr.js';
import type {Catalogue} from '../contract/i18n/index.js';

/** The catalogue of the session's language, provided above the screens. */
export const I18nContext = createContext<Catalogue>(fr);

/** The catalogue of the session's language. */
export function useT(): Catalogue {
	return useContext(I18nContext);
}
