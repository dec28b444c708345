import {X509Certificate, createPrivateKey, sign as signData, type KeyObject} from 'node:crypto';
import {readAsset} from '../contract/storage/assets.js';
import {normaliseAtr, cpsKindOf} from './atr.js';
import type {CardIdentity} from '../contract/domain/card-identity.js';
import type {CpsToken, LoginResult, PinStatus} from './cps-token.js';
import type {ReaderMonitor, ReaderSnapshot} from './reader-monitor.js';

/** The demo card's PIN, printed in the README and on the DEMO banner's help. */
export const DEMO_PIN = '1234';

/** The demo card's holder, as in its certificate (`data/demo-pki/card.pem`): a médecin with an accented, hyphenated name. */
export const DEMO_IDENTITY: CardIdentity = {
	givenName: 'Marie-Hélène',
	surname: 'LEFÈVRE-DURAND',
	profession: 'Médecin',
	professionCode: '10',
	nationalId: '10003816529',
	idType: 'RPPS',
};

const DEMO_READER = 'Lecteur de démonstration 00 00';
const CPS3_ATR = normaliseAtr('3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00');
const MAX_TRIES = 3;

/** Options of the demo card. */
export type DemoCardOptions = {
	/** Whether the card is in the reader at start (default true). */
	inserted?: boolean;
	/** Artificial delay of each token call in ms, so spinners are seen as with a real card (default 0). */
	latencyMs?: number;
	/** Identity on the card (default DEMO_IDENTITY). */
	identity?: CardIdentity;
};

/**
 * An in-process reader, card and token for machines without a reader. It behaves like a CPS:
 * 3 wrong PINs lock it until the process restarts, removing it ends the PKCS#11 session.
 */
export class DemoCard implements ReaderMonitor, CpsToken {
	private snapshot: ReaderSnapshot;
	private readonly listeners = new Set<(snapshot: ReaderSnapshot) => void>();
	private triesLeft = MAX_TRIES;
	private loggedIn = false;
	private key: {privateKey: KeyObject; certificate: Uint8Array} | undefined;
	private readonly latencyMs: number;
	private readonly identity: CardIdentity;

	constructor(options: DemoCardOptions = {}) {
		this.latencyMs = options.latencyMs ?? 0;
		this.identity = options.identity ?? DEMO_IDENTITY;
		this.snapshot = {
			service: 'up',
			readers: [DEMO_READER],
			card: options.inserted === false ? null : this.cardState(),
			module: {path: 'démonstration (intégré)', loaded: true},
			demo: true,
		};
	}

	current(): ReaderSnapshot {
		return this.snapshot;
	}

	subscribe(listener: (snapshot: ReaderSnapshot) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** The demo has a single reader: nothing to choose. */
	preferReader(): void {}

	async close(): Promise<void> {
		this.listeners.clear();
	}

	/** Inserts the card when it is out, removes it when it is in (the documented F2 key). */
	toggleCard(): void {
		this.loggedIn = false;
		this.publish({...this.snapshot, card: this.snapshot.card ? null : this.cardState()});
	}

	async pinStatus(): Promise<PinStatus> {
		await this.delay();
		if (this.triesLeft === 0) return {state: 'locked'};
		if (this.triesLeft === 1) return {state: 'final-try'};
		if (this.triesLeft < MAX_TRIES) return {state: 'count-low', triesLeft: this.triesLeft};
		return {state: 'ok'};
	}

	async login(pin: string): Promise<LoginResult> {
		await this.delay();
		if (!this.snapshot.card) return {kind: 'card-removed'};
		if (this.triesLeft === 0) return {kind: 'locked'};
		if (pin !== DEMO_PIN) {
			this.triesLeft -= 1;
			return this.triesLeft === 0 ? {kind: 'locked'} : {kind: 'incorrect', triesLeft: this.triesLeft};
		}
		this.triesLeft = MAX_TRIES;
		this.loggedIn = true;
		return {kind: 'ok', identity: this.identity};
	}

	async sign(challenge: Uint8Array): Promise<Uint8Array> {
		await this.delay();
		if (!this.loggedIn) throw new Error('Carte non authentifiée');
		// RSASSA-PKCS1-v1_5 with SHA-256, as CKM_SHA256_RSA_PKCS on a CPS.
		return signData('sha256', challenge, this.demoKey().privateKey);
	}

	async certificate(): Promise<Uint8Array> {
		if (!this.loggedIn) throw new Error('Carte non authentifiée');
		return this.demoKey().certificate;
	}

	/** The demo PKI's card key and certificate, read on first use (off the start-up path). */
	private demoKey() {
		this.key ??= {
			privateKey: createPrivateKey(readAsset('demo-pki/card.key.pem')),
			certificate: new Uint8Array(new X509Certificate(readAsset('demo-pki/card.pem')).raw),
		};
		return this.key;
	}

	async logout(): Promise<void> {
		this.loggedIn = false;
	}

	private cardState() {
		return {reader: DEMO_READER, atr: CPS3_ATR, cpsKind: cpsKindOf(CPS3_ATR)};
	}

	private publish(snapshot: ReaderSnapshot): void {
		this.snapshot = snapshot;
		for (const listener of this.listeners) listener(snapshot);
	}

	private async delay(): Promise<void> {
		if (this.latencyMs > 0) await new Promise(resolve => setTimeout(resolve, this.latencyMs));
	}
}
