#!/bin/sh
# openstack-stacks signal boothook (userdata/parts/signal-hook.sh): installs the boot signal helper and
# the curl shim before any user script runs, so `cfn-signal ... URL`, `curl ... URL` and a handle's
# curl_cli reach the console channel (see userdata/signals.py). Idempotent: it runs on every boot.
mkdir -p /usr/local/bin
cat > /usr/local/bin/openstack-stacks-signal.tmp <<'OPENSTACK_STACKS_SIGNAL'
@SIGNAL_HELPER@OPENSTACK_STACKS_SIGNAL
cat > /usr/local/bin/curl.tmp <<'OPENSTACK_STACKS_CURL'
@CURL_SHIM@OPENSTACK_STACKS_CURL
chmod 0755 /usr/local/bin/openstack-stacks-signal.tmp /usr/local/bin/curl.tmp
mv -f /usr/local/bin/openstack-stacks-signal.tmp /usr/local/bin/openstack-stacks-signal
mv -f /usr/local/bin/curl.tmp /usr/local/bin/curl
exit 0
