// Fakes for the flows' unit tests: a backend answering what a test scripts, a card token, and the
// demo practitioner. They stand in for nothing real: the pilot tests run the real service and card.
import {OPERATION_NAMES, type ApiClient, type InputOf, type Operation, type OutputOf} from '../../../src/contract/api/operations.js';
import type {AccountView} from '../../../src/contract/domain/account.js';
import {fr} from '../../../src/contract/i18n/fr.js';
import type {CpsToken, LoginResult, PinStatus} from '../../../src/hardware/cps-token.js';
import {DEMO_IDENTITY} from '../../../src/hardware/demo-card.js';
import {createSessionStore, type SessionStore} from '../../../src/state/session-store.js';
import type {SessionAction} from '../../../src/state/session.js';

/** The catalogue the flows translate backend errors with. */
export const t = fr;

/** Answers of a fake backend, per operation; an operation not listed fails the test when called. */
export type FakeAnswers = {[K in Operation]?: (input: InputOf<K>) => Promise<OutputOf<K>> | OutputOf<K>};

/** A fake backend: every call recorded, each answered as the test scripted it. */
export type FakeApi = ApiClient & {calls: Array<{operation: Operation; input: unknown}>; of: (operation: Operation) => unknown[]};

export function fakeApi(answers: FakeAnswers): FakeApi {
	const calls: FakeApi['calls'] = [];
	const api = {calls, of: (operation: Operation) => calls.filter(call => call.operation === operation).map(call => call.input)} as FakeApi;
	for (const operation of OPERATION_NAMES) {
		Object.assign(api, {
			[operation]: async (input: unknown) => {
				calls.push({operation, input});
				const answer = answers[operation] as ((input: unknown) => unknown) | undefined;
				if (!answer) throw new Error(`fake backend: ${operation} was not expected`);
				return answer(input);
			},
		});
	}
	return api;
}

/** A fake card token: PIN `1234`, three tries, a fixed signature and certificate. */
export function fakeToken(): CpsToken & {tries: number; logins: string[]} {
	const token = {
		tries: 3,
		logins: [] as string[],
		async pinStatus(): Promise<PinStatus> {
			return token.tries === 0 ? {state: 'locked'} : token.tries === 1 ? {state: 'final-try'} : {state: 'ok'};
		},
		async login(pin: string): Promise<LoginResult> {
			token.logins.push(pin);
			if (token.tries === 0) return {kind: 'locked'};
			if (pin === '1234') {
				token.tries = 3;
				return {kind: 'ok', identity: DEMO_IDENTITY};
			}
			token.tries--;
			return token.tries === 0 ? {kind: 'locked'} : {kind: 'incorrect', triesLeft: token.tries};
		},
		sign: async () => new Uint8Array([1, 2, 3]),
		certificate: async () => new Uint8Array([4, 5, 6]),
		logout: async () => undefined,
	};
	return token;
}

/** The card proof a fake flow signs with (see fakeProve). */
export const PROOF = {challengeId: 'challenge-1', signature: 'c2lnbmF0dXJl', certificate: 'Y2VydGlmaWNhdGU='};

/** Signs "with the card" without a card. */
export const fakeProve = async () => PROOF;

/** The demo practitioner's account, as the backend returns it. */
export const ACCOUNT: AccountView = {
	address: 'marie-helene.lefevre-durand@medecin.mssante.fr',
	identity: DEMO_IDENTITY,
	options: {email: 'mh@exemple.fr', mobile: '+33612345678', otpChannel: 'mail', notify: false, publishMobile: false, listeRouge: false, paperless: false},
	createdAt: '2026-01-01T00:00:00.000Z',
	updatedAt: '2026-01-01T00:00:00.000Z',
};

/** A session store after `actions`. */
export function sessionAfter(...actions: SessionAction[]): SessionStore {
	const store = createSessionStore();
	store.dispatch(...actions);
	return store;
}

/** The actions that bring a session to step 3 with the card read and `address` chosen. */
export const TO_STEP3: SessionAction[] = [
	{type: 'navigation/go', screen: 'step1'},
	{type: 'card/pin-ok', identity: DEMO_IDENTITY},
	{type: 'account/found', account: null},
	{type: 'navigation/go', screen: 'step2'},
	{type: 'address/availability', request: {phase: 'idle'}, result: [{requested: ACCOUNT.address, available: ACCOUNT.address}]},
	{type: 'address/toggle-cgu'},
	{type: 'navigation/go', screen: 'step3'},
];

/** A promise settled when the test says so: an answer that arrives late. */
export function deferred<T>() {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((ok, fail) => {
		resolve = ok;
		reject = fail;
	});
	return {promise, resolve, reject};
}

/** Lets pending promise callbacks run. */
export const flush = () => new Promise(resolve => setTimeout(resolve, 0));
