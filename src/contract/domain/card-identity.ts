import {stripControl} from '../text/sanitize.js';

/** The practitioner's identity as read from the card's authentication certificate. */
export type CardIdentity = {
	/** Civilité d'exercice ("Dr", "M.", "Mme"), when the card carries one. */
	civilite?: string;
	givenName: string;
	surname: string;
	/** Profession label (`title` of the certificate), e.g. "Médecin". */
	profession: string;
	/** Profession code of table G15 ("10" for médecin), used for the address domain. */
	professionCode?: string;
	/** National identifier without its type digit. */
	nationalId: string;
	idType: 'RPPS' | 'ADELI';
};

/** "Dr Marie-Hélène LEFÈVRE-DURAND": civilité, given name, surname in capitals, control characters removed. */
export function holderName(identity: CardIdentity): string {
	return stripControl([identity.civilite, identity.givenName, identity.surname.toUpperCase()].filter(Boolean).join(' '));
}
