// The mail a practitioner's invitation sends to a colleague.
import type {MailMessage} from '../delivery/delivery.js';

/** The invitation from the account at `fromAddress` to the colleague at `to`. */
export function invitationMail(fromAddress: string, to: string): MailMessage {
	return {
		to,
		subject: 'Invitation à activer votre Messagerie Sécurisée en Santé',
		text: [
			'Bonjour,',
			'',
			`Votre confrère ou consœur ${fromAddress} utilise la Messagerie Sécurisée en Santé (MSSanté)`,
			'et vous invite à activer votre propre adresse, avec votre carte CPS, sur https://www.mssante.fr',
			"(« J'active mon compte »).",
		].join('\n'),
	};
}
