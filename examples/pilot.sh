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
# Messages are written as drafts (as a coordinator would, to send from their mail client) into a
# folder of their own; messages.csv in the cohort logs each one (never its body).
drafts="$REVMENTOR_ROOT/.pilot-drafts"  # beside the cohort, so the register names it the same way on every run
rm -rf "$drafts"
trap 'rm -rf "$drafts"' EXIT
notify() { rv notify "$cohort" "$@" --drafts "$drafts" >/dev/null; }

# Autumn 2019: the coordinator sets up the cohort and enrols applicants and the eleven leaders.
export REVMENTOR_TODAY=2019-11-18
rv init "$cohort" --start 2020-01-13 --end 2020-07-31 --title "Reverse Mentoring pilot 2020"
# The form let mentors type their gender: one wrote "female" where the others wrote "Woman". The
# coordinator makes them one answer, uncommenting the example line of cohort.toml (the file keeps
# what people wrote; `revmentor values` shows every spelling).
sed -i.bak 's/^# gender = /gender = /' "$REVMENTOR_ROOT/$cohort/cohort.toml"
rm -f "$REVMENTOR_ROOT/$cohort/cohort.toml.bak"
rv enrol "$cohort" --from "$data/mentor-applications.csv" --role mentor \
  --ignore-column "Why would you like to be a reverse mentor?"
rv enrol "$cohort" --from "$data/senior-leaders.csv" --role mentee

# Messages come from the scheme's address; a pair lapsing twice is escalated to the EDI lead.
sed -i -e 's|^sender = ""|sender = "Reverse Mentoring <reverse.mentoring@northgate.example>"|' \
  -e 's|^escalate_to = ""|escalate_to = "edi.lead@northgate.example"|' \
  -e 's|^baseline_survey_link = ""|baseline_survey_link = "https://forms.northgate.example/rm-2020-baseline"|' \
  -e 's|^final_survey_link = ""|final_survey_link = "https://forms.northgate.example/rm-2020-final"|' \
  "$REVMENTOR_ROOT/$cohort/cohort.toml"
notify application        # "we have received your application" (and one kind "not this time")

# December: half-day briefing for mentors, a shorter one for leaders; a catch-up session in January.
export REVMENTOR_TODAY=2019-12-02
rv brief "$cohort" add --date 2019-12-02 --audience mentors --hours 3.5 --title "Reverse mentor briefing"
notify briefing           # each mentor not yet briefed, with the session's invitation
rv brief "$cohort" attend b1 a.okafor@northgate.example p.chandrasekar@northgate.example \
  t.brennan@northgate.example w.lin@northgate.example j.mensah@northgate.example \
  s.haddad@northgate.example k.asante@northgate.example r.ellis@northgate.example \
  d.kowalczyk@northgate.example m.begum@northgate.example e.walker@northgate.example
export REVMENTOR_TODAY=2019-12-09
rv brief "$cohort" add --date 2019-12-09 --audience mentees --hours 1.5 --title "Briefing for senior leaders"
notify briefing
rv brief "$cohort" attend b2 p015 p016 p017 p018 p019 p020 p022 p023 p024 p025
export REVMENTOR_TODAY=2020-01-08
rv brief "$cohort" add --date 2020-01-08 --audience all --hours 2 --title "Catch-up briefing"
notify briefing
rv brief "$cohort" attend b3 l.campbell@northgate.example s.lindqvist@northgate.example
rv brief "$cohort"

# January: propose the optimal pairing, then confirm it.
export REVMENTOR_TODAY=2020-01-10
rv match "$cohort"
notify application        # places confirmed: "accepted"
export REVMENTOR_TODAY=2020-01-13
rv match "$cohort" --confirm --yes

# The coordinator edits cohort.toml by hand: their own address, which calendar invitations come
# from, and the 2020 bank holidays (no one-to-one falls on them).
sed -i.bak 's/^organizer = ""/organizer = "mentoring@northgate.example"/' "$REVMENTOR_ROOT/$cohort/cohort.toml"
rm -f "$REVMENTOR_ROOT/$cohort/cohort.toml.bak"
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

