#!/usr/bin/env bash
# Builds the media and loadtest modules (compile only: nothing is installed into ~/.m2) and runs the JMH
# hot-path benchmarks with settings for a small (2-core) machine: one fork per parameter combination,
# 3 x 1 s warm-up, 5 x 1 s measurement, one thread. Prints a short table; the JMH JSON is kept.
#
#   loadtest/bench.sh                 # everything (about 15 minutes on 2 cores)
#   loadtest/bench.sh srtp|relay|stun|parse|udp|gc|quick
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
  udp)   ARGS=(UdpSendBenchmark) ;;
  gc)    ARGS=(RelayBenchmark -p flushEvery=16 -prof gc) ;;
  quick) ARGS=('SrtpBenchmark.protect$' -p payloadBytes=1200 StunBenchmark PacketParsingBenchmark
               RelayBenchmark -p subscribers=1,7 -p flushEvery=16 -wi 2 -i 3) ;;
  all)   ARGS=(SrtpBenchmark StunBenchmark PacketParsingBenchmark RelayBenchmark) ;;
  --)    ARGS=() ;;
  *)     echo "usage: $0 [srtp|relay|stun|parse|udp|gc|quick|all] [-- JMH args]" >&2; exit 2 ;;
esac
[[ "${1:-}" == "--" ]] && shift
stamp="$(date +%Y%m%d-%H%M%S)-$what-java${version}"
"$JAVA" -cp "$CP" org.openjdk.jmh.Main "${ARGS[@]}" "$@" "${PREPEND[@]}" -rf json -rff "$OUT/$stamp.json" \
  > "$OUT/$stamp.log" 2>&1 || { tail -40 "$OUT/$stamp.log"; exit 1; }
grep -E '^\[(relay|udp-send)' "$OUT/$stamp.log" || true

python3 - "$OUT/$stamp.json" "$OUT/$stamp.log" <<'PY'
import json, re, statistics, sys
rows = json.load(open(sys.argv[1]))
# The relay benchmark prints the event-loop thread's own allocation per measurement iteration
# (-prof gc counts every thread, the loopback receiver's too); keep the median per run.
# CPU ns per op of the loop thread likewise (user + system), steadier than wall time on a shared machine.
loop_bytes, loop_cpu, current, cpu = [], [], None, None
for line in open(sys.argv[2]):
    if line.startswith("# Benchmark:"):
        current, cpu = [], []; loop_bytes.append(current); loop_cpu.append(cpu)
    m = re.match(r"Iteration\s+\d+:.*loop thread: ([\d.]+) B per ingress packet, ([\d.]+) ns CPU", line)
    if m and current is not None:
        current.append(float(m.group(1))); cpu.append(float(m.group(2)))
print(f"\n{'benchmark':<34} {'parameters':<66} {'ns/op':>9} {'±':>8} {'B/op':>6} {'loopB/op':>8} {'loopCPUns/op':>12}")
for i, r in enumerate(rows):
    name = r["benchmark"].split(".")[-2] + "." + r["benchmark"].split(".")[-1]
    params = " ".join(f"{k}={v}" for k, v in (r.get("params") or {}).items())
    m = r["primaryMetric"]
    alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
    err = m.get("scoreError")
    err = "" if err is None or err != err else f"{err:.0f}"
    lb = loop_bytes[i] if i < len(loop_bytes) and loop_bytes[i] else None
    lb = "" if lb is None else f"{statistics.median(lb):.0f}"
    lc = loop_cpu[i] if i < len(loop_cpu) and loop_cpu[i] else None
    lc = "" if lc is None else f"{statistics.median(lc):.0f}"
    params = params.replace("packetBytes=1200 ", "").replace("profile=AEAD_AES_128_GCM ", "GCM ").replace("provider=", "")
    print(f"{name:<34} {params:<66} {m['score']:>9.0f} {err:>8} {'' if alloc is None else f'{alloc:.0f}':>6} {lb:>8} {lc:>12}")
print(f"\nJSON: {sys.argv[1]}")
PY
