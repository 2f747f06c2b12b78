#!/usr/bin/env bash
# Build the example cohort `pilot-2020` from the fictional spreadsheets in examples/pilot/, through
# the CLI only, with "today" pinned at each step so the files come out the same on every run.
#
#   bash examples/pilot.sh            # writes cohorts/pilot-2020 (the copy committed in the repo)
#
# REVMENTOR_ROOT chooses another folder; REVMENTOR chooses the binary (default: cargo run).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
export REVMENTOR_ROOT="${REVMENTOR_ROOT:-cohorts}"
if [ -n "${REVMENTOR:-}" ]; then
  rv() { "$REVMENTOR" "$@"; }
else
  cargo build --quiet --release
  rv() { target/release/revmentor "$@"; }
fi
data="$here/pilot"
cohort=pilot-2020
rm -rf "${REVMENTOR_ROOT:?}/$cohort"

# Autumn 2019: the coordinator sets up the cohort and enrols applicants and the eleven leaders.
export REVMENTOR_TODAY=2019-11-18
rv init "$cohort" --start 2020-01-13 --end 2020-07-31 --title "Reverse Mentoring pilot 2020"
rv enrol "$cohort" --from "$data/mentor-applications.csv" --role mentor \
  --ignore-column "Why would you like to be a reverse mentor?"
rv enrol "$cohort" --from "$data/senior-leaders.csv" --role mentee

# December: half-day briefing for mentors, a shorter one for leaders; a catch-up session in January.
export REVMENTOR_TODAY=2019-12-02
rv brief "$cohort" add --date 2019-12-02 --audience mentors --hours 3.5 --title "Reverse mentor briefing"
rv brief "$cohort" attend b1 a.okafor@northgate.example p.chandrasekar@northgate.example \
  t.brennan@northgate.example w.lin@northgate.example j.mensah@northgate.example \
  s.haddad@northgate.example k.asante@northgate.example r.ellis@northgate.example \
  d.kowalczyk@northgate.example m.begum@northgate.example e.walker@northgate.example
export REVMENTOR_TODAY=2019-12-09
rv brief "$cohort" add --date 2019-12-09 --audience mentees --hours 1.5 --title "Briefing for senior leaders"
rv brief "$cohort" attend b2 p015 p016 p017 p018 p019 p020 p022 p023 p024 p025
export REVMENTOR_TODAY=2020-01-08
rv brief "$cohort" add --date 2020-01-08 --audience all --hours 2 --title "Catch-up briefing"
rv brief "$cohort" attend b3 l.campbell@northgate.example s.lindqvist@northgate.example
rv brief "$cohort"

# January: propose the optimal pairing, then confirm it.
export REVMENTOR_TODAY=2020-01-10
rv match "$cohort"
export REVMENTOR_TODAY=2020-01-13
rv match "$cohort" --confirm --yes

rv status "$cohort"

# Evaluation: the baseline survey a week into the cohort and the final one at its end (form exports,
# Likert labels, a quote and the consent to use it), then the summary the board reads, written next
# to the cohort's files so the example shows it.
export REVMENTOR_TODAY=2020-01-20
rv survey "$cohort" import "$data/survey-baseline.csv" --phase baseline
export REVMENTOR_TODAY=2020-07-24
rv survey "$cohort" import "$data/survey-final.csv" --phase final
rv export "$cohort" --format md --out "$REVMENTOR_ROOT/$cohort/summary.md"
rv export "$cohort" --format html --out "$REVMENTOR_ROOT/$cohort/summary.html"
