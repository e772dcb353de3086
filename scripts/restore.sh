#!/usr/bin/env bash
# The documented restore (docs/OPERATIONS.md) into an EMPTY database and empty folders:
#   createdb -O ppid ppid_restored   # or an empty database made any other way
#   scripts/restore.sh BACKUP_DIR DATABASE_URL PRIVATE_ROOT MEDIA_ROOT
# --clean --if-exists makes the same command work on an empty database and over an old copy;
# --exit-on-error stops at the first error instead of reporting hundreds at the end.
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 BACKUP_DIR DATABASE_URL PRIVATE_ROOT MEDIA_ROOT" >&2; exit 2; }
backup=$1; db=$2; private=$3; media=$4
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
  --dbname="$db" "$backup/ppid.dump"
mkdir -p "$private" "$media"
tar -xzf "$backup/files.tar.gz" -C "$private" --strip-components=1
tar -xzf "$backup/media.tar.gz" -C "$media" --strip-components=1
echo "restored $backup into the database and $private, $media"
