#!/bin/sh
# Start the Kolla deployment in the background so cloud-init finishes; follow it with
#   tail -f /var/log/kolla-deploy.log      (or: journalctl -u kolla-deploy -f)
set -e
systemctl daemon-reload
systemctl start --no-block kolla-deploy.service
echo "kolla-deploy.service started; log: /var/log/kolla-deploy.log"
