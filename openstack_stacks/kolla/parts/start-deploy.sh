#!/bin/sh
# Start the Kolla deployment in the background so cloud-init finishes; follow it with
#   tail -f /var/log/kolla-deploy.log      (or: journalctl -u kolla-deploy -f)
set -e
if [ ! -d /run/systemd/system ]; then
  # Not booted with systemd (a container or chroot): nothing can run the unit.
  echo "systemd is not running: start /usr/local/sbin/kolla-deploy by hand" | tee -a /var/log/kolla-deploy.log
  exit 0
fi
systemctl daemon-reload
systemctl start --no-block kolla-deploy.service
echo "kolla-deploy.service started; log: /var/log/kolla-deploy.log"
