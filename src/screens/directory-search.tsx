// "Rechercher dans l'annuaire": a search box and filters, results as you type, one entry's details.
import {Box, Text} from 'ink';
import {useRef} from 'react';
import {FocusMark, TextField} from '../components/controls.js';
import {focusIndex, focusStep} from '../components/focus-index.js';
import {useGlyphs, useSymbols, useTheme} from '../components/theme.js';
import type {DirectoryEntry} from '../contract/domain/directory.js';
import {formatMobile} from '../contract/rules/contact-rules.js';
import {stripControl} from '../contract/text/sanitize.js';
import {type Directory, type DirectoryField, type DirectorySearch, directoryLoading} from '../flows/directory.js';
import type {FocusHandle} from '../flows/navigation.js';
import {useKeys} from '../hooks/use-keys.js';
import {useT} from '../hooks/use-t.js';

// Focus order: the search box, the filters, then the results.
const TEXT = 0;
const PROFESSION = 1;
const PLACE = 2;
const CITY = 3;
const RESULTS = 4;
// Rows of the screen that are not results: title, three lines of fields, the count, the status.
const FIXED_ROWS = 6;
// Each result takes two lines: who, then where to write.
const ROWS_PER_RESULT = 2;

/** What the place field keeps: up to 5 digits of a postal code, or a Corsican département (2A, 2B). */
function placeFilter(value: string): string {
	const upper = value.toUpperCase();
	return /^2[AB]/.test(upper) ? upper.slice(0, 2) : upper.replace(/\D/g, '').slice(0, 5);
}

/** How a mailbox is named in the results: the person, or the structure and its service (joined by `dash`). */
function entryName(entry: DirectoryEntry, dash: string): string {
	if (entry.surname) return stripControl([entry.civility && entry.civility.length <= 3 ? capitalise(entry.civility) : '', entry.surname, entry.givenName].filter(Boolean).join(' '));
	return stripControl([entry.organisation, entry.service].filter(Boolean).join(` ${dash} `));
}

