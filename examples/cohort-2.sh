#!/usr/bin/env bash
# Build the example cohort `cohort-2021`, the scheme's second year, on top of the pilot: its
# settings come from `pilot-2020` (`init --like`), four of the pilot's mentors and two of its
# leaders come back (`enrol --from-cohort`), and new applicants and leaders come from the fictional
# spreadsheets in examples/cohort-2/. Through the CLI only, with "today" pinned at each step so the
# files come out the same on every run. It reads the pilot and never changes it.
#
#   bash examples/pilot.sh            # the pilot first (it is committed in the repo)
#   bash examples/cohort-2.sh         # writes cohorts/cohort-2021 (the copy committed in the repo)
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
data="$here/cohort-2"
pilot=pilot-2020
cohort=cohort-2021
if [ ! -f "$REVMENTOR_ROOT/$pilot/cohort.toml" ]; then
  echo "error: $REVMENTOR_ROOT/$pilot is missing: run examples/pilot.sh first" >&2
  exit 1
fi
rm -rf "${REVMENTOR_ROOT:?}/$cohort"
# Drafts go to a folder of their own beside the cohorts (never inside one), removed at the end;
# messages.csv in the cohort logs each message (never its body).
drafts="$REVMENTOR_ROOT/.cohort-2021-drafts"  # the same path on every run, so the register is too
rm -rf "$drafts"
trap 'rm -rf "$drafts"' EXIT
notify() { rv notify "$cohort" "$@" --drafts "$drafts" >/dev/null; }

# Autumn 2020: the second cohort starts from the pilot's settings (cadence, weights, questions,
# privacy, messages), with its own dates and title; no person is copied.
export REVMENTOR_TODAY=2020-11-16
rv init "$cohort" --like "$pilot" --start 2021-01-11 --end 2021-07-30 \
  --title "Reverse Mentoring cohort 2021"
# This year's survey links, and the 2021 bank holidays (the pilot's are past, so none was copied).
sed -i -e 's|rm-2020-baseline|rm-2021-baseline|' -e 's|rm-2020-final|rm-2021-final|' \
  "$REVMENTOR_ROOT/$cohort/cohort.toml"
cat >> "$REVMENTOR_ROOT/$cohort/cohort.toml" <<'TOML'

[[calendar.closure]]
from = 2021-04-02
to = 2021-04-05
reason = "Easter bank holidays"

[[calendar.closure]]
from = 2021-05-03
to = 2021-05-03
reason = "Early May bank holiday"

[[calendar.closure]]
from = 2021-05-31
to = 2021-05-31
reason = "Spring bank holiday"
TOML

# Four of the pilot's mentors agree to mentor again, and two of its leaders to take part again:
# their details and self-declared characteristics come with them (new ids, linked by email).
rv enrol "$cohort" --from-cohort "$pilot" --role mentor --dry-run   # who could come back
rv enrol "$cohort" --from-cohort "$pilot" --role mentor \
  --who p.chandrasekar@northgate.example --who t.brennan@northgate.example \
  --who s.haddad@northgate.example --who m.begum@northgate.example
rv enrol "$cohort" --from-cohort "$pilot" --role mentee \
  --who r.hale@northgate.example --who a.whitcombe@northgate.example
# This year's applications form and the new leaders.
rv enrol "$cohort" --from "$data/mentor-applications.csv" --role mentor \
  --ignore-column "Why would you like to be a reverse mentor?"
rv enrol "$cohort" --from "$data/senior-leaders.csv" --role mentee
notify application        # "we have received your application" (and one kind "not this time")

# December: a mentor briefing (the returning mentors come to it too), one for leaders, and a
# catch-up in January.
export REVMENTOR_TODAY=2020-12-07
rv brief "$cohort" add --date 2020-12-07 --audience mentors --hours 3.5 --title "Reverse mentor briefing"
notify briefing
rv brief "$cohort" attend b1 p.chandrasekar@northgate.example t.brennan@northgate.example \
  s.haddad@northgate.example m.begum@northgate.example n.rahman@northgate.example \
  j.osei@northgate.example c.martin@northgate.example r.patel@northgate.example \
  f.yusuf@northgate.example o.price@northgate.example g.mwangi@northgate.example \
  m.tanaka@northgate.example
export REVMENTOR_TODAY=2020-12-14
rv brief "$cohort" add --date 2020-12-14 --audience mentees --hours 1.5 --title "Briefing for senior leaders"
notify briefing
rv brief "$cohort" attend b2 r.hale@northgate.example a.whitcombe@northgate.example \
  l.barker@northgate.example c.lyle@northgate.example n.fairfax@northgate.example \
  p.grant@northgate.example m.rhodes@northgate.example a.blake@northgate.example \
  s.whitley@northgate.example e.carr@northgate.example p.lamb@northgate.example
export REVMENTOR_TODAY=2021-01-06
rv brief "$cohort" add --date 2021-01-06 --audience all --hours 2 --title "Catch-up briefing"
notify briefing
rv brief "$cohort" attend b3 l.nguyen@northgate.example s.taylor@northgate.example \
  j.reeve@northgate.example
rv brief "$cohort"

