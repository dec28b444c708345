#!/usr/bin/env bash
# Prepares a fresh machine of this kind (Debian) for the tests: the smart-card stack they run
# against (pcscd with vpcd's virtual readers, SoftHSM2 as the PKCS#11 token, OpenSC's tools),
# then starts pcscd in the foreground in the background when none runs; and the service's
# database tests' servers (PostgreSQL, HAProxy), installed but never started: each test starts
# private ones (test/harness/postgres.ts, test/harness/haproxy.ts). Run as root.
set -euo pipefail

# Prints the packages of "$@" that dpkg does not list as installed.
missing_of() {
	for package in "$@"; do
		dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || echo "$package"
	done
}

updated=false
# apt-get update once, and only when something is to be installed.
apt_install() {
	export DEBIAN_FRONTEND=noninteractive
	$updated || apt-get update
	updated=true
	apt-get install -y --no-install-recommends "$@"
}

mapfile -t missing < <(missing_of pcscd libpcsclite-dev softhsm2 vsmartcard-vpcd opensc)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

# PostgreSQL 15 (Debian 12's; the harness runs /usr/lib/postgresql/<version>/bin/*, never PATH's)
# and HAProxy. Their packages would create and start a system-wide cluster and a haproxy: the
# drop-in stops postgresql-common from creating the cluster "main", and a policy-rc.d put only
# for this install (where the machine has none) keeps the packages from starting any daemon.
# As root the harness runs the server as the "postgres" user the package creates (initdb and
# postgres refuse root).
mapfile -t missing < <(missing_of postgresql haproxy)
if [ ${#missing[@]} -gt 0 ]; then
	mkdir -p /etc/postgresql-common/createcluster.d
	echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/mssante-no-main-cluster.conf
	policy=/usr/sbin/policy-rc.d
	if [ -e "$policy" ]; then
		apt_install "${missing[@]}"
	else
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		trap 'rm -f "$policy"' EXIT
		apt_install "${missing[@]}"
		rm -f "$policy"
		trap - EXIT
	fi
fi

# pcscd 1.9.9: one daemon per machine at /run/pcscd/pcscd.comm; never --auto-exit.
if ! pgrep -x pcscd >/dev/null; then
	mkdir -p /run/pcscd
	nohup pcscd -f >/tmp/pcscd.log 2>&1 &
	for _ in $(seq 50); do
		[ -S /run/pcscd/pcscd.comm ] && break
		sleep 0.1
	done
	[ -S /run/pcscd/pcscd.comm ] || { echo "pcscd did not start (see /tmp/pcscd.log)" >&2; exit 1; }
fi
echo "smart-card test stack ready: $(pgrep -a pcscd)"
echo "database test servers installed: $(ls -d /usr/lib/postgresql/*/bin/postgres) $(/usr/sbin/haproxy -v | head -1)"
