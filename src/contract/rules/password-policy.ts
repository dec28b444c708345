import {foldLatin} from '../text/text.js';

/** The seed's four rules, shown as a live checklist while typing. */
export type PasswordRule = 'length' | 'upper' | 'lower' | 'digit';

/** Every reason a password is refused, checked identically by the kiosk and the backend. */
export type PasswordProblem = 'too-short' | 'too-long' | 'no-upper' | 'no-lower' | 'no-digit' | 'common' | 'personal' | 'weak';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;
/** Lowest zxcvbn score (0–4) accepted. */
export const MIN_PASSWORD_SCORE = 2;

/** The seed's rules, each true when met. Cheap and synchronous: called on every keystroke. */
export function passwordRules(password: string): Record<PasswordRule, boolean> {
	return {
		length: [...password].length >= MIN_PASSWORD_LENGTH,
		upper: /\p{Lu}/u.test(password),
		lower: /\p{Ll}/u.test(password),
		digit: /\p{Nd}/u.test(password),
	};
}

/** Words of the holder that must not appear in the password: names and national identifier. */
export type PasswordContext = {givenName?: string; surname?: string; nationalId?: string};

/** Result of the full policy. */
export type PasswordAssessment = {
	problems: PasswordProblem[];
	/** zxcvbn strength, 0 (very weak) to 4 (very strong). */
	score: 0 | 1 | 2 | 3 | 4;
};

type Zxcvbn = {check: (password: string, userInputs?: string[]) => {score: 0 | 1 | 2 | 3 | 4; sequence: Array<{dictionaryName?: string; token: string}>}};
let zxcvbnLoading: Promise<Zxcvbn> | undefined;

/**
 * Loads the French and common dictionaries (≈ 4 MB, ≈ 120 ms) once, on first use: kept off the
 * start-up path so the first frame is not delayed. Call early to warm it up.
 */
export function loadPasswordDictionaries(): Promise<Zxcvbn> {
	zxcvbnLoading ??= (async () => {
		const [{ZxcvbnFactory}, common, fr] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-fr')]);
		return new ZxcvbnFactory({
			dictionary: {...common.dictionary, ...fr.dictionary},
			graphs: common.adjacencyGraphs,
			translations: fr.translations,
		});
	})();
	return zxcvbnLoading;
}

// Particles of French, Dutch, German, Italian and Portuguese names: too common to forbid.
const PARTICLES = new Set(['de', 'du', 'des', 'del', 'der', 'den', 'la', 'le', 'les', 'van', 'von', 'di', 'da', 'dos', 'das']);

/** Name parts of at least 3 letters (particles aside) and the identifier, folded for comparison. */
function personalWords(context: PasswordContext): string[] {
	const names = [context.givenName, context.surname].flatMap(name => foldLatin(name ?? '').split(/[^a-z]+/)).filter(word => word.length >= 3 && !PARTICLES.has(word));
	return context.nationalId ? [...names, context.nationalId] : names;
}

/** Applies the whole policy (SPEC §8). Never truncates the password. */
export async function assessPassword(password: string, context: PasswordContext = {}): Promise<PasswordAssessment> {
	const problems: PasswordProblem[] = [];
	const rules = passwordRules(password);
	if (!rules.length) problems.push('too-short');
	if ([...password].length > MAX_PASSWORD_LENGTH) problems.push('too-long');
	if (!rules.upper) problems.push('no-upper');
	if (!rules.lower) problems.push('no-lower');
	if (!rules.digit) problems.push('no-digit');

	const personal = personalWords(context);
	const folded = foldLatin(password);
	if (personal.some(word => folded.includes(word))) problems.push('personal');

	const zxcvbn = await loadPasswordDictionaries();
	// zxcvbn's cost grows with length; the policy already refuses anything past 128.
	const result = zxcvbn.check(password.slice(0, MAX_PASSWORD_LENGTH), personal);
	const commonLength = result.sequence.filter(match => match.dictionaryName === 'passwords-common').reduce((sum, match) => sum + match.token.length, 0);
	// A known password with a short decoration ("Azerty123", "Motdepasse1!") is still that password.
	if (commonLength > 0 && password.length - commonLength <= 4) problems.push('common');
	else if (result.score < MIN_PASSWORD_SCORE && problems.length === 0) problems.push('weak');
	return {problems, score: result.score};
}
