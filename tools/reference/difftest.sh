#!/bin/sh
# Differential test of sen check against the reference rules: see difftest.py.
exec python3 "$(dirname "$0")/difftest.py" "$@"
