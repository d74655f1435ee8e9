#!/bin/sh
# Started once at first boot by cloud-init (scripts-user).
echo "app starting, config:" && cat /etc/app/app.conf /etc/app/feature.conf
