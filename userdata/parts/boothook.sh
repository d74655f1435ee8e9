#!/bin/bash
# Heat-style boot hook (openstack-stacks userdata/parts/boothook.sh).
# Boot hooks run on every boot, so everything here is idempotent.
INSTANCE_USER='@INSTANCE_USER@'

# Create the instance user early with passwordless sudo, as Heat does for
# cloud-init 0.6.3 (https://bugs.launchpad.net/heat/+bug/1257410). A drop-in
# file replaces Heat's append to /etc/sudoers, which grew on every boot.
if [ -n "$INSTANCE_USER" ]; then
    id -u "$INSTANCE_USER" >/dev/null 2>&1 || useradd -m "$INSTANCE_USER"
    if [ -d /etc/sudoers.d ]; then
        sudoers="/etc/sudoers.d/90-heat-$INSTANCE_USER"
        printf '%s\tALL=(ALL)\tNOPASSWD: ALL\n' "$INSTANCE_USER" > "$sudoers.tmp"
        chmod 0440 "$sudoers.tmp"
        mv -f "$sudoers.tmp" "$sudoers"
    fi
fi

# In case heat-cfntools is installed without the /opt/aws/bin links. The tool's --source defaults to
# /usr/bin whatever its help says, so a pip install (/usr/local/bin) needs the directory it is in.
if command -v cfn-create-aws-symlinks >/dev/null 2>&1; then
    cfn-create-aws-symlinks --source "$(dirname "$(command -v cfn-create-aws-symlinks)")" >/dev/null 2>&1 || true
fi

# A cloud boothook must always return success.
exit 0
