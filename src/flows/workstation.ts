// The workstation rather than the practitioner: its readers, its diagnostics (what the help screens
// add to the live checklist) and its browser. What is learnt here outlives a wiped session.
import type {Browser} from '../hardware/browser.js';
import type {ReaderMonitor} from '../hardware/reader-monitor.js';
import type {SessionAction} from '../state/session.js';
import type {FlowContext} from './flow.js';

/** The last diagnostics of the workstation: what the help screens add to the live checklist. */
export type Diagnosis = {phase: 'idle'} | {phase: 'running'} | {phase: 'done'; problems: string[]};

/** What the kiosk knows of its workstation. */
export type WorkstationState = {diagnosis: Diagnosis};

export const INITIAL_WORKSTATION: WorkstationState = {diagnosis: {phase: 'idle'}};

export type WorkstationAction = {type: 'workstation/diagnosis'; diagnosis: Diagnosis};

export function workstationReducer(state: WorkstationState, action: SessionAction): WorkstationState {
	return action.type === 'workstation/diagnosis' ? {diagnosis: action.diagnosis} : state;
}

/** What the workstation flow talks to. */
export type WorkstationDeps = {
	monitor: Pick<ReaderMonitor, 'current' | 'preferReader'>;
	browser: Browser;
	/** Diagnoses the workstation (pcscd, readers, the module at `modulePath`): the problems found, most important first. */
	diagnose: (modulePath: string) => Promise<string[]>;
	/** Saves the reader chosen among several, for the next start. */
	rememberReader?: (name: string) => void;
};

/** Intents about the workstation. */
export function createWorkstation({get, dispatch}: FlowContext, {monitor, browser, diagnose, rememberReader}: WorkstationDeps) {
	return {
		/** Runs the diagnostics in the background (never awaited by a render); one run at a time. */
		diagnose() {
			if (get().workstation.diagnosis.phase === 'running') return;
			dispatch({type: 'workstation/diagnosis', diagnosis: {phase: 'running'}});
			diagnose(monitor.current().module.path).then(
				problems => dispatch({type: 'workstation/diagnosis', diagnosis: {phase: 'done', problems}}),
				() => dispatch({type: 'workstation/diagnosis', diagnosis: {phase: 'idle'}}),
			);
		},
		/** Reads the next reader's card (several readers), and remembers the choice. */
		nextReader() {
			const {readers, card} = monitor.current();
			if (readers.length < 2) return;
			const next = readers[(readers.indexOf(card?.reader ?? '') + 1) % readers.length] as string;
			monitor.preferReader(next);
			rememberReader?.(next);
		},
		/** Whether a browser can be opened on this workstation (asked when the webmail screen opens). */
		browserAvailable: () => browser.available().catch(() => false),
		openBrowser: (url: string) => void browser.open(url).catch(() => undefined),
	};
}

/** Intents about the workstation, as the screens receive them. */
export type Workstation = ReturnType<typeof createWorkstation>;