function capitalise(word: string): string {
	return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

/** The entry at absolute index `index`, if that page is at hand. */
function entryAt(search: DirectorySearch, index: number): DirectoryEntry | undefined {
	const results = search.results;
	return results ? results.entries[index - results.offset] : undefined;
}

/** What the directory screen shows and emits. */
export type DirectorySearchProps = {
	search: DirectorySearch;
	/** The search as of now, for key handlers. */
	now: () => DirectorySearch;
	/** A session is open (card or sign-in): published mobiles are shown. */
	mobilesShown: boolean;
	/** Columns available. */
	width: number;
	/** Rows available. */
	height: number;
	focus: FocusHandle;
	actions: Pick<Directory, 'edit' | 'cycleProfession' | 'moveSelection' | 'openDetail'>;
};

/** "Rechercher dans l'annuaire": a search box and filters, results as you type, one entry's details. */
export function DirectorySearchScreen({search, now, mobilesShown, width, height, focus: handle, actions}: DirectorySearchProps) {
	const t = useT();
	const {color} = useTheme();
	const symbols = useSymbols();
	const glyphs = useGlyphs();
	const {focus, current, move, setFocus} = focusIndex(5, handle);
	const visibleResults = Math.max(1, Math.floor((height - FIXED_ROWS) / ROWS_PER_RESULT));
	const professions = search.status?.professions ?? [];

	const edit = (field: DirectoryField) => (value: string) => actions.edit(field, value);
	const codes = professions.map(profession => profession.code);
	const cycleProfession = (delta: number) => actions.cycleProfession(delta, codes);

	useKeys((input, key) => {
		const directory = now();
		const total = directory.results?.total ?? 0;
		const at = current();
		if (directory.detail || at === RESULTS) {
			if (key.upArrow && at === RESULTS && directory.selected === 0 && !directory.detail) setFocus(CITY);
			else if (key.upArrow) actions.moveSelection(-1);
			else if (key.downArrow) actions.moveSelection(1);
			else if (key.pageDown) actions.moveSelection(visibleResults);
			else if (key.pageUp) actions.moveSelection(-visibleResults);
			else if (key.return && total > 0) actions.openDetail();
			else if (key.tab && !directory.detail) move(key.shift ? -1 : 1);
			return;
		}
		const step = focusStep(key);
		// The results are reached from the last filter (↓, Tab) or by Enter, when there are some.
		if ((step === 1 && at === CITY) || key.return) {
			if (total > 0) setFocus(RESULTS);
			else if (step === 1) setFocus(TEXT);
			return;
		}
		if (step === -1 && at === TEXT) setFocus(total > 0 ? RESULTS : CITY);
		else move(step);
		if (at === PROFESSION) {
			if (key.leftArrow) cycleProfession(-1);
			else if (key.rightArrow || input === ' ') cycleProfession(1);
		}
	});

	// The first result shown: moves only as far as needed to keep the highlighted one on screen.
	const top = useRef(0);
	if (search.selected < top.current) top.current = search.selected;
	if (search.selected >= top.current + visibleResults) top.current = search.selected - visibleResults + 1;
	const total = search.results?.total ?? 0;
	if (top.current > Math.max(total - visibleResults, 0)) top.current = Math.max(total - visibleResults, 0);

	const professionLabel = search.query.profession
		? t.professionLabel(search.query.profession, professions.find(profession => profession.code === search.query.profession)?.label ?? search.query.profession)
		: t.directory.allProfessions;
	const label = (index: number, text: string) => (
		<Text bold={focus === index}>
			<FocusMark focused={focus === index} />
			{text} :{' '}
		</Text>
	);
	const phase = search.status?.phase;
	// No answer is final while a search is on its way or the national file still loads: never "no address" then.
	const settled = search.request.phase !== 'sending' && !directoryLoading(search);
	const status =
		search.request.phase === 'failed'
			? {text: search.request.error, tone: 'error' as const}
			: phase === 'loading' || phase === 'idle'
				? {text: t.directory.loading(Math.min(99, Math.floor((search.status?.progress ?? 0) * 100))), tone: 'warning' as const}
				: phase === 'failed'
					? {text: t.directory.failed(search.status?.error ?? ''), tone: 'error' as const}
					: phase === 'none'
						? {text: t.directory.none, tone: 'warning' as const}
						: {text: mobilesShown ? t.directory.mobilesShown : t.directory.mobilesHidden, tone: 'info' as const};
	const toneColor = {error: 'red', warning: 'yellow', info: undefined}[status.tone];
	const selectedEntry = entryAt(search, search.selected);

	return (
		<Box flexDirection="column" paddingX={1} height={height}>
			<Text bold>{t.directory.title}</Text>
			<Text wrap="truncate-end">
				{label(TEXT, t.directory.text)}
				<TextField value={search.query.text} focused={focus === TEXT} onChange={edit('text')} filter={value => value.slice(0, 100)} />
			</Text>
			<Text wrap="truncate-end">
				{label(PROFESSION, t.directory.profession)}
				<Text bold={focus === PROFESSION}>{focus === PROFESSION ? `${glyphs.angles[0]} ${professionLabel} ${glyphs.angles[1]}` : professionLabel}</Text>
			</Text>
			<Text wrap="truncate-end">
				{label(PLACE, t.directory.place)}
				<TextField value={search.query.place} focused={focus === PLACE} onChange={edit('place')} filter={placeFilter} />
				{'   '}
				{label(CITY, t.directory.city)}
				<TextField value={search.query.city} focused={focus === CITY} onChange={edit('city')} filter={value => value.slice(0, 60)} />
			</Text>
			<Text dimColor wrap="truncate-end">
				{`${glyphs.line.repeat(2)} ${search.results && (total > 0 || settled) ? t.directory.count(total) : ''}${search.request.phase === 'sending' ? ` ${glyphs.dot} ${t.directory.searching}` : ''} `.padEnd(
					width - 2,
					glyphs.line,
				)}
			</Text>
			<Box flexDirection="column" height={height - FIXED_ROWS}>
				{search.detail && selectedEntry ? (
					<EntryDetail entry={selectedEntry} />
				) : search.results && total === 0 && Object.values(search.query).some(Boolean) ? (
					<Text dimColor>{settled ? t.directory.noResult : t.directory.waiting}</Text>
				) : (
					Array.from({length: Math.min(visibleResults, Math.max(total - top.current, 0))}, (_unused, row) => {
						const index = top.current + row;
						const entry = entryAt(search, index);
						const highlighted = index === search.selected && focus === RESULTS;
						const marked = index === search.selected;
						return (
							<Box key={index} flexDirection="column">
								<Text wrap="truncate-end" bold={marked} inverse={highlighted && color}>
									{`${highlighted ? symbols.pointer : ' '} ${entry ? [entryName(entry, glyphs.dash), t.professionLabel(entry.professionCode, entry.profession), entry.specialty].filter(Boolean).join(` ${glyphs.dash} `) : t.directory.pending}`}
								</Text>
								<Text wrap="truncate-end" dimColor={!marked}>
									{entry
										? `   ${stripControl(entry.address)}${entry.city ? ` ${glyphs.dot} ${stripControl(`${entry.postalCode} ${entry.city}`)}` : ''}${entry.mobile ? ` ${glyphs.dot} ${formatMobile(entry.mobile)}` : ''}`
										: ' '}
								</Text>
							</Box>
						);
					})
				)}
			</Box>
			<Text wrap="truncate-end" color={color ? toneColor : undefined}>
				{search.detail ? t.directory.detail.back : status.text}
			</Text>
		</Box>
	);
}

/** One mailbox in full: every line the directory publishes for it. */
function EntryDetail({entry}: {entry: DirectoryEntry}) {
	const {directory: t, professionLabel, colon} = useT();
	const glyphs = useGlyphs();
	const lines: Array<[string, string]> = [
		[t.detail.address, entry.address],
		[t.detail.type, t.types[entry.type]],
		[t.detail.profession, professionLabel(entry.professionCode, entry.profession)],
		[t.detail.specialty, entry.specialty],
		[t.detail.structure, entry.organisation],
		[t.detail.service, entry.service],
		[t.detail.street, [entry.street, `${entry.postalCode} ${entry.city}`.trim()].filter(Boolean).join(', ')],
		[t.detail.mobile, entry.mobile ? formatMobile(entry.mobile) : ''],
	];
	return (
		<Box flexDirection="column">
			<Text bold>{`  ${entryName(entry, glyphs.dash)}`}</Text>
			{lines
				.filter(([, value]) => value)
				.map(([label, value]) => (
					<Text key={label} wrap="truncate-end">
						<Text dimColor>{`  ${label}${colon}`}</Text>
						{stripControl(value)}
					</Text>
				))}
		</Box>
	);
}
