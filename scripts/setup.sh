#!/usr/bin/env bash
# Prepares a fresh machine of this kind (Debian) for the tests: the smart-card stack they run
# against (pcscd with vpcd's virtual readers, SoftHSM2 as the PKCS#11 token, OpenSC's tools),
# then starts pcscd in the foreground in the background when none runs. Run as root.
set -euo pipefail

packages=(pcscd libpcsclite-dev softhsm2 vsmartcard-vpcd opensc)
missing=()
for package in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends "${missing[@]}"
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
