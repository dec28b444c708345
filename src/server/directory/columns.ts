// Compact storage for 600,000 mailboxes: typed arrays and packed strings rather than objects.

/** Distinct strings and their ids (0 is the empty string). */
export class Interner {
	readonly values: string[] = [''];
	private readonly ids = new Map<string, number>([['', 0]]);

	id(value: string): number {
		if (value === '') return 0;
		let id = this.ids.get(value);
		if (id === undefined) {
			id = this.values.length;
			this.ids.set(value, id);
			// A copy: the value may be a slice of a whole line, which it would keep alive.
			this.values.push(value.length >= 13 ? ` ${value}`.slice(1) : value);
		}
		return id;
	}

	/** Drops the lookup table once nothing more is added. */
	freeze(): void {
		this.ids.clear();
	}
}

const CHUNK = 4096;

/** One string per entry, packed in large strings: 600,000 small strings would cost twice as much. */
export class PackedStrings {
	private readonly chunks: string[] = [];
	private readonly starts: number[] = [];
	private pending: string[] = [];
	private count = 0;

	push(value: string): void {
		this.pending.push(value);
		this.count++;
		if (this.pending.length === CHUNK) this.flush();
	}

	get length(): number {
		return this.count;
	}

	get(index: number): string {
		const chunk = Math.floor(index / CHUNK);
		if (chunk >= this.chunks.length) return this.pending[index - chunk * CHUNK] ?? '';
		const at = chunk * (CHUNK + 1) + (index % CHUNK);
		return (this.chunks[chunk] as string).slice(this.starts[at], this.starts[at + 1]);
	}

	/** Packs what is pending (call once everything is pushed). */
	flush(): void {
		if (this.pending.length === 0) return;
		let at = 0;
		for (const value of this.pending) {
			this.starts.push(at);
			at += value.length;
		}
		// A short last chunk is padded so that every chunk has CHUNK + 1 offsets.
		for (let index = this.pending.length; index <= CHUNK; index++) this.starts.push(at);
		this.chunks.push(this.pending.join(''));
		this.pending = [];
	}
}

/**
 * Identifiers, one per entry: those of at most 15 digits (an RPPS or ADELI number with its type
 * digit, leading zeros kept) as numbers, 8 bytes each rather than a string apiece; any other apart.
 */
export class DigitStrings {
	private data = new Float64Array(1024);
	private readonly others = new Map<number, string>();
	length = 0;

	push(value: string): void {
		if (this.length === this.data.length) {
			const grown = new Float64Array(this.data.length * 2);
			grown.set(this.data);
			this.data = grown;
		}
		// 0: none; -1: kept apart; else the digits behind a leading 1 (which keeps their leading zeros).
		if (value === '') this.data[this.length] = 0;
		else if (value.length <= 15 && /^\d+$/.test(value)) this.data[this.length] = Number(`1${value}`);
		else {
			this.data[this.length] = -1;
			this.others.set(this.length, value);
		}
		this.length++;
	}

	get(index: number): string {
		const value = this.data[index] ?? 0;
		if (value === 0) return '';
		return value === -1 ? (this.others.get(index) ?? '') : String(value).slice(1);
	}

	/** Frees the room left for more (call once everything is pushed). */
	flush(): void {
		this.data = this.data.slice(0, this.length);
	}
}

/** Growable Uint32 column. */
export class U32List {
	data = new Uint32Array(1024);
	length = 0;

	push(value: number): void {
		if (this.length === this.data.length) {
			const grown = new Uint32Array(this.data.length * 2);
			grown.set(this.data);
			this.data = grown;
		}
		this.data[this.length++] = value;
	}

	/** The values, in an array of their exact size. */
	done(): Uint32Array {
		return this.data.slice(0, this.length);
	}
}

/** Lists of entries per value of a column (compressed rows: `ids[start[v]..start[v+1])`). */
export class Postings {
	readonly start: Uint32Array;
	readonly ids: Uint32Array;

	/**
	 * Items 0..count-1 have value `valueAt(item)` (below `values`) and are listed as `idOf(item)`;
	 * each list keeps the items' order.
	 */
	constructor(count: number, values: number, valueAt: (item: number) => number, idOf: (item: number) => number = item => item) {
		this.start = new Uint32Array(values + 1);
		for (let item = 0; item < count; item++) {
			const next = valueAt(item) + 1;
			this.start[next] = (this.start[next] as number) + 1;
		}
		for (let value = 0; value < values; value++) this.start[value + 1] = (this.start[value + 1] as number) + (this.start[value] as number);
		const fill = this.start.slice(0, -1);
		this.ids = new Uint32Array(count);
		for (let item = 0; item < count; item++) {
			const value = valueAt(item);
			this.ids[fill[value] as number] = idOf(item);
			fill[value] = (fill[value] as number) + 1;
		}
	}

	size(value: number): number {
		return (this.start[value + 1] as number) - (this.start[value] as number);
	}
}

/** First index in [lo, hi) for which `below` is false (binary search over a sorted sequence). */
export function lowerBound(lo: number, hi: number, below: (index: number) => boolean): number {
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (below(mid)) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}
