#!/bin/sh
# record-notify.sh ARGS...: appends one line with its arguments to /tmp/diff/notify.log.
echo "$*" >>/tmp/diff/notify.log
