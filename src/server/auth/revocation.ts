// Revocation of the certificates of a card's path, from certificate revocation lists (CRLs): those
// the certificates name in their CRL distribution points, fetched over HTTP and kept until their
// next update, and those configured as files. Fail closed: a certificate whose status cannot be
// established is refused. The lists are read by crl.ts, the certificates by @peculiar/x509.
import {x509} from '../../contract/certificate/cps-certificate.js';
import {cardRefused, type Certificate} from './certificate-path.js';
import {readCrl, type RevocationList as Crl} from './crl.js';

/** How revocation is checked; every field has a default fit for IGC-Santé. */
export type RevocationOptions = {
	/** CRLs configured as files (DER or PEM contents), used beside the fetched ones (absent: none). */
	crls?: Array<Uint8Array | string>;
	/**
	 * A certificate that names no CRL distribution point, and whose issuer has no configured CRL,
	 * is refused (`revocation-unknown`) when true; else it is not checked (default false: every
	 * IGC-Santé certificate names one, the demo card's and the test cards' do not).
	 */
	requireRevocation?: boolean;
	/** Longest wait for a CRL's download, headers and body (default 5 s). */
	fetchTimeoutMs?: number;
	/** Largest CRL downloaded (default 32 MiB); a larger one is abandoned. */
	maxCrlBytes?: number;
	/** A fetched CRL is fetched again after this long even before its next update (default 1 h); if that fails, it serves until its next update. */
	refreshMs?: number;
	/** After a failed download, the same URL is not tried again for this long (default 10 s): a flood of proofs waits on no dead server. */
	retryAfterMs?: number;
	/** Tolerated clock difference with the CRL's issuer (default 5 min). */
	clockSkewMs?: number;
};

/** What is known of a certificate's revocation. */
export type RevocationStatus = 'good' | 'revoked' | 'unknown' | 'unchecked';

/** A CRL downloaded from a distribution point. */
type Fetched = {crl: Crl; fetchedAt: number};

/** CRL extensions the check understands; a list with another critical extension is not used. */
const KNOWN_CRL_EXTENSIONS = new Set(['2.5.29.20', '2.5.29.35', '2.5.29.28']);
/** deltaCRLIndicator: a delta list is not complete on its own. */
const DELTA_CRL = '2.5.29.27';

/**
 * Revocation status of certificates, one instance per service: the fetched lists are shared by
 * every proof (one download per URL at a time) and kept until their next update.
 */
export class RevocationChecker {
	private readonly configured: Crl[];
	private readonly cache = new Map<string, Fetched>();
	private readonly inFlight = new Map<string, Promise<Fetched>>();
	private readonly failedUntil = new Map<string, number>();
	/** CRL × issuer key pairs whose signature was verified (a large list is verified once). */
	private readonly verified = new WeakMap<Crl, Set<string>>();
	private readonly maxBytes: number;

	constructor(private readonly options: RevocationOptions = {}) {
		this.maxBytes = options.maxCrlBytes ?? 32 * 1024 * 1024;
		this.configured = (options.crls ?? []).flatMap(parseCrls);
	}