# Plan every pair's one-to-ones: the first within two weeks, then every 6-8 weeks. One leader's
# diary only has Monday afternoons: that pair's meetings keep to them on every re-plan.
rv schedule "$cohort" >/dev/null
rv schedule "$cohort" --pair r.hale@northgate.example --at "Mon 14:00" >/dev/null
notify introduction       # each pair: who the other is, the ground rules, the first one-to-one
notify survey --phase baseline
notify reminder           # one-to-ones in the next 7 days

# Participants report their own one-to-ones through a form (questions in the README); the
# coordinator imports the form's export now and then, instead of typing each meeting.
# January: both people of some pairs report the same meeting (it counts once); one leader reports
# a cancellation late, so the replacement comes within ten working days; one pair's reports
# disagree on the date, and the coordinator settles it with `log`; one pair never meets.
export REVMENTOR_TODAY=2020-01-28
rv log "$cohort" --from "$data/checkins-january.csv" >/dev/null
rv log "$cohort" a.kellett@northgate.example --held 2020-01-27 --minutes 30 --topics power-and-hierarchies
export REVMENTOR_TODAY=2020-02-03
rv log "$cohort" d.pemberton@northgate.example --held 2020-01-31 --minutes 60 --topics experiences-and-perspectives

# March: reminders before the second one-to-ones; chasers for the pair that never met.
export REVMENTOR_TODAY=2020-03-02
notify reminder
export REVMENTOR_TODAY=2020-03-11
notify chaser
# March: second one-to-ones; two are cancelled, one of them made up a fortnight later, the other
# (reported as held by the mentor, cancelled by the leader) settled as cancelled.
export REVMENTOR_TODAY=2020-03-20
rv log "$cohort" --from "$data/checkins-march.csv" >/dev/null
rv log "$cohort" s.lindqvist@northgate.example --cancelled 2020-03-16 --reason "illness"
export REVMENTOR_TODAY=2020-03-27
rv log "$cohort" s.rao@northgate.example --held 2020-03-26 --minutes 60 --topics sexism-and-racism

# April: reminders, and a second chaser (escalated) for each pair still lapsed.
export REVMENTOR_TODAY=2020-04-20
notify reminder
notify chaser

# Late April and May: third one-to-ones, now by video call.
export REVMENTOR_TODAY=2020-05-18
rv log "$cohort" --from "$data/checkins-may.csv" >/dev/null

# 20 May: what is due in the next fortnight, what was missed, and which pairs have lapsed; looking
# at the plan changes nothing. The pair that never met is re-planned from today, and the calendar
# goes out as invitations (with the cancellations beside them).
export REVMENTOR_TODAY=2020-05-20
rv due "$cohort"
rv schedule "$cohort"
rv schedule "$cohort" --replan --pair j.crane@northgate.example
rv schedule "$cohort" --ics "$REVMENTOR_ROOT/$cohort/one-to-ones.ics"

# June: reminders, chasers, then fourth one-to-ones for the pairs still meeting.
export REVMENTOR_TODAY=2020-06-08
notify reminder
notify chaser
export REVMENTOR_TODAY=2020-07-03
rv log "$cohort" --from "$data/checkins-june.csv" >/dev/null

# July: the group evaluation and learning session (it never gates matching), announced with the
# final survey and a thank-you at the close.
rv brief "$cohort" add --kind evaluation --date 2020-07-15 --audience all --hours 2 \
  --title "Group evaluation and learning session"
notify briefing           # everyone who took part, invited to the evaluation session
notify survey             # the final survey, in the cohort's last weeks
notify thanks
export REVMENTOR_TODAY=2020-07-15
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

# Where the cohort stands at the end: its dashboard and next steps, and how many messages of each
# kind its life took (a message to a pair counts once).
rv status "$cohort"
