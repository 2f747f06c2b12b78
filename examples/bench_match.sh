#!/usr/bin/env bash
# Matching speed against reference solvers, measured side by side in one run.
#
# For each cohort family (form: 8 departments and five 4-10-answer characteristics from one form;
# pilot: synth.rs's default shape) at 2,000, 5,000 and 10,000 mentees and mentors, this script
# enrols a synthetic cohort, times `revmentor match NAME --dry-run --format json` end to end with
# hyperfine and its peak memory with GNU time, exports the score matrix the binary solves
# (examples/score_matrix.rs) and times scipy.optimize.linear_sum_assignment and lap.lapjv on that
# same matrix, solve only (costs -score, forbidden pairs priced above any score total, as the
# binary does). It checks all three reach the same number matched and total, and prints a table;
# ratio = ours end to end / the faster reference's solve. The binary prices on every core of large
# problems (the references use one), so the table gives its CPU time (user + system) beside its
# wall time. It also times `match NAME --explain WHO` for a mentee and a mentor (every lock of
# one person priced), end to end.
#
#   bash examples/bench_match.sh              # everything (10-20 minutes; 10,000^2 references are slow)
#   SIZES="2000 5000" bash examples/bench_match.sh
#   FAMILIES=form RUNS=10 bash examples/bench_match.sh
#   OBJECTIVE=total bash examples/bench_match.sh   # the matches-then-total optimum, no fair refinement
#   ROUNDS=5 FAMILIES=form SIZES=2000 bash examples/bench_match.sh   # ours and the references in turn, five times
#   VS=/tmp/old/revmentor ROUNDS=5 bash examples/bench_match.sh      # also another build, each round, beside ours
#
# With ROUNDS above 1, each round times ours and then the references (RUNS runs each), and the
# table gives the medians over the rounds and the median of the rounds' ratios; each round's ratio
# is printed under the table. On a machine whose speed drifts, a ratio is then taken from timings
# seconds apart, not minutes, and its spread shows how far one run can be trusted.
#
# With VS set to another build of revmentor (an earlier commit's `target/release/revmentor`),
# each round times it in the same hyperfine call as ours (first in odd rounds, second in even
# ones), on the same cohort, and each row is
# followed by ours / its median per round and their median: a change's effect, measured in one
# run beside the references.
#
# Needs python3 (with venv) and hyperfine (Debian: apt-get install hyperfine; installed here if
# missing and running as root). numpy, scipy and lap go into a virtualenv under target/. Not run by
# CI: speed targets live here, not in tests.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="${SIZES:-2000 5000 10000}"
FAMILIES="${FAMILIES:-form pilot}"
RUNS="${RUNS:-5}"
OBJECTIVE="${OBJECTIVE:-fair}"   # [matching] objective: fair (the default) or total
ROUNDS="${ROUNDS:-1}"            # ours then the references, in turn, this many times
VS="${VS:-}"                     # another build of revmentor to time beside ours, if set
if [ -n "$VS" ] && ! "$VS" --version >/dev/null 2>&1; then
  echo "VS=$VS is not a revmentor that runs: give the path of another build's target/release/revmentor" >&2
  exit 1
fi

if ! command -v hyperfine >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -qq hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
  else
    echo "hyperfine is needed (Debian: apt-get install hyperfine)" >&2
    exit 1
  fi
fi
venv="$PWD/target/bench-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import numpy, scipy, lap" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q numpy scipy lap
fi

cargo build --quiet --release --bin revmentor --example synth --example score_matrix
bin="$PWD/target/release/revmentor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export REVMENTOR_TODAY=2020-01-06 REVMENTOR_ROOT="$work/cohorts"
why="Why would you like to be a reverse mentor?"

cat >"$work/reference.py" <<'EOF'
"""Solve-only timings of scipy's linear_sum_assignment and lap.lapjv on an exported matrix."""
import json, sys, time
import numpy as np
from scipy.optimize import linear_sum_assignment
import lap

FORBIDDEN = -(2**31)
path, runs = sys.argv[1], int(sys.argv[2])
scores = np.load(path)
forbidden = scores == FORBIDDEN
allowed = np.where(forbidden, 0, scores).astype(np.int64)
# Above any score total, so the most mentees are matched first, as revmentor does.
penalty = float(1 + allowed.max(axis=1).sum())
cost = np.where(forbidden, penalty, -allowed.astype(np.float64))
square = cost.shape[0] == cost.shape[1]

def outcome(rows, cols):
    ok = ~forbidden[rows, cols]
    return int(ok.sum()), int(allowed[rows[ok], cols[ok]].sum())

def scipy_solve(c):
    return linear_sum_assignment(c)

def lapjv_solve(c):
    _, x, _ = lap.lapjv(c, extend_cost=not square)
    rows = np.arange(c.shape[0])
    keep = x >= 0
    return rows[keep], x[keep]

out = {}
for name, solve in (("scipy", scipy_solve), ("lapjv", lapjv_solve)):
    times = []
    for _ in range(runs):
        c = cost.copy()
        start = time.perf_counter()
        rows, cols = solve(c)
        times.append(time.perf_counter() - start)
    out[name] = {"median": float(np.median(times)), "outcome": outcome(rows, cols)}
print(json.dumps(out))
EOF

