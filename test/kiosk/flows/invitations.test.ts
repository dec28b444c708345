// Invitations without Ink, on a fake backend: every address checked before any is sent.
import {describe, expect, test} from 'vitest';
import {BackendError} from '../../../src/contract/api/errors.js';
import {createInvitations} from '../../../src/flows/invitations.js';
import {ACCOUNT, PROOF, fakeApi, fakeProve, flush, sessionAfter, t} from './fakes.js';

function invitationsScreen() {
	const store = sessionAfter({type: 'account/saved', account: ACCOUNT}, {type: 'navigation/restart', screen: 'step4'}, {type: 'navigation/open', screen: 'invite'});
	const api = fakeApi({invite: ({emails}) => ({sent: emails.length})});
	return {store, api, invitations: createInvitations(store, {api, prove: fakeProve, t})};
}

describe('invitations (fake backend)', () => {
	test('nothing typed, or one invalid address: nothing is sent, and the reason names it', () => {
		const {store, api, invitations} = invitationsScreen();
		invitations.send();
		expect(store.get().invitations.request).toEqual({phase: 'failed', error: t.invite.empty});
		invitations.edit('a.martin@exemple.fr, pas-une-adresse');
		invitations.send();
		expect(store.get().invitations.request).toEqual({phase: 'failed', error: t.invite.invalid('pas-une-adresse')});
		expect(api.calls).toEqual([]);
	});

	test('signed in without the card: nothing is sent (the screen says the card is needed), no fault either', () => {
		const {store, api, invitations} = invitationsScreen();
		store.dispatch({type: 'sign-in/signed-in', session: 'session-1'});
		invitations.edit('a.martin@exemple.fr');
		invitations.send();
		expect(api.calls).toEqual([]);
		expect(store.get().invitations.request).toEqual({phase: 'idle'});
	});

	test('more colleagues than one request takes: said before anything is sent; each colleague is sent once (issue 12 item 11)', async () => {
		const {store, api, invitations} = invitationsScreen();
		invitations.edit(Array.from({length: 11}, (_, index) => `c${index}@exemple.fr`).join(' '));
		invitations.send();
		expect(store.get().invitations.request).toEqual({phase: 'failed', error: t.invite.tooMany(10)});
		expect(api.calls).toEqual([]);
		invitations.edit('a.martin@exemple.fr A.Martin@Exemple.fr a.martin@exemple.fr');
		invitations.send();
		await flush();
		expect(api.of('invite')).toEqual([{proof: PROOF, emails: ['a.martin@exemple.fr']}]);
	});

	test('the day’s invitations used up: said as such, not as codes asked too often', async () => {
		const store = sessionAfter({type: 'account/saved', account: ACCOUNT}, {type: 'navigation/restart', screen: 'step4'}, {type: 'navigation/open', screen: 'invite'});
		const api = fakeApi({
			invite: () => {
				throw new BackendError('rate-limited', 'Au plus 50 invitations par jour', {emails: ['daily-limit']}, {retryAfterSeconds: 5 * 3600 + 10});
			},
		});
		const invitations = createInvitations(store, {api, prove: fakeProve, t});
		invitations.edit('a.martin@exemple.fr');
		invitations.send();
		await flush();
		expect(store.get().invitations.request).toEqual({phase: 'failed', error: t.invite.dailyLimit(6), code: 'rate-limited'});
		expect(t.invite.dailyLimit(6)).toContain('6 h');
	});

	test('colleagues already invited in the last 30 days: the service did not mail them again, and the screen says so', async () => {
		const store = sessionAfter({type: 'account/saved', account: ACCOUNT}, {type: 'navigation/restart', screen: 'step4'}, {type: 'navigation/open', screen: 'invite'});
		const api = fakeApi({invite: () => ({sent: 1, alreadyInvited: 2})});
		const invitations = createInvitations(store, {api, prove: fakeProve, t});
		invitations.edit('a@exemple.fr b@exemple.fr c@exemple.fr');
		invitations.send();
		await flush();
		expect(store.get().invitations).toMatchObject({sent: 1, alreadyInvited: 2});
		expect(t.invite.sent(1, 2)).toBe('1 invitation(s) envoyée(s). 2 confrère(s) déjà invité(s) depuis moins de 30 jours : pas de nouvel envoi.');
		expect(t.invite.sent(2)).toBe('2 invitation(s) envoyée(s).');
	});

	test('sent with the card: the count is shown and the field emptied', async () => {
		const {store, api, invitations} = invitationsScreen();
		invitations.edit('a.martin@exemple.fr; b.durand@exemple.fr');
		invitations.send();
		await flush();
		expect(api.of('invite')).toEqual([{proof: PROOF, emails: ['a.martin@exemple.fr', 'b.durand@exemple.fr']}]);
		expect(store.get().invitations).toEqual({input: '', request: {phase: 'idle'}, sent: 2});
	});
});
