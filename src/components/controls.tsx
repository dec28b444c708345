import {Text} from 'ink';
import TextInput from 'ink-text-input';
import {useSymbols, useTheme} from './theme.js';

/** Marks the focused line: a pointer and bold text, so focus is visible without colour. */
export function FocusMark({focused}: {focused: boolean}) {
	const symbols = useSymbols();
	return <Text bold>{focused ? `${symbols.pointer} ` : '  '}</Text>;
}

/** Props of a checkbox line. */
export type CheckboxProps = {label: string; checked: boolean; focused: boolean};

export function Checkbox({label, checked, focused}: CheckboxProps) {
	const symbols = useSymbols();
	return (
		<Text wrap="truncate-end">
			<FocusMark focused={focused} />
			<Text bold={focused}>
				{checked ? symbols.checked : symbols.unchecked} {label}
			</Text>
		</Text>
	);
}

/** Props of a button. */
export type ButtonProps = {label: string; focused: boolean; disabled?: boolean};

/** A button: `[ label ]`, inverse when focused and colours are allowed, pointer otherwise. */
export function Button({label, focused, disabled}: ButtonProps) {
	const {color} = useTheme();
	const symbols = useSymbols();
	return (
		<Text bold={focused} dimColor={disabled} inverse={focused && color}>
			{focused && !color ? symbols.pointer : ' '}[ {label} ]{' '}
		</Text>
	);
}

/** Props of a text field. */
export type TextFieldProps = {
	value: string;
	focused: boolean;
	onChange: (value: string) => void;
	onSubmit?: () => void;
	/** Masks every character (passwords, PIN). */
	secret?: boolean;
	/** Keeps only what this returns (e.g. digits), so refused characters never appear. */
	filter?: (value: string) => string;
	placeholder?: string;
};

/** One-line input built on ink-text-input; masked with the theme's mask symbol when secret. */
export function TextField({value, focused, onChange, onSubmit, secret, filter, placeholder}: TextFieldProps) {
	const symbols = useSymbols();
	return (
		<TextInput
			value={value}
			focus={focused}
			mask={secret ? symbols.mask : undefined}
			placeholder={focused ? undefined : placeholder}
			onChange={next => onChange(filter ? filter(next) : next)}
			onSubmit={() => onSubmit?.()}
		/>
	);
}
