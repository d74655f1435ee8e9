#!/bin/sh
# openstack-stacks boot signal helper (userdata/parts/openstack-stacks-signal.sh).
#
# Usage: openstack-stacks-signal HANDLE [curl arguments ...]
# Takes the request body of a Heat signal from curl-style arguments (--data-binary / -d / --data,
# "@FILE" reads a file), exactly as a WaitConditionHandle's curl_cli or heat-cfntools' cfn-signal pass
# it, and writes one framed line to the serial console, stderr, the journal and (a record on the instance)
# /var/log/openstack-stacks-signals.log:
#   @@OSSIG1:<handle>:<nonce>:<base64url of the body>:<POSIX cksum of the base64url text>@@
# The waiter reads it back from the Nova console log (userdata/signals.py decodes it). Only characters a
# console cannot mangle appear in the line; a body over 4096 bytes becomes a FAILURE signal that says so.
#
# Rules for this file: every non-comment line is one complete command and there is no single quote, so
# userdata/signals.py can join the lines with "; " into the self-contained `sh -c '...'` form used where
# nothing can be installed first (RAW user data).
h=$1; shift
b=
while [ $# -gt 0 ]; do case "$1" in -d|--data|--data-binary|--data-raw|--data-ascii) b=$2; shift;; --data-binary=*|--data=*) b=${1#*=};; esac; shift; done
case "$b" in @*) b=$(cat "${b#@}");; esac
[ -n "$b" ] || b="{}"
[ ${#b} -le 4096 ] || b="{\"status\": \"FAILURE\", \"reason\": \"signal body of ${#b} bytes is over the 4096-byte limit\"}"
n=$(od -An -N6 -tx1 /dev/urandom 2>/dev/null | tr -d " \n"); [ -n "$n" ] || n=$$
p=$(printf %s "$b" | base64 | tr -d "\n=" | tr "+/" "-_")
c=$(printf %s "$p" | cksum | cut -d " " -f 1)
l="@@OSSIG1:$h:$n:$p:$c@@"
for t in /dev/console /dev/ttyS0; do if [ -w "$t" ]; then (echo "$l" >> "$t") 2>/dev/null; fi; done
echo "$l" >&2
(echo "$l" >> "${OPENSTACK_STACKS_SIGNAL_LOG:-/var/log/openstack-stacks-signals.log}") 2>/dev/null || true
logger -t openstack-stacks-signal "$l" 2>/dev/null || true
