// `doctor`'s human report from a given DiagnosticReport, in French and in English (the real
// checks are in test/hardware/diagnostics.test.ts).
import {describe, expect, test} from 'vitest';
import {formatReport} from '../../../src/commands/doctor.js';
import {judge, type DiagnosticReport} from '../../../src/hardware/diagnostics.js';

/** A workstation where pcscd runs with one reader holding a non-CPS card, and the module is missing. */
function report(lang: 'fr' | 'en'): DiagnosticReport {
	const checks = {
		pcscd: {running: true, pid: 42, socket: true, detail: lang === 'fr' ? 'démarré' : 'running'},
		readers: {ok: true, names: ['Lecteur 00 00']},
		module: {path: '/opt/absent.so', present: false, loadable: false},
		cards: [{reader: 'Lecteur 00 00', atr: '3B 8F 80 01', isCps: false}],
	};
	return {checkedAt: '2026-03-02T09:30:00.000Z', durationMs: 1234, ...checks, verdict: judge(checks, lang)};
}

describe('formatReport', () => {
	test('in French: decimal comma, « » quotes, what to do then what to note', () => {
		const text = formatReport(report('fr'), 'fr');
		expect(text).toMatch(/^Diagnostic du poste pour la carte CPS — .+ \(1,2 s\)\n\n/);
		expect(text).toContain('[OK] Service carte à puce (pcscd) : démarré\n[OK] Lecteurs de carte : 1 — Lecteur 00 00\n[!!] Carte : carte non CPS dans « Lecteur 00 00 »\n     ATR 3B 8F 80 01\n');
		expect(text).toContain('[!!] Module CPS (PKCS#11) : /opt/absent.so\n     fichier introuvable\n');
		expect(text).toContain(
			'Verdict : ce poste NE PEUT PAS lire une carte CPS.\nÀ faire :\n  1. Le module CPS est introuvable : /opt/absent.so (installez la Cryptolib CPS ou passez --pkcs11-module)\nÀ noter :\n  - La carte insérée n’est pas une carte CPS (ATR 3B 8F 80 01)\n',
		);
	});

	test('in English', () => {
		const text = formatReport(report('en'), 'en');
		expect(text).toMatch(/^Workstation check for the CPS card — .+ \(1\.2 s\)\n\n/);
		expect(text).toContain('[OK] Smart-card service (pcscd): running\n[OK] Card readers: 1 — Lecteur 00 00\n[!!] Card: non-CPS card in "Lecteur 00 00"\n');
		expect(text).toContain('[!!] CPS module (PKCS#11): /opt/absent.so\n     file not found\n');
		expect(text).toContain(
			'Verdict: this workstation CANNOT read a CPS card.\nTo do:\n  1. The CPS module is missing: /opt/absent.so (install the Cryptolib CPS or pass --pkcs11-module)\nNote:\n  - The card inserted is not a CPS card (ATR 3B 8F 80 01)\n',
		);
	});

	test('a loaded module says what it is', () => {
		const loaded = {path: '/usr/lib/softhsm/libsofthsm2.so', present: true, loadable: true, description: 'SoftHSM', manufacturer: 'OpenDNSSEC', cryptokiVersion: '2.40', slotsWithToken: 2};
		const checks = {...report('en'), module: loaded};
		expect(formatReport(checks, 'en')).toContain('     loaded: SoftHSM (OpenDNSSEC), Cryptoki 2.40, 2 slots with a token\n');
		expect(formatReport(checks, 'fr')).toContain('     chargé : SoftHSM (OpenDNSSEC), Cryptoki 2.40, 2 emplacements avec jeton\n');
	});
});
