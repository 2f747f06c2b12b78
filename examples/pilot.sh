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

# The coordinator adds the 2020 bank holidays to cohort.toml by hand: no one-to-one falls on them.
cat >> "$REVMENTOR_ROOT/$cohort/cohort.toml" <<'TOML'

[[calendar.closure]]
from = 2020-04-10
to = 2020-04-13
reason = "Easter bank holidays"

[[calendar.closure]]
from = 2020-05-08
to = 2020-05-08
reason = "Early May bank holiday"

[[calendar.closure]]
from = 2020-05-25
to = 2020-05-25
reason = "Spring bank holiday"
TOML

# Plan every pair's one-to-ones: the first within two weeks, then every 6-8 weeks.
rv schedule "$cohort" >/dev/null

# January: first one-to-ones. One leader cancels and meets a few days later; one pair never meets.
export REVMENTOR_TODAY=2020-01-28
rv log "$cohort" r.hale@northgate.example --held 2020-01-20 --minutes 60 --topics experiences-and-perspectives,power-and-hierarchies
rv log "$cohort" h.marsh@northgate.example --held 2020-01-21 --minutes 55 --topics experiences-and-perspectives
rv log "$cohort" d.pemberton@northgate.example --cancelled 2020-01-17 --reason "diary clash"
rv log "$cohort" a.whitcombe@northgate.example --held 2020-01-22 --minutes 45 --topics organisational-culture
rv log "$cohort" s.rao@northgate.example --held 2020-01-23 --minutes 60 --topics lgbtq-and-disability,experiences-and-perspectives
rv log "$cohort" g.foulkes@northgate.example --held 2020-01-24 --minutes 50 --topics sexism-and-racism
rv log "$cohort" s.lindqvist@northgate.example --held 2020-01-22 --minutes 40 --topics experiences-and-perspectives
rv log "$cohort" c.doyle@northgate.example --held 2020-01-27 --minutes 60 --topics sexism-and-racism,organisational-culture
rv log "$cohort" m.adeyemi@northgate.example --held 2020-01-23 --minutes 60 --topics lgbtq-and-disability
rv log "$cohort" a.kellett@northgate.example --held 2020-01-27 --minutes 30 --topics power-and-hierarchies
export REVMENTOR_TODAY=2020-02-03
rv log "$cohort" d.pemberton@northgate.example --held 2020-01-31 --minutes 60 --topics experiences-and-perspectives

# March: second one-to-ones; two are cancelled, one of them never made up.
export REVMENTOR_TODAY=2020-03-20
rv log "$cohort" r.hale@northgate.example --held 2020-03-09 --minutes 60 --topics sexism-and-racism,organisational-culture
rv log "$cohort" h.marsh@northgate.example --held 2020-03-10 --minutes 60 --topics power-and-hierarchies
rv log "$cohort" a.whitcombe@northgate.example --held 2020-03-11 --minutes 50 --topics experiences-and-perspectives
rv log "$cohort" s.rao@northgate.example --cancelled 2020-03-12 --reason "industrial action"
rv log "$cohort" g.foulkes@northgate.example --held 2020-03-13 --minutes 45 --topics organisational-culture
rv log "$cohort" s.lindqvist@northgate.example --cancelled 2020-03-16 --reason "illness"
rv log "$cohort" c.doyle@northgate.example --held 2020-03-17 --minutes 60 --topics lgbtq-and-disability
rv log "$cohort" m.adeyemi@northgate.example --held 2020-03-18 --minutes 60 --topics power-and-hierarchies,organisational-culture
rv log "$cohort" a.kellett@northgate.example --held 2020-03-19 --minutes 40 --topics experiences-and-perspectives
rv log "$cohort" d.pemberton@northgate.example --held 2020-03-20 --minutes 60 --topics sexism-and-racism
export REVMENTOR_TODAY=2020-03-27
rv log "$cohort" s.rao@northgate.example --held 2020-03-26 --minutes 60 --topics sexism-and-racism

