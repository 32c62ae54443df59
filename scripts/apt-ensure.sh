#!/bin/sh
# Installs the Debian packages whose command is missing, when run as root with apt-get; otherwise
# says what is missing and leaves it (the tests that need them then fail naming the command).
#   apt-ensure.sh PACKAGE:COMMAND ...      e.g. iptables:iptables-legacy util-linux:setpriv
set -eu
missing=""
for pair in "$@"; do
  command -v "${pair#*:}" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "${pair#*:}" >/dev/null 2>&1 || missing="$missing ${pair%%:*}"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> installing$missing"
  # shellcheck disable=SC2086
  apt-get install -y --no-install-recommends $missing >/dev/null || { apt-get update >/dev/null && apt-get install -y --no-install-recommends $missing >/dev/null; }
else
  echo "note: missing$missing (install them with apt-get as root)" >&2
fi
