import {en} from './en.js';
import {fr, type Catalogue} from './fr.js';

export type Lang = 'fr' | 'en';
export type {Catalogue};

export const catalogues: Record<Lang, Catalogue> = {fr, en};
