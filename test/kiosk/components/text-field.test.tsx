import {render} from 'ink-testing-library';
import {useState} from 'react';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {TextField} from '../../../src/components/controls.js';
import {type Theme, ThemeContext} from '../../../src/components/theme.js';
import {KeyRouter} from '../../../src/hooks/use-keys.js';

type Props = {secret?: boolean; onChange?: (value: string) => void; onSubmit?: (value: string) => void; theme?: Theme};

/**
 * A focused TextField whose value lives in the parent, as on the kiosk's screens. By default a terminal without
 * colour, whose cursor is visible in plain text: `|` before the character under it, `_` at the end.
 */
function Field({secret, onChange, onSubmit, theme = {unicode: true, color: false}}: Props) {
	const [value, setValue] = useState('');
	return (
		<ThemeContext.Provider value={theme}>
			<KeyRouter>
				<TextField
					value={value}
					focused
					secret={secret}
					onChange={next => {
						setValue(next);
						onChange?.(next);
					}}
					onSubmit={onSubmit}
				/>
			</KeyRouter>
		</ThemeContext.Provider>
	);
}

const settle = (ms = 20) => new Promise(resolve => setTimeout(resolve, ms));

let view: ReturnType<typeof render> | undefined;

/** Renders the field and waits until Ink listens to the keyboard (it subscribes in an effect). */
async function field(props: Props = {}) {
	view = render(<Field {...props} />);
	await settle();
	return view;
}

/** Sends raw terminal input as one chunk and lets Ink and React render. */
async function type(chunk: string) {
	view!.stdin.write(chunk);
	await settle();
}

afterEach(() => {
	view?.unmount();
	view?.cleanup();
	view = undefined;
});

describe('TextField', () => {
	test('each typed character reaches onChange and the screen', async () => {
		const onChange = vi.fn();
		const {lastFrame} = await field({onChange});
		expect(lastFrame()).toBe('_');
		await type('a');
		await type('b');
		expect(onChange.mock.calls).toEqual([['a'], ['ab']]);
		expect(lastFrame()).toBe('ab_');
	});

	test('keys in one chunk all arrive, in order', async () => {
		const onChange = vi.fn();
		const {lastFrame} = await field({onChange});
		await type('abc');
		expect(onChange).toHaveBeenLastCalledWith('abc');
		expect(lastFrame()).toBe('abc_');
	});

	test('a second chunk before React renders again is added to the first, not to the value of the last render', async () => {
		const onChange = vi.fn();
		const {stdin, lastFrame} = await field({onChange});
		stdin.write('ab');
		stdin.write('c');
		await settle();
		expect(onChange.mock.calls).toEqual([['ab'], ['abc']]);
		expect(lastFrame()).toBe('abc_');
	});

	test('a secret field shows one mask per character, never the characters', async () => {
		const onChange = vi.fn();
		const {lastFrame, frames} = await field({secret: true, onChange});
		await type('1234');
		expect(onChange).toHaveBeenLastCalledWith('1234');
		expect(lastFrame()).toBe('****_');
		expect(frames.join('\n')).not.toMatch(/[1-4]/);
	});

	test('on a UTF-8 terminal with colour the mask is a bullet', async () => {
		const {lastFrame, frames} = await field({secret: true, theme: {unicode: true, color: true}});
		await type('1234');
		// The cursor is a blank in inverse video, which FORCE_COLOR=0 leaves out and Ink trims.
		expect(lastFrame()).toBe('••••');
		expect(frames.join('\n')).not.toMatch(/[1-4]/);
	});

	test('Backspace deletes the character before the cursor', async () => {
		const onChange = vi.fn();
		const {lastFrame} = await field({onChange});
		await type('abc');
		await type('\u007F');
		expect(onChange).toHaveBeenLastCalledWith('ab');
		expect(lastFrame()).toBe('ab_');
		await type('\u007F');
		await type('\u007F');
		await type('\u007F');
		expect(onChange).toHaveBeenLastCalledWith('');
		await type('\u007F');
		expect(onChange.mock.calls).toEqual([['abc'], ['ab'], ['a'], ['']]);
		expect(lastFrame()).toBe('_');
	});

	test('Enter calls onSubmit with the value as typed, and changes nothing', async () => {
		const onChange = vi.fn();
		const onSubmit = vi.fn();
		const {lastFrame} = await field({onChange, onSubmit});
		await type('abc');
		await type('\r');
		expect(onSubmit.mock.calls).toEqual([['abc']]);
		expect(onChange).toHaveBeenCalledTimes(1);
		expect(lastFrame()).toBe('abc_');
	});
});
