# Shared helpers for the image scripts. Sourced, never run: `source "$(dirname "$0")/lib.sh"`.
# It moves the caller to the repository root, so every path below is relative to it.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

# Where the offline base image (and its cache key) lives; override to keep it outside target/.
IMAGE_CACHE_DIR="${HONEST_IMAGE_CACHE:-$REPO_ROOT/target/image-cache}"
BASE_IMAGE_TAR="$IMAGE_CACHE_DIR/jre17-base.tar"
# The name the CI image gets inside the Jib tarball and in podman's storage.
WORKER_IMAGE="localhost/honest-worker:ci"
WORKER_IMAGE_TAR="$REPO_ROOT/worker/target/jib-image.tar"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }

die() {
  printf '[%s] ERROR: %s\n' "$(basename "$0")" "$*" >&2
  exit 1
}

# A failure that must never be mistaken for a pass, e.g. "podman cannot run containers here".
die_loudly() {
  {
    printf '\n%s\n' '################################################################################'
    printf '##  %s FAILED\n' "$(basename "$0")"
    local line
    for line in "$@"; do printf '##  %s\n' "$line"; done
    printf '%s\n\n' '################################################################################'
  } >&2
  exit 1
}

# Resource limits every container gets. Podman's defaults (1048576) exceed the hard limits of CI
# machines like ours, and root there lacks CAP_SYS_RESOURCE to raise them, so the OCI runtime
# fails with "setrlimit ... operation not permitted". Podman itself lowers its NPROC to pid_max.
ulimit_nofile() { ulimit -Hn; }
ulimit_nproc() {
  local hard pid_max
  hard="$(ulimit -Hu)"
  pid_max="$(cat /proc/sys/kernel/pid_max)"
  if [[ "$hard" == unlimited ]] || (( pid_max < hard )); then echo "$pid_max"; else echo "$hard"; fi
}

# JAVA_HOME of the `java` on PATH (never a fixed path: the JDK differs between machines).
java_home() {
  local java
  java="$(command -v java)" || die "no java on PATH"
  dirname "$(dirname "$(readlink -f "$java")")"
}

# Seconds since the epoch with milliseconds, for step timings.
now() { date +%s.%N | cut -c1-14; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
