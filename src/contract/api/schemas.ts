import * as z from 'zod/mini';
import {INVITATIONS_PER_REQUEST, PROOF_PURPOSES} from '../domain/account.js';
import {MAILBOX_TYPES} from '../domain/directory.js';
import {secretText, text} from './text-checks.js';

// Schemas of the activation API, shared by the server (validation) and the kiosk's client.
// zod/mini: the embedded server starts with the kiosk, before its first frame.
// Every string of a request is a `text` (no control character, well-formed UTF-16) or, for a
// password, a `secretText`; answers keep plain strings (an account stored before is still read).

const identitySchema = z.object({
	civilite: z.optional(z.string().check(z.maxLength(20))),
	givenName: z.string().check(z.minLength(1), z.maxLength(100)),
	surname: z.string().check(z.minLength(1), z.maxLength(100)),
	profession: z.string().check(z.minLength(1), z.maxLength(100)),
	professionCode: z.optional(z.string().check(z.maxLength(4))),
	nationalId: z.string().check(z.regex(/^[0-9A-Z]{6,20}$/)),
	idType: z.enum(['RPPS', 'ADELI']),
});

/** The account's options; `string` makes their strings (`text` in requests). */
const optionsOf = (string: typeof text) =>
	z.object({
		email: string(z.maxLength(254)),
		mobile: z.optional(string(z.maxLength(32))),
		otpChannel: z.enum(['sms', 'mail']),
		notify: z.boolean(),
		publishMobile: z.boolean(),
		listeRouge: z.boolean(),
		paperless: z.boolean(),
	});
const plain = (...checks: Parameters<typeof text>) => z.string().check(...checks);
const optionsSchema = optionsOf(plain);
const requestOptions = optionsOf(text);

const proofSchema = z.object({
	challengeId: text(z.regex(/^[0-9a-f-]{36}$/)),
	signature: text(z.maxLength(2048), z.regex(/^[A-Za-z0-9+/=]+$/)),
	certificate: text(z.maxLength(16_384), z.regex(/^[A-Za-z0-9+/=]+$/)),
	/** The card's own CA certificates (DER, base64): candidates for the path, trusted only through an anchor. */
	intermediates: z.optional(z.array(text(z.maxLength(16_384), z.regex(/^[A-Za-z0-9+/=]+$/))).check(z.maxLength(4))),
});

const uuid = text(z.regex(/^[0-9a-f-]{36}$/));
const code = text(z.regex(/^\d{6}$/));

const ADDRESS = /^[^\s@]+@[a-z0-9.-]+$/;
const address = text(z.maxLength(320), z.regex(ADDRESS));
/** An address in an answer. */
const shownAddress = z.string().check(z.regex(ADDRESS));
/** Language of the messages the service sends on the kiosk's behalf (the code's e-mail or SMS). */
const lang = z.optional(z.enum(['fr', 'en']));

// The policy's own limit is 128 characters; a longer body is refused by the policy, not cut.
const password = secretText(z.maxLength(1024));

/** Request bodies, by operation. */
export const requestSchemas = {
	challenge: z.object({purpose: z.optional(z.enum(PROOF_PURPOSES))}),
	availability: z.object({proof: proofSchema, addresses: z.array(address).check(z.minLength(1), z.maxLength(8))}),
	lookup: z.object({proof: proofSchema}),
	verifyChannel: z.object({proof: proofSchema, channel: z.enum(['sms', 'mail']), destination: text(z.maxLength(254)), lang}),
	confirmChannel: z.object({verificationId: uuid, code}),
	activate: z.object({requestId: uuid, proof: proofSchema, verificationId: uuid, mobileVerificationId: z.optional(uuid), address, password, options: requestOptions}),
	signIn: z.object({address, password, lang}),
	confirmSignIn: z.object({signInId: uuid, code}),
	update: z.object({
		proof: z.optional(proofSchema),
		session: z.optional(text(z.maxLength(128))),
		verificationId: z.optional(uuid),
		mobileVerificationId: z.optional(uuid),
		options: requestOptions,
		password: z.optional(password),
		currentPassword: z.optional(password),
	}),
	invite: z.object({proof: proofSchema, emails: z.array(text(z.maxLength(254))).check(z.minLength(1), z.maxLength(INVITATIONS_PER_REQUEST))}),
	openSession: z.object({proof: proofSchema}),
};

const digits = (max: number) => text(z.regex(new RegExp(`^\\d{1,${max}}$`)));

/** Query string of `GET /v1/directory` (every parameter optional; `offset` and `limit` are numbers once parsed). */
export const directoryQuerySchema = z.object({
	q: z.optional(text(z.maxLength(100))),
	profession: z.optional(text(z.regex(/^[0-9A-Z]{0,4}$/))),
	place: z.optional(text(z.regex(/^(\d{0,5}|2[ABab])$/))),
	city: z.optional(text(z.maxLength(60))),
	offset: z.optional(z.pipe(digits(6), z.transform(Number))),
	limit: z.optional(z.pipe(digits(3), z.transform(Number))),
});

const directoryEntrySchema = z.object({
	type: z.enum(MAILBOX_TYPES),
	address: z.string(),
	civility: z.string(),
	surname: z.string(),
	givenName: z.string(),
	professionCode: z.string(),
	profession: z.string(),
	specialty: z.string(),
	organisation: z.string(),
	service: z.string(),
	street: z.string(),
	postalCode: z.string(),
	city: z.string(),
	departement: z.string(),
	mobile: z.optional(z.string()),
});

const directoryStateSchema = z.object({
	phase: z.enum(['idle', 'loading', 'ready', 'failed', 'none']),
	progress: z.number(),
	entries: z.number(),
	error: z.optional(z.string()),
	professions: z.array(z.object({code: z.string(), label: z.string(), count: z.number()})),
});

const seconds = z.number().check(z.int(), z.minimum(0), z.maximum(24 * 3600));

/** Answers, checked by the kiosk: a backend answering nonsense is "unavailable", never a crash. */
export const responseSchemas = {
	account: z.object({address: shownAddress, identity: identitySchema, options: optionsSchema, createdAt: z.string(), updatedAt: z.string()}),
	/** `alreadyYours`: the national directory already gives `available` to the proven card's holder. */
	availability: z.object({results: z.array(z.object({requested: shownAddress, available: shownAddress, alreadyYours: z.optional(z.boolean())}))}),
	/** `sent`: mails that left now; `alreadyInvited`: colleagues this sender invited in the last 30 days, not mailed again. */
	invite: z.object({sent: z.number().check(z.int(), z.minimum(0)), alreadyInvited: z.optional(z.number().check(z.int(), z.minimum(0)))}),
	challenge: z.object({challengeId: z.string(), challenge: z.string(), expiresAt: z.string()}),
	codeSent: z.object({id: z.string(), channel: z.enum(['sms', 'mail']), destination: z.string(), resendAfterSeconds: seconds}),
	confirmed: z.object({verified: z.literal(true)}),
	signedIn: z.object({session: z.string(), account: z.object({address: shownAddress, identity: identitySchema, options: optionsSchema, createdAt: z.string(), updatedAt: z.string()})}),
	error: z.object({
		code: z.string(),
		message: z.string(),
		details: z.optional(z.record(z.string(), z.array(z.string()))),
		retryAfterSeconds: z.optional(seconds),
		triesLeft: z.optional(z.number().check(z.int(), z.minimum(0))),
	}),
	directoryPage: z.object({total: z.number(), offset: z.number(), entries: z.array(directoryEntrySchema), state: directoryStateSchema}),
	directoryState: directoryStateSchema,
	session: z.object({session: z.string()}),
};
