// The service's handler table: one handler per operation of the contract, from the module of
// each feature of the API. An operation without a handler does not compile.
import {accountRoutes} from './accounts.js';
import {activationRoutes} from './activation.js';
import {addressRoutes} from './addresses.js';
import {cardRoutes} from './cards.js';
import {channelRoutes} from './channels.js';
import type {Handlers} from './context.js';
import {directoryRoutes} from './directory.js';
import {healthRoutes} from './health.js';
import {invitationRoutes} from './invitations.js';
import {signInRoutes} from './sign-in.js';

/** Every operation's handler. */
export const HANDLERS: Handlers = {
	...healthRoutes,
	...cardRoutes,
	...addressRoutes,
	...channelRoutes,
	...activationRoutes,
	...signInRoutes,
	...accountRoutes,
	...invitationRoutes,
	...directoryRoutes,
};
