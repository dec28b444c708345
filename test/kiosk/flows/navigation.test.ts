// The navigation stack without Ink: forward pushes, back pops to the screen as it was left (focus
// included), help and overlays sit over a screen and keep its notice.
import {describe, expect, test} from 'vitest';
import {createNavigation, currentScreen, previousScreen, topEntry} from '../../../src/flows/navigation.js';
import {createSessionStore} from '../../../src/state/session-store.js';

function kiosk() {
	const store = createSessionStore();
	const navigation = createNavigation(store);
	/** The focus handle of the screen shown, as a render would make it. */
	const focus = () => navigation.focus(topEntry(store.get().navigation));
	return {store, navigation, focus, screen: () => currentScreen(store.get().navigation)};
}

describe('navigation', () => {
	test('forward pushes, back pops, and the last screen stays', () => {
		const {navigation, screen, store} = kiosk();
		navigation.go('step1');
		navigation.go('step2');
		expect(screen()).toBe('step2');
		expect(previousScreen(store.get().navigation)).toBe('step1');
		navigation.back();
		navigation.back();
		expect(screen()).toBe('welcome');
		navigation.back();
		expect(store.get().navigation.stack).toHaveLength(1);
	});

	test('coming back to a screen restores its focused item', () => {
		const {navigation, focus, screen} = kiosk();
		navigation.go('step1');
		focus().set(2);
		navigation.openHelp('general');
		expect(focus().index).toBe(0);
		navigation.back();
		expect(screen()).toBe('step1');
		expect(focus().index).toBe(2);
	});

	test("a screen's focus handle moves only that screen's focus, and reads it as of now", () => {
		const {navigation, focus, store} = kiosk();
		navigation.go('step3');
		const form = focus();
		form.set(3);
		expect(form.now()).toBe(3);
		navigation.open('convention');
		// A key handler of the form still mounted: the convention's focus is left alone.
		form.set(5);
		expect(topEntry(store.get().navigation)).toMatchObject({screen: 'convention', focus: 0});
		navigation.back();
		expect(focus().index).toBe(3);
	});

	test('help opened from help changes its topic; Esc returns to the screen below it', () => {
		const {navigation, screen, store} = kiosk();
		navigation.go('step1');
		navigation.openHelp('no-card');
		navigation.openHelp('red-icon');
		expect(store.get().navigation.helpTopic).toBe('red-icon');
		navigation.back();
		expect(screen()).toBe('step1');
	});

	test('a notice stays over help and overlays, and goes when the person moves to another page', () => {
		const {navigation, store} = kiosk();
		navigation.showNotice('card-removed');
		navigation.openHelp('general');
		navigation.back();
		expect(store.get().navigation.notice).toBe('card-removed');
		navigation.go('step1');
		expect(store.get().navigation.notice).toBeNull();
		navigation.showNotice('ctrl-c-disabled');
		navigation.back();
		expect(store.get().navigation.notice).toBeNull();
	});

	test('opening the screen already shown pushes nothing', () => {
		const {navigation, store} = kiosk();
		navigation.open('directory');
		navigation.open('directory');
		expect(store.get().navigation.stack.map(entry => entry.screen)).toEqual(['welcome', 'directory']);
	});

	test('closing a screen that is no longer shown changes nothing', () => {
		const {store, screen} = kiosk();
		store.dispatch({type: 'navigation/go', screen: 'step3'}, {type: 'navigation/open', screen: 'code'}, {type: 'navigation/back'});
		const before = store.get();
		store.dispatch({type: 'navigation/close', screen: 'code'});
		expect(store.get()).toBe(before);
		expect(screen()).toBe('step3');
	});

	test('restart leaves one screen: nothing before it to go back to', () => {
		const {navigation, store, screen} = kiosk();
		navigation.go('step1');
		store.dispatch({type: 'navigation/restart', screen: 'step4'});
		navigation.back();
		expect(screen()).toBe('step4');
	});
});
