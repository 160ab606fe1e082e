#!/usr/bin/env bash
# The peer tools the benchmark compares against, plus GNU time and bc, and iproute2 and
# ethtool for netns.sh (Debian packages).
set -euo pipefail
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
"$(dirname "$0")/../scripts/setup.sh"
"${sudo_cmd[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends \
  nmap sslscan testssl.sh time bc openssl unbound bind9-dnsutils iproute2 ethtool
