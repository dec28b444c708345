// The rules an account's options and password must satisfy, as the service enforces them
// (the kiosk checks the same rules first, but a client may bypass it).
import {BackendError} from '../../contract/api/errors.js';
import type {CardIdentity} from '../../contract/domain/card-identity.js';
import {formOptions, optionProblems, type AccountOptions} from '../../contract/rules/account-rules.js';
import {assessPassword} from '../../contract/rules/password-policy.js';

/** The options as stored: validated, e-mail trimmed, mobile in E.164. */
export function normalisedOptions(options: AccountOptions): AccountOptions {
	const problems = optionProblems(options);
	if (Object.keys(problems).length > 0) {
		const details = Object.fromEntries(Object.entries(problems).map(([field, problem]) => [field, [problem]]));
		throw new BackendError('invalid-request', 'Options du compte invalides', details);
	}
	return formOptions({...options, mobile: options.mobile ?? ''});
}

/** Refuses (`password-policy`) a password the policy rejects for this identity. */
export async function checkPassword(password: string, identity: CardIdentity): Promise<void> {
	const {problems} = await assessPassword(password, identity);
	if (problems.length > 0) throw new BackendError('password-policy', 'Mot de passe refusé par la politique de sécurité', {password: problems});
}
