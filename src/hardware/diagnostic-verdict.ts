/** The verdict of the diagnostics: which problems the checks show, and a sentence for each. */
import {catalogues, type Lang} from '../contract/i18n/index.js';
import {PCSCD_SOCKET, type CardFinding, type DiagnosticIssue, type DiagnosticReport, type ModuleCheck, type PcscdCheck, type ReadersCheck} from './diagnostic-report.js';

/** The sentence for one problem, in `lang`. */
export function describeIssue(issue: DiagnosticIssue, lang: Lang = 'fr'): string {
	return catalogues[lang].diagnostics.issue[issue.code]({...issue, socket: PCSCD_SOCKET});
}

/**
 * The verdict from the checks: blocking problems first (service, readers, module), then the card.
 * Pure, exported so step 1 and the tests can judge any combination.
 */
export function judge(
	checks: {pcscd: PcscdCheck; readers: ReadersCheck; readersStage?: 'load' | 'connect'; module: ModuleCheck; cards: CardFinding[]},
	lang: Lang = 'fr',
): DiagnosticReport['verdict'] {
	const {pcscd, readers, module, cards} = checks;
	const issues: DiagnosticIssue[] = [];
	if (!readers.ok && checks.readersStage === 'load') {
		issues.push({code: 'pcsclite-unavailable', blocking: true, error: readers.error ?? ''});
	} else if (!pcscd.running) {
		if (pcscd.pid !== undefined && !pcscd.socket) issues.push({code: 'pcscd-no-socket', blocking: true, pid: pcscd.pid});
		else issues.push({code: 'pcscd-down', blocking: true});
	} else if (!readers.ok) {
		issues.push({code: 'pcscd-not-answering', blocking: true, error: readers.error ?? ''});
	} else if (readers.names.length === 0) {
		issues.push({code: 'no-reader', blocking: true});
	}
	if (!module.present) issues.push({code: 'module-missing', blocking: true, path: module.path});
	else if (!module.loadable) issues.push({code: 'module-not-loadable', blocking: true, path: module.path, error: module.error ?? ''});
	if (readers.ok && readers.names.length > 0) {
		if (cards.length === 0) issues.push({code: 'no-card', blocking: false});
		for (const card of cards) {
			if (!card.isCps) {
				issues.push({code: 'not-cps', blocking: false, atr: card.atr, ...(readers.names.length > 1 ? {reader: card.reader} : {})});
			}
		}
	}
	const canReadCps = pcscd.running && readers.ok && readers.names.length > 0 && module.loadable;
	return {canReadCps, problems: issues.map(issue => describeIssue(issue, lang)), issues};
}