cohort_with() { # NAME SHAPE N
  local name=$1 shape=$2 n=$3
  target/release/examples/synth --mentees "$n" --mentors "$n" --shape "$shape" --out "$work/$name" 2>/dev/null
  "$bin" init "$name" --start 2020-01-13 --end 2020-12-31 >/dev/null
  "$bin" enrol "$name" --from "$work/$name/mentees.csv" --role mentee --format csv >/dev/null
  "$bin" enrol "$name" --from "$work/$name/mentors.csv" --role mentor --ignore-column "$why" --format csv >/dev/null
  sed -i 's/^require_briefing = true/require_briefing = false/' "$REVMENTOR_ROOT/$name/cohort.toml"
  sed -i "s/^objective = .*/objective = \"$OBJECTIVE\"/" "$REVMENTOR_ROOT/$name/cohort.toml"
}

rows=()
for n in $SIZES; do
  for shape in $FAMILIES; do
    name="$shape$n"
    echo "== $name: $n mentees x $n mentors ($shape)" >&2
    cohort_with "$name" "$shape" "$n"
    runs=$RUNS
    [ "$n" -ge 10000 ] && runs=$(( RUNS < 3 ? RUNS : 3 ))
    target/release/examples/score_matrix "$REVMENTOR_ROOT" "$name" "$work/$name.npy" >/dev/null
    ref_runs=$runs
    [ "$n" -ge 10000 ] && ref_runs=1
    # Each round: ours end to end, then the references' solve, one right after the other.
    rounds=()
    for ((round = 1; round <= ROUNDS; round++)); do
      # Beside VS, each takes the first place in every other round (hyperfine runs one command's
      # runs, then the next's).
      commands=("$bin match $name --dry-run --format json")
      [ -n "$VS" ] && commands+=("$VS match $name --dry-run --format json")
      first=0
      if [ -n "$VS" ] && (( round % 2 == 0 )); then
        commands=("${commands[1]}" "${commands[0]}")
        first=1
      fi
      hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/$name.json" "${commands[@]}" >&2
      ours=$(python3 -c "import json,sys; rs=json.load(open(sys.argv[1]))['results']; k=int(sys.argv[2]); o=rs[k]; print(o['median'], o['user'] + o['system'], rs[1 - k]['median'] if len(rs) > 1 else 0)" "$work/$name.json" "$first")
      ref=$("$venv/bin/python" "$work/reference.py" "$work/$name.npy" "$ref_runs")
      rounds+=("$(python3 -c "import json,sys; o, c, vs = map(float, sys.argv[1].split()); print(json.dumps({'ours': o, 'cpu': c, 'vs': vs, 'ref': json.loads(sys.argv[2])}))" "$ours" "$ref")")
    done
    rm -f "$work/$name.npy"
    # `match --explain` of a mentee (the first enrolled) and of a mentor (the first after them).
    hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/$name-explain.json" \
      "$bin match $name --explain p001 --format json" \
      "$bin match $name --explain p$((n + 1)) --format json" >&2
    explain=$(python3 -c "import json,sys; print(*(r['median'] for r in json.load(open(sys.argv[1]))['results']))" "$work/$name-explain.json")
    peak_kb=$(/usr/bin/time -f "%M" "$bin" match "$name" --dry-run --format json 2>&1 >"$work/$name.out" | tail -1)
    got=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['mentees_matched'], round(d['total_score']*100))" "$work/$name.out")
    rows+=("$(python3 - "$name" "$n" "$peak_kb" "$got" "$explain" "${rounds[@]}" <<'EOF'
import json, statistics, sys
name, n, peak, got, explain, *rounds = sys.argv[1:]
rounds = [json.loads(r) for r in rounds]
explain_mentee, explain_mentor = map(float, explain.split())
n = int(n)
matched, total = map(int, got.split())
ok = "yes"
for r in rounds:
    for k, v in r["ref"].items():
        if tuple(v["outcome"]) != (matched, total):
            ok = "NO"
            print(f"MISMATCH {name}: ours {(matched, total)}, {k} {tuple(v['outcome'])}", file=sys.stderr)
med = statistics.median
ours = med(r["ours"] for r in rounds)
cpu = med(r["cpu"] for r in rounds)
scipy = med(r["ref"]["scipy"]["median"] for r in rounds)
lapjv = med(r["ref"]["lapjv"]["median"] for r in rounds)
ratios = [r["ours"] / min(r["ref"]["scipy"]["median"], r["ref"]["lapjv"]["median"]) for r in rounds]
print(f"{name:<11} {n:>6}  {ours:8.3f}  {cpu:8.3f}  {scipy:8.3f}  {lapjv:8.3f}  {med(ratios):6.2f}  {int(peak) / 1024:8.0f}  {ok:<4}  {explain_mentee:8.3f}  {explain_mentor:8.3f}")
if len(rounds) > 1:
    print(f"{'':<11} {'':>6}  ratio by round: {', '.join(f'{x:.2f}' for x in ratios)}")
if all(r["vs"] > 0 for r in rounds):
    against = [r["ours"] / r["vs"] for r in rounds]
    print(f"{'':<11} {'':>6}  ours / VS: {med(against):.3f} (by round: {', '.join(f'{x:.3f}' for x in against)}; VS {med(r['vs'] for r in rounds):.3f} s)")
EOF
)")
  done
done

echo
echo "objective = \"$OBJECTIVE\"; times in seconds (medians; cpu: mean user + system of ours, which prices on every core); ratio = ours end to end / faster reference solve only (with ROUNDS above 1, the median of the rounds' ratios); explain: \`match --explain\` of a mentee and of a mentor, end to end"
printf "%-11s %6s  %8s  %8s  %8s  %8s  %6s  %8s  %-4s  %8s  %8s\n" cohort N ours cpu scipy lapjv ratio "peak MB" same "explain" "(mentor)"
printf "%s\n" "${rows[@]}"
