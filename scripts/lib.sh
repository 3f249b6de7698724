# Shared helpers for the image scripts. Sourced, never run: `source "$(dirname "$0")/lib.sh"`.
# It moves the caller to the repository root, so every path below is relative to it.

# A sourcing script's header (its comment lines after the #! line) is its usage text: --help prints
# it and does nothing else, so that asking for help never installs, builds or runs anything.
print_usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$1"; }
case "${1-}" in
  -h|--help) print_usage "$0"; exit 0 ;;
esac

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

# The Ollama stand-in: WireMock standalone (the parent POM's version) serving the mappings and files
# under $1 (e.g. a copy of scripts/smoke/wiremock) on 127.0.0.1 at a free port; its log and, if Maven
# must fetch it, its jar go under $2. Sets STAND_IN_URL and STAND_IN_PID; stop_ollama_stand_in (for
# the caller's EXIT trap) stops it.
STAND_IN_PID=""
start_ollama_stand_in() {
  local root="$1" dir="$2" version jar listening port="" candidate i
  version="$(sed -n 's:.*<wiremock.version>\(.*\)</wiremock.version>.*:\1:p' "$REPO_ROOT/pom.xml")"
  [[ -n "$version" ]] || die_loudly "no <wiremock.version> in pom.xml"
  jar="$HOME/.m2/repository/org/wiremock/wiremock-standalone/$version/wiremock-standalone-$version.jar"
  if [[ ! -f "$jar" ]]; then
    log "resolving wiremock-standalone $version with Maven"
    mvn -B -q -N -Dstyle.color=never dependency:copy \
      "-Dartifact=org.wiremock:wiremock-standalone:$version" "-DoutputDirectory=$dir/lib"
    jar="$dir/lib/wiremock-standalone-$version.jar"
  fi
  # A port nobody listens on (ports in /proc/net/tcp* are hex).
  listening="$(awk 'NR > 1 && $4 == "0A" { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null || true)"
  for _ in $(seq 50); do
    candidate=$((20000 + RANDOM % 40000))
    if ! grep -qx "$(printf '%04X' "$candidate")" <<<"$listening"; then port="$candidate"; break; fi
  done
  [[ -n "$port" ]] || die_loudly "found no free TCP port for WireMock"
  STAND_IN_URL="http://127.0.0.1:$port"
  java -XX:TieredStopAtLevel=1 -jar "$jar" --bind-address 127.0.0.1 --port "$port" \
    --root-dir "$root" --disable-banner >"$dir/wiremock.log" 2>&1 &
  STAND_IN_PID=$!
  for i in $(seq 120); do
    if curl -fsS "$STAND_IN_URL/__admin/health" >/dev/null 2>&1; then break; fi
    kill -0 "$STAND_IN_PID" 2>/dev/null || die_loudly "WireMock exited at start:" "$(tail -20 "$dir/wiremock.log")"
    (( i < 120 )) || die_loudly "WireMock did not answer on $STAND_IN_URL within 60 s:" "$(tail -20 "$dir/wiremock.log")"
    sleep 0.5
  done
  log "Ollama stand-in (WireMock $version) on $STAND_IN_URL"
}

stop_ollama_stand_in() {
  if [[ -n "$STAND_IN_PID" ]]; then
    kill "$STAND_IN_PID" 2>/dev/null || true
    wait "$STAND_IN_PID" 2>/dev/null || true
    STAND_IN_PID=""
  fi
  return 0
}
