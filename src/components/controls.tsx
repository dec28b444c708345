// The kiosk's controls: focus mark, checkbox, button, and a one-line text field written for fast keys.
// Each also says in words what it is and its state, for a screen reader (Ink's aria-label): Ink's own
// aria-role and aria-state are spoken in English whatever the catalogue, so the words come from it.
import {Text} from 'ink';
import {useRef, useState} from 'react';
import {useFieldKeys} from '../hooks/use-keys.js';
import {useT} from '../hooks/use-t.js';
import {stripControl} from '../contract/text/sanitize.js';
import {useSymbols, useTheme} from './theme.js';

/** Marks the focused line: a pointer and bold text, so focus is visible without colour; "Focus :" for a screen reader. */
export function FocusMark({focused}: {focused: boolean}) {
	const symbols = useSymbols();
	const t = useT();
	return (
		<Text bold aria-label={`${t.spoken.focused} `} aria-hidden={!focused}>
			{focused ? `${symbols.pointer} ` : '  '}
		</Text>
	);
}

/** Props of a checkbox line. */
export type CheckboxProps = {
	/** Text after the box. */
	label: string;
	/** Ticked. */
	checked: boolean;
	/** Has the keyboard focus (pointer, bold). */
	focused: boolean;
};

/** A checkbox line: `[x] label`, the pointer when focused. */
export function Checkbox({label, checked, focused}: CheckboxProps) {
	const symbols = useSymbols();
	const t = useT();
	return (
		<Text wrap="truncate-end">
			<FocusMark focused={focused} />
			<Text bold={focused} aria-label={t.spoken.checkbox(label, checked)}>
				{checked ? symbols.checked : symbols.unchecked} {label}
			</Text>
		</Text>
	);
}

/** Props of a button. */
export type ButtonProps = {
	/** Text inside the brackets. */
	label: string;
	/** Has the keyboard focus (pointer, inverse where colours are drawn). */
	focused: boolean;
	/** Drawn dim: pressing it would be refused with a reason. */
	disabled?: boolean;
};

/** A button: `[ label ]` with the pointer when focused, and inverse too where colours are drawn. */
export function Button({label, focused, disabled}: ButtonProps) {
	const {color} = useTheme();
	const symbols = useSymbols();
	const t = useT();
	return (
		<Text>
			<Text bold aria-label={`${t.spoken.focused} `} aria-hidden={!focused}>
				{focused ? symbols.pointer : ' '}
			</Text>
			<Text bold={focused} dimColor={disabled} inverse={focused && color} aria-label={t.spoken.button(label, Boolean(disabled))}>
				[ {label} ]
			</Text>{' '}
		</Text>
	);
}

/** Props of a text field. */
export type TextFieldProps = {
	/** Current text (the field keeps its own copy between renders, see below). */
	value: string;
	/** Receives the keys. */
	focused: boolean;
	/** Called with the new text after each edit. */
	onChange: (value: string) => void;
	/** Enter pressed, with the value as typed. */
	onSubmit?: (value: string) => void;
	/** Masks every character (passwords, PIN). */
	secret?: boolean;
	/** Keeps only what this returns (e.g. digits), so refused characters never appear. */
	filter?: (value: string) => string;
	/** Shown dim while empty and not focused. */
	placeholder?: string;
	/** Why the value is refused, when it is and the screen shows it: told to a screen reader with the value. */
	invalid?: string;
	/** The field's name, for a screen reader, where the screen shows it on another line. */
	label?: string;
};

/**
 * One-line input: typing inserts at the cursor, ←/→/Home/End move it, Backspace deletes, Ctrl+U
 * clears. Written for the kiosk rather than taken from ink-text-input, whose handler reads its
 * value from the previous render (a fast second key overwrote the first) and types the letter
 * of Ctrl+key combinations into the field.
 */
export function TextField({value, focused, onChange, onSubmit, secret, filter, placeholder, invalid, label}: TextFieldProps) {
	const symbols = useSymbols();
	const t = useT();
	const {color} = useTheme();
	// What the field holds now: the value prop is only as fresh as the last render, and the next
	// key may come before React renders again.
	const held = useRef({value, cursor: value.length, prop: value});
	if (held.current.prop !== value) held.current = {value, cursor: Math.min(held.current.cursor, value.length), prop: value};
	const [, rerender] = useState(0);
	const setCursor = (cursor: number) => {
		held.current.cursor = cursor;
		rerender(n => n + 1);
	};
	const change = (next: string, nextCursor: number) => {
		const kept = filter ? filter(next) : next;
		const previous = held.current.value;
		held.current.value = kept;
		setCursor(Math.min(nextCursor, kept.length));
		if (kept !== previous) onChange(kept);
	};
	// True for a key the field used: its screen must not act on it too (Enter moving the focus twice).
	// Enter without onSubmit, and characters the filter refuses, are left to the screen.
	useFieldKeys(
		(input, key) => {
			const {value: now, cursor: at} = held.current;
			if (key.return) {
				onSubmit?.(now);
				return onSubmit !== undefined;
			}
			if (key.leftArrow) setCursor(Math.max(0, at - 1));
			else if (key.rightArrow) setCursor(Math.min(now.length, at + 1));
			else if (key.home) setCursor(0);
			else if (key.end) setCursor(now.length);
			else if (key.backspace || key.delete) {
				if (at > 0) change(now.slice(0, at - 1) + now.slice(at), at - 1);
			} else if (key.ctrl && input === 'u') change('', 0);
			else if (!key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow) {
				const text = stripControl(input);
				if (!text) return false;
				const typed = now.slice(0, at) + text + now.slice(at);
				if (filter && filter(typed) === now) return false;
				change(typed, at + text.length);
			} else return false;
			return true;
		},
		{isActive: focused},
	);
	const at = Math.min(held.current.cursor, value.length);
	const shown = secret ? symbols.mask.repeat([...value].length) : value;
	// A secret is told by its length only.
	const spoken = [label, secret ? t.spoken.masked([...value].length) : t.spoken.field(value), invalid && t.spoken.invalid(invalid)].filter(Boolean).join(', ');
	if (!focused)
		return (
			<Text dimColor={!value} aria-label={spoken}>
				{value ? shown : (placeholder ?? '')}
			</Text>
		);
	const before = shown.slice(0, secret ? [...value.slice(0, at)].length : at);
	const under = shown.slice(before.length, before.length + 1);
	const after = shown.slice(before.length + 1);
	return (
		<Text aria-label={spoken}>
			{before}
			{color ? <Text inverse>{under || ' '}</Text> : under ? `|${under}` : '_'}
			{after}
		</Text>
	);
}
