#!/usr/bin/env bash
# The documented backup (docs/OPERATIONS.md): the database as a pg_dump custom archive and the
# uploaded files (evidence, imported workbooks, reports) as one tarball, into DEST.
#   scripts/backup.sh DATABASE_URL PRIVATE_ROOT MEDIA_ROOT DEST
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 DATABASE_URL PRIVATE_ROOT MEDIA_ROOT DEST" >&2; exit 2; }
db=$1; private=$2; media=$3; dest=$4
mkdir -p "$dest" "$private" "$media"
pg_dump --format=custom --no-owner --no-privileges --dbname="$db" --file="$dest/ppid.dump"
tar -czf "$dest/files.tar.gz" -C "$private" --transform 's,^\.,private,' . \
  && tar -czf "$dest/media.tar.gz" -C "$media" --transform 's,^\.,media,' .
echo "backup written to $dest: ppid.dump, files.tar.gz (private), media.tar.gz"
