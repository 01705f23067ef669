#!/bin/sh
# Usage: examples/tour.sh [DIR]   (DIR holds ctlite.so; default: the current directory)
# Runs the guided tour of examples/tour.sql in the sqlite3 shell.
set -eu
dir=${1:-.}
exec sqlite3 -bail -cmd ".load $dir/ctlite" :memory: <"$(dirname "$0")/tour.sql"
