#!/bin/sh
# openstack-stacks curl shim (userdata/parts/curl-signal-shim.sh), installed as /usr/local/bin/curl.
#
# A wait condition handle's URL is https://signal.invalid/openstack-stacks/v1/<handle> (".invalid" never
# resolves, RFC 2606). heat-cfntools' cfn-signal and template scripts run `curl ... <that URL>` unchanged;
# this shim, ahead of /usr/bin in PATH, hands such a call to openstack-stacks-signal, which writes the
# framed console line. Every other call goes to the real curl untouched.
for a in "$@"; do
    case "$a" in
        https://signal.invalid/openstack-stacks/v1/*|http://signal.invalid/openstack-stacks/v1/*)
            exec /usr/local/bin/openstack-stacks-signal "${a##*/}" "$@" ;;
    esac
done
for c in /usr/bin/curl /bin/curl; do
    if [ -x "$c" ]; then exec "$c" "$@"; fi
done
echo "curl: not installed (openstack-stacks shim only carries wait condition signals)" >&2
exit 127
