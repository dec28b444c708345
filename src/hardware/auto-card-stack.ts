// The default mode's card stack (neither --demo nor --no-demo) when the real one is not usable at
// start: a kiosk booted before pcscd, or before its CPS module was installed. The demo card serves
// until the real stack can, then the real one for good.
import {existsSync} from 'node:fs';
import type {CardStack, DemoReason} from './card-stack.js';
import type {CpsToken, LoginResult, PinStatus} from './cps-token.js';
import type {DemoCard} from './demo-card.js';
import {openModuleToken, type ModuleToken} from './module-token.js';
import type {PcscReaderMonitor} from './pcsc-monitor.js';
import type {ReaderMonitor, ReaderSnapshot} from './reader-monitor.js';

/** How often the module's file is looked for while the demo card serves (pcscd is watched by its monitor). */
const MODULE_POLL_MS = 1000;

/** What the automatic stack starts from. */
type AutoCardStackParts = {
	/** The real monitor: kept running (it reconnects to pcscd by itself) and watched. */
	real: PcscReaderMonitor;
	demo: DemoCard;
	demoReason: DemoReason;
	modulePath: string;
	tokenLabel?: string;
};

/**
 * The demo card until pcscd answers and either the module's file is there or a card sits in a
 * real reader (the demo's all-green checklist must never hide a real card whose module is
 * missing: step 1 then shows the module's failure). Screens see one monitor and one token
 * throughout; the switch is announced to `onRealStack` listeners, and the demo card's snapshots
 * (flagged `demo`) give way to the real monitor's.
 */
export class AutoCardStack implements CardStack, ReaderMonitor, CpsToken {
	readonly monitor: ReaderMonitor = this;
	readonly token: CpsToken = this;
	readonly modulePath: string;
	private demo: {card: DemoCard; reason: DemoReason} | undefined;
	private source: ReaderMonitor & {current(): ReaderSnapshot};
	private cpsToken: CpsToken;
	private moduleToken: ModuleToken | undefined;
	private readonly real: PcscReaderMonitor;
	private readonly tokenLabel: string | undefined;
	private readonly listeners = new Set<(snapshot: ReaderSnapshot) => void>();
	private readonly switchListeners = new Set<() => void>();
	private readonly stopWatching: Array<() => void> = [];
	private switching = false;
	private closed = false;

	constructor(parts: AutoCardStackParts) {
		this.real = parts.real;
		this.modulePath = parts.modulePath;
		this.tokenLabel = parts.tokenLabel;
		this.demo = {card: parts.demo, reason: parts.demoReason};
		this.source = parts.demo;
		this.cpsToken = parts.demo;
		const forwardDemo = parts.demo.subscribe(snapshot => this.publish(snapshot));
		const watchReal = parts.real.subscribe(() => this.evaluate());
		const poll = setInterval(() => this.evaluate(), MODULE_POLL_MS);
		// The poll must not keep the process alive on its own.
		poll.unref();
		this.stopWatching.push(forwardDemo, watchReal, () => clearInterval(poll));
		this.evaluate();
	}

	/** The demo card while it serves; undefined once the real stack took over. */
	get demoCard(): DemoCard | undefined {
		return this.demo?.card;
	}

	/** Why the demo card serves, while it does. */
	get demoReason(): DemoReason | undefined {
		return this.demo?.reason;
	}

	/** Calls `listener` once the real stack replaces the demo card. */
	onRealStack(listener: () => void): () => void {
		this.switchListeners.add(listener);
		return () => this.switchListeners.delete(listener);
	}

	current(): ReaderSnapshot {
		return this.source.current();
	}

	subscribe(listener: (snapshot: ReaderSnapshot) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	preferReader(name: string | null): void {
		this.source.preferReader(name);
	}

	pinStatus(): Promise<PinStatus> {
		return this.cpsToken.pinStatus();
	}

	login(pin: string): Promise<LoginResult> {
		return this.cpsToken.login(pin);
	}

	sign(challenge: Uint8Array): Promise<Uint8Array> {
		return this.cpsToken.sign(challenge);
	}

	certificate(): Promise<Uint8Array> {
		return this.cpsToken.certificate();
	}

	logout(): Promise<void> {
		return this.cpsToken.logout();
	}

	async close(): Promise<void> {
		this.closed = true;
		this.stopWatching.splice(0).forEach(stop => stop());
		this.listeners.clear();
		this.switchListeners.clear();
		await this.demo?.card.close();
		await this.real.close();
		await this.moduleToken?.close();
	}

	/** Switches when the real stack can serve; runs on every change of the real monitor and every poll. */
	private evaluate(): void {
		if (!this.demo || this.switching || this.closed) return;
		const real = this.real.current();
		if (real.service === 'up' && (real.card !== null || existsSync(this.modulePath))) void this.switchToReal();
	}

	private async switchToReal(): Promise<void> {
		this.switching = true;
		this.stopWatching.splice(0).forEach(stop => stop());
		const moduleToken = await openModuleToken(this.real, this.modulePath, this.tokenLabel);
		if (this.closed) {
			await moduleToken.close();
			return;
		}
		const demo = this.demo?.card;
		this.moduleToken = moduleToken;
		this.cpsToken = moduleToken.token;
		this.source = this.real;
		this.demo = undefined;
		this.stopWatching.push(this.real.subscribe(snapshot => this.publish(snapshot)));
		this.publish(this.real.current());
		for (const listener of this.switchListeners) listener();
		await demo?.close();
	}

	private publish(snapshot: ReaderSnapshot): void {
		for (const listener of this.listeners) listener(snapshot);
	}
}
