#!/bin/sh
# exit-code.sh NAME: exits with the number in /tmp/diff/code-NAME (0 when there is none), so the
# differential test sets the result of keepalived's MISC_CHECK and lbd's script check at once.
code=0
[ -r "/tmp/diff/code-$1" ] && read -r code <"/tmp/diff/code-$1"
exit "$code"
