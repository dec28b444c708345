// Step 1's live checklist (service, reader, card, module), also shown by the help screens.
import {Box, Text} from 'ink';
import type {Catalogue} from '../contract/i18n/index.js';
import type {ModuleProblem, ReaderSnapshot} from '../hardware/reader-monitor.js';
import {useT} from '../hooks/use-t.js';
import {stripControl} from '../contract/text/sanitize.js';
import {useSymbols, useTheme} from './theme.js';

function Check({ok, label, detail}: {ok: boolean; label: string; detail: string}) {
	const {colon} = useT();
	const symbols = useSymbols();
	const {color} = useTheme();
	return (
		<Text wrap="truncate-end">
			<Text color={color ? (ok ? 'green' : 'red') : undefined} bold>
				{` ${ok ? symbols.ok : symbols.bad} `}
			</Text>
			{label}
			{colon}
			{detail}
		</Text>
	);
}

/** Why the module is not loaded, in the catalogue's words but for the loader's own. */
function moduleProblem(problem: ModuleProblem, t: Catalogue['step1']['checks']): string {
	if (problem.kind === 'loading') return t.moduleLoading;
	return problem.kind === 'missing' ? t.moduleFileMissing : stripControl(problem.message);
}

/** Step 1's four live checks (service, reader, card, module), also shown by the help screens. */
export function Checklist({snapshot}: {snapshot: ReaderSnapshot}) {
	const t = useT().step1.checks;
	const up = snapshot.service === 'up';
	const reader = snapshot.card?.reader ?? snapshot.readers[0];
	const card = snapshot.card;
	return (
		<Box flexDirection="column">
			<Check ok={up} label={t.service} detail={up ? t.serviceUp : t.serviceDown} />
			<Check ok={up && reader !== undefined} label={t.reader} detail={snapshot.demo ? t.demoReader : reader ? stripControl(reader) : t.noReader} />
			<Check ok={Boolean(card?.cpsKind)} label={t.card} detail={card ? (card.cpsKind ? t.cps(card.cpsKind) : t.notCps) : t.noCard} />
			<Check ok={snapshot.module.loaded} label={t.module} detail={snapshot.module.loaded ? t.moduleLoaded : stripControl(snapshot.module.path)} />
			{!snapshot.module.loaded && snapshot.module.problem && (
				// On its own line: a Cryptolib path alone nearly fills 80 columns.
				<Text wrap="truncate-end">{`      ${moduleProblem(snapshot.module.problem, t)}`}</Text>
			)}
		</Box>
	);
}
