#!/usr/bin/env bash
# Benchmarks of the large-cohort targets, end to end through the release binary, on synthetic
# cohorts from examples/synth.rs. Timings by hyperfine (Debian: apt-get install hyperfine), peak
# memory by GNU time (/usr/bin/time -v). Not run by CI: speed targets live here, not in tests.
#
#   bash examples/bench.sh            # everything (a few minutes)
#   bash examples/bench.sh import     # one part: import | match | schedule | notify
set -euo pipefail
cd "$(dirname "$0")/.."
part="${1:-all}"
cargo build --quiet --release --bin revmentor --example synth --example match_quality
bin="$PWD/target/release/revmentor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export REVMENTOR_TODAY=2020-01-06 REVMENTOR_ROOT="$work/cohorts"
why="Why would you like to be a reverse mentor?"

peak() { /usr/bin/time -f "  peak memory: %M KB, wall %e s" "$@" >/dev/null; }

cohort_with() { # NAME MENTEES MENTORS END: a cohort enrolled from synthetic exports, briefing not required
  local name=$1 mentees=$2 mentors=$3 end=$4
  target/release/examples/synth --mentees "$mentees" --mentors "$mentors" --out "$work/$name" 2>/dev/null
  "$bin" init "$name" --start 2020-01-13 --end "$end" >/dev/null
  "$bin" enrol "$name" --from "$work/$name/mentees.csv" --role mentee --format csv >/dev/null
  "$bin" enrol "$name" --from "$work/$name/mentors.csv" --role mentor --ignore-column "$why" --format csv >/dev/null
  sed -i 's/^require_briefing = true/require_briefing = false/' "$REVMENTOR_ROOT/$name/cohort.toml"
}

if [ "$part" = all ] || [ "$part" = import ]; then
  echo "== import of a 50,000-row form export (target < 1 s, < 200 MB), status on it (target < 100 ms)"
  target/release/examples/synth --mentees 0 --mentors 50000 --out "$work/s50k" 2>/dev/null
  hyperfine --warmup 1 --runs 5 \
    --prepare "rm -rf $REVMENTOR_ROOT/big && $bin init big --start 2020-01-13 --end 2020-12-31" \
    "$bin enrol big --from $work/s50k/mentors.csv --role mentor --ignore-column '$why' --format csv"
  peak "$bin" enrol big --from "$work/s50k/mentors.csv" --role mentor --ignore-column "$why" --update --dry-run
  hyperfine --warmup 2 --runs 20 "$bin status big"
  peak "$bin" status big
fi

if [ "$part" = all ] || [ "$part" = match ]; then
  for n in 2000 5000; do
    echo "== match --dry-run, $n mentees x $n mentors (targets: 2,000 < 0.5 s; 5,000 < 5 s and < 500 MB)"
    cohort_with "m$n" "$n" "$n" 2020-12-31
    hyperfine --warmup 1 --runs 5 "$bin match m$n --dry-run --format json"
    peak "$bin" match "m$n" --dry-run --format json
    target/release/examples/match_quality "$REVMENTOR_ROOT" "m$n"
  done
fi

if [ "$part" = all ] || [ "$part" = schedule ]; then
  echo "== schedule 5,000 confirmed pairs over a 12-month cohort (target < 0.5 s), due on it (< 100 ms)"
  cohort_with s5000 5000 5200 2021-01-12
  "$bin" match s5000 --format json >/dev/null
  "$bin" match s5000 --confirm --yes >/dev/null
  hyperfine --warmup 1 --runs 10 "$bin schedule s5000 --format csv"
  peak "$bin" schedule s5000 --format csv
  hyperfine --warmup 2 --runs 20 "$bin due s5000 --format json"
fi

if [ "$part" = all ] || [ "$part" = notify ]; then
  echo "== notify: 5,000 introductions written as drafts, each with its invitation (target < 1 s)"
  cohort_with n5000 5000 5200 2021-01-12
  sed -i 's/^sender = ""/sender = "Reverse mentoring <rm@bench.example>"/' "$REVMENTOR_ROOT/n5000/cohort.toml"
  "$bin" match n5000 --format json >/dev/null
  "$bin" match n5000 --confirm --yes >/dev/null
  "$bin" schedule n5000 --format csv >/dev/null
  cp "$REVMENTOR_ROOT/n5000/messages.csv" "$work/messages.empty"
  # Each run starts from an empty log (else nothing is due: never twice) and an empty folder.
  hyperfine --warmup 1 --runs 10 \
    --prepare "cp $work/messages.empty $REVMENTOR_ROOT/n5000/messages.csv && rm -rf $work/drafts" \
    "$bin notify n5000 introduction --drafts $work/drafts --format csv"
  # The same into a folder in memory (where there is one): the tool's own cost, without the disk's
  # cost of creating 5,000 files.
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    shm="$(mktemp -d /dev/shm/revmentor-bench.XXXXXX)"
    hyperfine --warmup 1 --runs 10 \
      --prepare "cp $work/messages.empty $REVMENTOR_ROOT/n5000/messages.csv && rm -rf $shm/drafts" \
      "$bin notify n5000 introduction --drafts $shm/drafts --format csv"
    rm -rf "$shm"
  fi
  cp "$work/messages.empty" "$REVMENTOR_ROOT/n5000/messages.csv"
  rm -rf "$work/drafts"
  peak "$bin" notify n5000 introduction --drafts "$work/drafts" --format csv
  echo "  drafts written: $(find "$work/drafts" -name '*.eml' | wc -l)"
fi
