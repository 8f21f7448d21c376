#!/usr/bin/env bash
# Builds the media and loadtest modules (compile only: nothing is installed into ~/.m2) and runs the JMH
# hot-path benchmarks with settings for a small (2-core) machine: one fork per parameter combination,
# 3 x 1 s warm-up, 5 x 1 s measurement, one thread. Prints a short table; the JMH JSON is kept.
#
#   loadtest/bench.sh                 # everything (about 15 minutes on 2 cores)
#   loadtest/bench.sh srtp|relay|stun|parse|gc|quick
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 loadtest/bench.sh srtp     # another JDK
#   loadtest/bench.sh -- <JMH arguments>                                    # anything JMH takes
#
# "gc" runs the relay benchmark with -prof gc (B/op; the loop-thread figure is printed per iteration).
# Medians over repeated runs and ratios measured side by side mean more than one absolute figure here.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/java}"; JAVA="${JAVA:-java}"
OUT="${BENCH_OUT:-loadtest/target/bench}"
mkdir -p "$OUT"

if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
  mvn -B -o -q -pl loadtest -am compile -DskipTests
  mvn -B -o -q -pl loadtest dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
      -DexcludeGroupIds=se.vardmote >/dev/null
fi
CP="loadtest/target/classes:media/target/classes:$(cat loadtest/target/bench.classpath)"

# jitsi-srtp loads its OpenSSL glue through JNI: Java 22+ wants it allowed explicitly.
version=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F= '/java.specification.version/ {gsub(/ /,"",$2); print $2}')
PREPEND=()
if [[ "${version%%.*}" -ge 22 ]]; then PREPEND=(-jvmArgsPrepend --enable-native-access=ALL-UNNAMED); fi

what="${1:-all}"; [[ $# -gt 0 ]] && shift
case "$what" in
  srtp)  ARGS=(SrtpBenchmark) ;;
  relay) ARGS=(RelayBenchmark -p subscribers=1,3,7,15) ;;
  stun)  ARGS=(StunBenchmark) ;;
  parse) ARGS=(PacketParsingBenchmark) ;;
  gc)    ARGS=(RelayBenchmark -p flushEvery=16 -prof gc) ;;
  quick) ARGS=('SrtpBenchmark.protect$' -p payloadBytes=1200 StunBenchmark PacketParsingBenchmark
               RelayBenchmark -p subscribers=1,7 -p flushEvery=16 -wi 2 -i 3) ;;
  all)   ARGS=(SrtpBenchmark StunBenchmark PacketParsingBenchmark RelayBenchmark) ;;
  --)    ARGS=() ;;
  *)     echo "usage: $0 [srtp|relay|stun|parse|gc|quick|all] [-- JMH args]" >&2; exit 2 ;;
esac
[[ "${1:-}" == "--" ]] && shift
stamp="$(date +%Y%m%d-%H%M%S)-$what-java${version}"
"$JAVA" -cp "$CP" org.openjdk.jmh.Main "${ARGS[@]}" "$@" "${PREPEND[@]}" -rf json -rff "$OUT/$stamp.json" \
  | grep -E '^\[relay|loop thread' || true

python3 - "$OUT/$stamp.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
print(f"\n{'benchmark':<42} {'parameters':<58} {'ns/op':>10} {'±':>8} {'B/op':>8}")
for r in rows:
    name = r["benchmark"].split(".")[-2] + "." + r["benchmark"].split(".")[-1]
    params = " ".join(f"{k}={v}" for k, v in (r.get("params") or {}).items())
    m = r["primaryMetric"]
    alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
    err = m.get("scoreError")
    err = "" if err is None or err != err else f"{err:.0f}"
    print(f"{name:<42} {params:<58} {m['score']:>10.0f} {err:>8} {'' if alloc is None else f'{alloc:.0f}':>8}")
print(f"\nJSON: {sys.argv[1]}")
PY