	/** The HTTP(S) URLs of the certificate's CRL distribution points. */
	static distributionPoints(certificate: Certificate): string[] {
		const extension = certificate.getExtension(x509.CRLDistributionPointsExtension);
		return (extension?.distributionPoints ?? [])
			.flatMap(point => point.distributionPoint?.fullName ?? [])
			.map(name => name.uniformResourceIdentifier)
			.filter((url): url is string => url !== undefined && /^https?:\/\//i.test(url));
	}

	/**
	 * Refuses the path (`[card, …intermediates, anchor]`) when one of its certificates, the anchor
	 * excepted, is revoked (`revoked`) or its status cannot be established (`revocation-unknown`).
	 */
	async checkPath(path: Certificate[], now: Date): Promise<void> {
		const statuses = await Promise.all(path.slice(0, -1).map((certificate, index) => this.status(certificate, path[index + 1] as Certificate, now)));
		const revoked = statuses.indexOf('revoked');
		if (revoked === 0) throw cardRefused('revoked', 'Carte révoquée par son autorité de certification');
		if (revoked > 0) throw cardRefused('revoked', `Autorité de la carte révoquée : ${path[revoked]?.subject}`);
		const unknown = statuses.indexOf('unknown');
		if (unknown >= 0) throw cardRefused('revocation-unknown', `Révocation impossible à vérifier : liste de révocation injoignable ou périmée (${path[unknown]?.subject})`);
	}

	/** The revocation status of `certificate`, issued by `issuer`, at `now`. */
	async status(certificate: Certificate, issuer: Certificate, now: Date): Promise<RevocationStatus> {
		const urls = RevocationChecker.distributionPoints(certificate);
		const configured = this.configured.filter(crl => crl.issuer === certificate.issuer);
		const fetched = await Promise.all(urls.map(url => this.fetched(url, now).catch(() => undefined)));
		const usable: Crl[] = [];
		for (const crl of [...configured, ...fetched.filter((crl): crl is Crl => crl !== undefined)]) {
			if (await this.usable(crl, issuer, now)) usable.push(crl);
		}
		if (usable.some(crl => crl.lists(certificate.serialNumber))) return 'revoked';
		if (usable.length > 0) return 'good';
		// A list was expected (named by the certificate, or configured for its issuer) but none is usable.
		if (urls.length > 0 || configured.length > 0 || this.options.requireRevocation) return 'unknown';
		return 'unchecked';
	}

	/** Whether `crl` speaks for `issuer` at `now`: its name, its signature, its key usage, its dates, a complete list. */
	private async usable(crl: Crl, issuer: Certificate, now: Date): Promise<boolean> {
		const skew = this.options.clockSkewMs ?? 5 * 60_000;
		if (crl.issuer !== issuer.subject) return false;
		if (crl.thisUpdate.getTime() > now.getTime() + skew) return false;
		if (crl.nextUpdate && crl.nextUpdate.getTime() < now.getTime() - skew) return false;
		if (crl.extensions.some(extension => extension.oid === DELTA_CRL || (extension.critical && !KNOWN_CRL_EXTENSIONS.has(extension.oid)))) return false;
		const usages = issuer.getExtension(x509.KeyUsagesExtension);
		if (usages && !(usages.usages & x509.KeyUsageFlags.cRLSign)) return false;
		const key = Buffer.from(issuer.publicKey.rawData).toString('base64');
		const verified = this.verified.get(crl) ?? new Set<string>();
		if (!verified.has(key)) {
			let signed = false;
			try {
				signed = crl.signedBy(issuer);
			} catch {}
			if (!signed) return false;
			verified.add(key);
			this.verified.set(crl, verified);
		}
		return true;
	}

	/** The CRL at `url`: the cached one while fresh, else downloaded (once for all concurrent callers). */
	private async fetched(url: string, now: Date): Promise<Crl> {
		const cached = this.cache.get(url);
		const refreshMs = this.options.refreshMs ?? 3600_000;
		const fresh = (entry: Fetched) => (entry.crl.nextUpdate === undefined || entry.crl.nextUpdate > now) && now.getTime() - entry.fetchedAt < refreshMs;
		if (cached && fresh(cached)) return cached.crl;
		// A failed download is not tried again at once; meanwhile a cached list serves until its next update.
		if ((this.failedUntil.get(url) ?? 0) > Date.now()) {
			if (cached) return cached.crl;
			throw new Error(`CRL ${url} injoignable`);
		}
		let download = this.inFlight.get(url);
		if (!download) {
			download = this.download(url).then(
				crl => {
					const entry = {crl, fetchedAt: now.getTime()};
					this.cache.set(url, entry);
					this.failedUntil.delete(url);
					return entry;
				},
				(error: unknown) => {
					this.failedUntil.set(url, Date.now() + (this.options.retryAfterMs ?? 10_000));
					throw error;
				},
			);
			download.finally(() => this.inFlight.delete(url)).catch(() => undefined);
			this.inFlight.set(url, download);
		}
		try {
			return (await download).crl;
		} catch (error) {
			if (cached) return cached.crl;
			throw error;
		}
	}

	/** Downloads and parses the CRL at `url` (DER or PEM), within the time and size limits. */
	private async download(url: string): Promise<Crl> {
		const maxBytes = this.maxBytes;
		const response = await fetch(url, {signal: AbortSignal.timeout(this.options.fetchTimeoutMs ?? 5000), redirect: 'follow'});
		if (!response.ok || !response.body) throw new Error(`CRL ${url} : HTTP ${response.status}`);
		if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
			await response.body.cancel();
			throw new Error(`CRL ${url} trop grande`);
		}
		const chunks: Uint8Array[] = [];
		let size = 0;
		for await (const chunk of response.body) {
			size += chunk.byteLength;
			if (size > maxBytes) throw new Error(`CRL ${url} trop grande`);
			chunks.push(chunk);
		}
		const crls = parseCrls(Buffer.concat(chunks));
		if (crls.length !== 1) throw new Error(`CRL ${url} : ${crls.length} listes`);
		return crls[0] as Crl;
	}
}

/** The CRLs of a file or a download: DER (one list) or PEM (one or more `X509 CRL` blocks). */
export function parseCrls(content: Uint8Array | string): Crl[] {
	const text = typeof content === 'string' ? content : Buffer.from(content.subarray(0, 64)).toString('latin1');
	if (!text.trimStart().startsWith('-----BEGIN')) return [readCrl(typeof content === 'string' ? Buffer.from(content, 'latin1') : content)];
	const pem = typeof content === 'string' ? content : Buffer.from(content).toString('latin1');
	return [...pem.matchAll(/-----BEGIN X509 CRL-----([\s\S]+?)-----END X509 CRL-----/g)].map(([, body]) => readCrl(Buffer.from(body ?? '', 'base64')));
}
