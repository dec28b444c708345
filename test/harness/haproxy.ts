import {existsSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {createConnection} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {type Daemon, onFreePort, spawnDaemon, waitUntilReady} from './daemon.js';

/** Debian's haproxy, by its full path: /usr/sbin is not on a normal user's PATH. */
const HAPROXY = '/usr/sbin/haproxy';

/** HAProxy in front of service instances, on a loopback port of its own. */
export type LoadBalancer = {
	/** Where clients send their requests, e.g. `http://127.0.0.1:40123`. */
	url: string;
	/** Path of its log, one line per request naming the instance that answered it (deleted by `stop()`). */
	log: string;
	/** Stops HAProxy (requests in flight are cut) and deletes its directory. */
	stop(): Promise<void>;
};

/** Health checks: an instance failing `fall` checks in a row gets no requests until one succeeds. */
export type HealthCheck = {path: string; intervalMs?: number; fall?: number};

/** `http://host:port` of a backend as HAProxy's `server` line wants it. */
function serverAddress(backend: string): string {
	const url = new URL(backend);
	if (url.protocol !== 'http:' || url.pathname !== '/' || url.search !== '') throw new Error(`backend ${backend}: only http://host:port, the load balancer keeps the request's path`);
	return `${url.hostname}:${url.port || '80'}`;
}

/** The configuration: HTTP mode, round-robin over the backends, a request whose connection was refused sent to the next instance. */
function configuration(port: number, backends: string[], health: HealthCheck | undefined): string {
	const check = health ? ' check' : '';
	return [
		'global',
		// Without it HAProxy binds with SO_REUSEPORT and could share a port another test's HAProxy holds.
		'\tnoreuseport',
		'\tmaxconn 2000',
		'\tlog stdout format raw local0',
		'defaults',
		'\tmode http',
		'\tlog global',
		'\toption httplog',
		// The instances see who the client is, as behind a real load balancer.
		'\toption forwardfor',
		'\ttimeout connect 2s',
		// Activations hash passwords on two shared cores: a slow answer under load is not a dead instance.
		'\ttimeout client 60s',
		'\ttimeout server 60s',
		// Only a connection that could not be made is retried (HAProxy's default retry-on), on another
		// instance: a request an instance received and then died with is not replayed, its client gets a 502.
		'\tretries 3',
		'\toption redispatch 1',
		'frontend kiosks',
		`\tbind 127.0.0.1:${port}`,
		'\tdefault_backend instances',
		'backend instances',
		'\tbalance roundrobin',
		...(health
			? ['\toption httpchk', `\thttp-check send meth GET uri ${health.path}`, '\ttimeout check 2s', `\tdefault-server inter ${health.intervalMs ?? 200}ms fall ${health.fall ?? 2} rise 1`]
			: []),
		...backends.map((backend, index) => `\tserver instance${index} ${serverAddress(backend)}${check}`),
		'',
	].join('\n');
}

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
function accepts(port: number): Promise<boolean> {
	return new Promise(resolve => {
		const socket = createConnection(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/**
 * Starts HAProxy in the foreground on a free loopback port, balancing HTTP requests round-robin
 * over `backends` (`http://127.0.0.1:port` each), with health checks on `health.path` when given
 * (e.g. `/v1/health`). Every instance counts as up from the start. Its configuration and log live
 * in a temporary directory deleted by `stop()`.
 */
export async function startHaproxy(backends: string[], health?: HealthCheck): Promise<LoadBalancer> {
	if (backends.length === 0) throw new Error('a load balancer needs at least one backend');
	if (!existsSync(HAPROXY)) throw new Error(`no ${HAPROXY}: run scripts/setup.sh as root (it installs Debian's haproxy)`);
	const dir = await mkdtemp(path.join(tmpdir(), 'mssante-haproxy-'));
	const log = path.join(dir, 'haproxy.log');
	let daemon: Daemon | undefined;
	try {
		const port = await onFreePort(async port => {
			const config = path.join(dir, 'haproxy.cfg');
			await writeFile(config, configuration(port, backends, health));
			const started = spawnDaemon('HAProxy', HAPROXY, ['-db', '-f', config], {log, deathSignal: 'SIGKILL'});
			daemon = started;
			await waitUntilReady(started, () => accepts(port), 10_000);
			return port;
		});
		return {
			url: `http://127.0.0.1:${port}`,
			log,
			async stop() {
				// SIGTERM is HAProxy's hard stop; it has no child processes to leave behind.
				await daemon?.stop('SIGTERM');
				await rm(dir, {recursive: true, force: true});
			},
		};
	} catch (error) {
		await daemon?.stop('SIGKILL');
		await rm(dir, {recursive: true, force: true});
		throw error;
	}
}
