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

rv status "$cohort"