# Late April and May: third one-to-ones, now by video call, after the Black Lives Matter protests' start.
export REVMENTOR_TODAY=2020-05-18
rv log "$cohort" r.hale@northgate.example --held 2020-04-27 --minutes 60 --topics power-and-hierarchies
rv log "$cohort" h.marsh@northgate.example --held 2020-04-28 --minutes 50 --topics organisational-culture
rv log "$cohort" a.whitcombe@northgate.example --held 2020-04-29 --minutes 60 --topics lgbtq-and-disability
rv log "$cohort" g.foulkes@northgate.example --held 2020-05-01 --minutes 55 --topics experiences-and-perspectives
rv log "$cohort" c.doyle@northgate.example --held 2020-05-05 --minutes 60 --topics power-and-hierarchies
rv log "$cohort" d.pemberton@northgate.example --held 2020-05-06 --minutes 45 --topics organisational-culture
rv log "$cohort" m.adeyemi@northgate.example --held 2020-05-06 --minutes 60 --topics experiences-and-perspectives
rv log "$cohort" a.kellett@northgate.example --held 2020-05-07 --minutes 40 --topics sexism-and-racism
rv log "$cohort" s.rao@northgate.example --held 2020-05-13 --minutes 60 --topics power-and-hierarchies

# 20 May: what is due in the next fortnight, which pairs have lapsed, and the calendar to send out.
export REVMENTOR_TODAY=2020-05-20
rv due "$cohort"
rv schedule "$cohort" --ics "$REVMENTOR_ROOT/$cohort/one-to-ones.ics"

# June: fourth one-to-ones for the pairs still meeting.
export REVMENTOR_TODAY=2020-07-03
rv log "$cohort" r.hale@northgate.example --held 2020-06-15 --minutes 60 --topics black-lives-matter,sexism-and-racism
rv log "$cohort" h.marsh@northgate.example --held 2020-06-16 --minutes 60 --topics black-lives-matter
rv log "$cohort" a.whitcombe@northgate.example --held 2020-06-17 --minutes 45 --topics black-lives-matter,organisational-culture
rv log "$cohort" g.foulkes@northgate.example --held 2020-06-18 --minutes 60 --topics black-lives-matter
rv log "$cohort" c.doyle@northgate.example --held 2020-06-23 --minutes 60 --topics experiences-and-perspectives
rv log "$cohort" d.pemberton@northgate.example --cancelled 2020-06-22 --reason "board meeting moved"
rv log "$cohort" m.adeyemi@northgate.example --held 2020-06-25 --minutes 60 --topics black-lives-matter,power-and-hierarchies
rv log "$cohort" a.kellett@northgate.example --held 2020-06-26 --minutes 45 --topics organisational-culture
rv log "$cohort" s.rao@northgate.example --held 2020-07-01 --minutes 60 --topics black-lives-matter,lgbtq-and-disability

# July: the group evaluation and learning session (it never gates matching).
export REVMENTOR_TODAY=2020-07-15
rv brief "$cohort" add --kind evaluation --date 2020-07-15 --audience all --hours 2 \
  --title "Group evaluation and learning session"
rv brief "$cohort" attend b4 p001 p002 p003 p004 p006 p009 p010 p011 p014 \
  p015 p016 p018 p019 p020 p022 p023 p025

# Evaluation: the baseline survey a week into the cohort and the final one at its end (form exports,
# Likert labels, a quote and the consent to use it), then the summary the board reads, written next
# to the cohort's files so the example shows it.
export REVMENTOR_TODAY=2020-01-20
rv survey "$cohort" import "$data/survey-baseline.csv" --phase baseline
export REVMENTOR_TODAY=2020-07-24
rv survey "$cohort" import "$data/survey-final.csv" --phase final
# The coordinator reads each consented quote with its automatic redactions marked, and approves
# the ones to publish: only approved quotes reach the summary.
rv survey "$cohort" quotes
rv survey "$cohort" quotes --approve p006-baseline --approve p001-baseline --approve p017-baseline \
  --approve p006-final --approve p001-final --approve p002-final --approve p022-final \
  --approve p017-final --approve p015-final --reject p011-final
rv export "$cohort" --format md --out "$REVMENTOR_ROOT/$cohort/summary.md"
rv export "$cohort" --format html --out "$REVMENTOR_ROOT/$cohort/summary.html"

# Where the cohort stands at the end: its dashboard and next steps.
rv status "$cohort"