# January: propose the optimal pairing. Nobody is paired again with their partner from the pilot:
# asked why not, the proposal names the rule for Richard Hale and his pilot mentor.
export REVMENTOR_TODAY=2021-01-08
rv match "$cohort"
rv match "$cohort" --explain r.hale@northgate.example
notify application        # places confirmed: "accepted"
export REVMENTOR_TODAY=2021-01-11
rv match "$cohort" --confirm --yes

rv schedule "$cohort" >/dev/null
notify introduction
notify survey --phase baseline
notify reminder

# The baseline survey in the cohort's first fortnight (a form export, Likert labels, a quote and
# the consent to use it).
export REVMENTOR_TODAY=2021-01-22
rv survey "$cohort" import "$data/survey-baseline.csv" --phase baseline

# January: the first one-to-ones, reported by the participants through the form; one leader
# cancels (a diary clash), and the replacement is planned within ten working days.
export REVMENTOR_TODAY=2021-01-29
rv log "$cohort" --from "$data/checkins-january.csv" >/dev/null
export REVMENTOR_TODAY=2021-02-02
rv log "$cohort" p.lamb@northgate.example --held 2021-02-01 --minutes 60 --topics power-and-hierarchies

# March: reminders before the second one-to-ones, then the form's export. One pair's reports
# disagree on the date and the coordinator settles it with `log`; one meeting is cancelled
# (illness) and made up; one pair does not meet.
export REVMENTOR_TODAY=2021-02-22
notify reminder
export REVMENTOR_TODAY=2021-03-19
rv log "$cohort" --from "$data/checkins-march.csv" >/dev/null
rv log "$cohort" p.grant@northgate.example --held 2021-03-04 --minutes 60 \
  --topics sexism-and-racism --topics power-and-hierarchies

# 22 March: the pair that missed its second one-to-one is chased, and its missed meeting moved
# to the next working days. By the 26th the cancelled one was made up, and the coordinator records
# it with the third one-to-one of the pair that started late.
export REVMENTOR_TODAY=2021-03-22
rv due "$cohort"
notify chaser
rv schedule "$cohort" --replan --pair j.reeve@northgate.example
notify reminder
export REVMENTOR_TODAY=2021-03-26
rv log "$cohort" n.fairfax@northgate.example --held 2021-03-23 --minutes 45 --topics organisational-culture
rv log "$cohort" m.begum@northgate.example --held 2021-03-22 --minutes 60 --topics experiences-and-perspectives

# April: a leader leaves the organisation; the pair ends and its planned meetings are cancelled.
export REVMENTOR_TODAY=2021-04-09
rv withdraw "$cohort" p.lamb@northgate.example --reason "left the organisation" --yes
export REVMENTOR_TODAY=2021-04-14
notify reminder

# Late April and May: third one-to-ones (the pair chased in March among them).
export REVMENTOR_TODAY=2021-05-14
rv log "$cohort" --from "$data/checkins-may.csv" >/dev/null

# 17 May: what is due, and the calendar for everyone's diaries (with the cancellations beside it).
export REVMENTOR_TODAY=2021-05-17
rv due "$cohort"
rv schedule "$cohort"
rv schedule "$cohort" --ics "$REVMENTOR_ROOT/$cohort/one-to-ones.ics"

# June: reminders, then the fourth one-to-ones; one is cancelled late (an emergency meeting) and
# replaced in July.
export REVMENTOR_TODAY=2021-06-02
notify reminder
export REVMENTOR_TODAY=2021-07-02
rv log "$cohort" --from "$data/checkins-june.csv" >/dev/null

# July: the group evaluation and learning session, announced with the final survey and a
# thank-you at the close.
rv brief "$cohort" add --kind evaluation --date 2021-07-14 --audience all --hours 2 \
  --title "Group evaluation and learning session"
notify briefing
notify survey
notify thanks
export REVMENTOR_TODAY=2021-07-14
rv brief "$cohort" attend b4 p001 p002 p003 p007 p008 p009 p010 p012 p014 p015 \
  p005 p006 p018 p019 p020 p021 p022 p024 p025
export REVMENTOR_TODAY=2021-07-19
notify reminder

# The close: the final survey, the last one-to-ones reported (two pairs meet on the last day, after
# this export), the quotes the coordinator approves, and the summary the board reads, written
# next to the cohort's files so the example shows it.
export REVMENTOR_TODAY=2021-07-23
rv survey "$cohort" import "$data/survey-final.csv" --phase final
export REVMENTOR_TODAY=2021-07-30
rv log "$cohort" --from "$data/checkins-july.csv" >/dev/null
rv survey "$cohort" quotes
rv survey "$cohort" quotes --approve p007-baseline --approve p014-baseline --approve p005-final \
  --approve p001-final --approve p010-final --approve p024-final --reject p018-final
rv export "$cohort" --format md --out "$REVMENTOR_ROOT/$cohort/summary.md"
rv export "$cohort" --format html --out "$REVMENTOR_ROOT/$cohort/summary.html"

# The programme across both cohorts, side by side, as the board sees it (it names no one, and is
# written beside this cohort's files so the example shows it); then where every cohort stands.
rv export --programme --format md --out "$REVMENTOR_ROOT/$cohort/programme.md"
rv status "$cohort"
rv status
