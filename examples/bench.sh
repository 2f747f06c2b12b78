#!/usr/bin/env bash
# Benchmarks of the large-cohort targets, end to end through the release binary, on synthetic
# cohorts from examples/synth.rs. Timings by hyperfine (Debian: apt-get install hyperfine), peak
# memory by GNU time (/usr/bin/time -v). Not run by CI: speed targets live here, not in tests.
#
#   bash examples/bench.sh            # everything (a few minutes)
#   bash examples/bench.sh import     # one part: import | house | match | schedule | notify
set -euo pipefail
cd "$(dirname "$0")/.."
part="${1:-all}"
cargo build --quiet --release --bin revmentor --example synth --example match_quality --example csv_baseline \
  --example csv_to_xlsx
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

if [ "$part" = all ] || [ "$part" = house ]; then
  echo "== the 50,000-row import beside a bare read of the same file (target: within 3x), four kinds of file"
  [ -f "$work/s50k/mentors.csv" ] || target/release/examples/synth --mentees 0 --mentors 50000 --out "$work/s50k" 2>/dev/null
  target/release/examples/synth --mentees 0 --mentors 50000 --shape form --out "$work/s50k-form" 2>/dev/null
  # The pilot's export as Excel saves it: a byte-order mark, CRLF line ends, UK dates.
  python3 - "$work/s50k/mentors.csv" "$work/s50k/excel.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
with open(sys.argv[2], "w", newline="", encoding="utf-8-sig") as out:
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(rows[0])
    for r in rows[1:]:
        date, time = r[0].split(" ")
        y, m, d = date.split("/")
        w.writerow([f"{d}/{m}/{y} {time[:5]}"] + r[1:])
PY
  # The same export as the workbook Microsoft Forms gives (timestamps as date cells).
  target/release/examples/csv_to_xlsx "$work/s50k/mentors.csv" "$work/s50k/mentors.xlsx" 2>/dev/null
  for kind in "pilot-shaped CSV:$work/s50k/mentors.csv" "form-shaped CSV:$work/s50k-form/mentors.csv" \
    "CSV as Excel saves it:$work/s50k/excel.csv" "workbook (.xlsx):$work/s50k/mentors.xlsx"; do
    name="${kind%%:*}" file="${kind#*:}"
    echo "-- $name ($(du -k "$file" | cut -f1) KB)"
    hyperfine --warmup 1 --runs 5 \
      --prepare "rm -rf $REVMENTOR_ROOT/big && $bin init big --start 2020-01-13 --end 2020-12-31" \
      -n "revmentor enrol --from ($name)" \
      "$bin enrol big --from $file --role mentor --ignore-column '$why' --format csv" \
      -n "bare read of the same file" \
      "target/release/examples/csv_baseline $file"
    rm -rf "${REVMENTOR_ROOT:?}/big" && "$bin" init big --start 2020-01-13 --end 2020-12-31 >/dev/null
    peak "$bin" enrol big --from "$file" --role mentor --ignore-column "$why" --format csv
    cp "$REVMENTOR_ROOT/big/participants.csv" "$work/participants.$name"
  done
  # The pilot-shaped export in its three kinds of file enrols the same people, byte for byte.
  cmp "$work/participants.pilot-shaped CSV" "$work/participants.CSV as Excel saves it"
  cmp "$work/participants.pilot-shaped CSV" "$work/participants.workbook (.xlsx)"
  echo "  the same participants.csv from the pilot-shaped CSV, the CSV as Excel saves it and the workbook"

  echo "== a 20,000-row import with a conflicts column (each row names two others by email)"
  target/release/examples/synth --mentees 0 --mentors 20000 --out "$work/s20k" 2>/dev/null
  python3 - "$work/s20k/mentors.csv" "$work/s20k/conflicts.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
emails = [r[1].strip().lower() for r in rows[1:]]
with open(sys.argv[2], "w", newline="", encoding="utf-8") as out:
    w = csv.writer(out, lineterminator="\n")
    w.writerow(rows[0] + ["Conflicts"])
    for i, r in enumerate(rows[1:]):
        w.writerow(r + [emails[(i * 7 + 1) % len(emails)] + ";" + emails[(i * 13 + 5) % len(emails)]])
PY
  hyperfine --warmup 1 --runs 5 \
    --prepare "rm -rf $REVMENTOR_ROOT/c20 && $bin init c20 --start 2020-01-13 --end 2020-12-31" \
    -n "with a conflicts column" \
    "$bin enrol c20 --from $work/s20k/conflicts.csv --role mentor --ignore-column '$why' --format csv" \
    -n "without" \
    "$bin enrol c20 --from $work/s20k/mentors.csv --role mentor --ignore-column '$why' --format csv"

  echo "== a 5,000-pair / 50,000-person cohort: log (< 50 ms), status (< 50 ms), export --format html (< 100 ms), due"
  target/release/examples/synth --mentees 5000 --mentors 45000 --conflicts 0 --out "$work/h5" 2>/dev/null
  "$bin" init h5 --start 2020-01-13 --end 2020-12-31 >/dev/null
  sed -i 's/^require_briefing = true/require_briefing = false/' "$REVMENTOR_ROOT/h5/cohort.toml"
  "$bin" enrol h5 --from "$work/h5/mentees.csv" --role mentee --format csv >/dev/null
  "$bin" enrol h5 --from "$work/h5/mentors.csv" --role mentor --ignore-column "$why" --format csv >/dev/null
  # 5,000 confirmed pairs, each leader with a mentor from another department (the solver is
  # measured under `match`; this part measures everything around it).
  python3 - "$REVMENTOR_ROOT/h5" <<'PY'
import csv, sys
people = list(csv.DictReader(open(sys.argv[1] + "/participants.csv", newline="", encoding="utf-8")))
mentees = [p for p in people if p["role"] == "mentee" and p["status"] == "active"]
mentors = [p for p in people if p["role"] == "mentor" and p["status"] == "active"]
with open(sys.argv[1] + "/matches.csv", "w", newline="", encoding="utf-8") as out:
    out.write("mentee,mentor,score,reasons,status,proposed_on,confirmed_on,ended_on,end_reason\n")
    j = 0
    for e in mentees:
        while mentors[j]["department"] == e["department"]:
            j += 1
        out.write(f'{e["id"]},{mentors[j]["id"]},2.5,"differs in gender; other department",confirmed,2020-01-06,2020-01-06,,\n')
        j += 1
PY
  "$bin" schedule h5 --format csv >/dev/null
  first=$(sed -n 2p "$REVMENTOR_ROOT/h5/matches.csv" | cut -d, -f1)
  cp -r "$REVMENTOR_ROOT/h5" "$work/h5-copy"
  hyperfine --warmup 2 --runs 20 \
    --prepare "rm -rf $REVMENTOR_ROOT/h5 && cp -r $work/h5-copy $REVMENTOR_ROOT/h5" \
    -n "log (one meeting)" "REVMENTOR_TODAY=2020-01-20 $bin log h5 $first --held 2020-01-15"
  hyperfine --warmup 2 --runs 20 -n status "$bin status h5" -n "due" "$bin due h5 --format json" \
    -n "export --format html" "$bin export h5 --format html"
  peak "$bin" export h5 --format html

  echo "== the same cohort's summary with 10,000 final-survey answers, every consented quote approved"
  # Each person of each pair answers the final survey; three quotes in four name the partner, their
  # email or their department (what redaction takes out); one in fifty declines to be quoted.
  python3 - "$REVMENTOR_ROOT/h5" "$work/final.csv" <<'PY'
import csv, sys
cohort, out = sys.argv[1], sys.argv[2]
people = {p["id"]: p for p in csv.DictReader(open(cohort + "/participants.csv", newline="", encoding="utf-8"))}
pairs = [r for r in csv.DictReader(open(cohort + "/matches.csv", newline="", encoding="utf-8")) if r["status"] == "confirmed"]
questions = ["I feel confident talking about race and other challenging conversations",
             "I am aware of the experiences and perspectives of colleagues different from me",
             "I understand intersectionality and the complexity of sub-cultures and sub-communities",
             "I feel my voice is heard and valued by senior leaders",
             "I have insight into how senior leaders make decisions",
             "I feel empowered to contribute to change in the organisation"]
likert = ["Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
quotes = ["Working with {name} changed how I see {dept}.",
          "My partner ({email}) was generous with their time and honest about {dept}.",
          "I listen better now; {first} made me see what I had missed.",
          "The scheme gave me a voice I did not have before."]
n = 0
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["Timestamp", "Email address"] + questions +
               ["Anything you would like to share about the scheme?", "May we quote you anonymously?"])
    for pair in pairs:
        for me, other in [(pair["mentee"], pair["mentor"]), (pair["mentor"], pair["mentee"])]:
            p, o = people[me], people[other]
            answers = [likert[(n + k) % 4] for k in range(len(questions))]
            quote = quotes[n % 4].format(name=o["name"], first=o["name"].split(" ")[0],
                                         email=o["email"], dept=o["department"])
            w.writerow(["2020/12/20 09:00:00", p["email"]] + answers + [quote, "No" if n % 50 == 0 else "Yes"])
            n += 1
PY
  export REVMENTOR_TODAY=2020-12-31
  "$bin" survey h5 import "$work/final.csv" --phase final >/dev/null
  python3 - "$REVMENTOR_ROOT/h5/responses.csv" "$work/approve" <<'PY'
import csv, sys
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
        if r["phase"] == "final" and r["question"] == "quote" and r["consent"] == "yes":
            out.write(f"--approve\0{r['participant']}-final\0")
PY
  # Two arguments per quote: batches of an even number keep each pair together.
  xargs -0 -n 1000 -a "$work/approve" "$bin" survey h5 quotes >/dev/null
  echo "  quotes approved: $(grep -c ',final,quote,.*,approved,' "$REVMENTOR_ROOT/h5/responses.csv")"
  hyperfine --warmup 1 --runs 10 -n "export --format html (with the quotes)" "$bin export h5 --format html" \
    -n "survey quotes (the listing, every redaction marked)" "$bin survey h5 quotes"
  peak "$bin" export h5 --format html
  export REVMENTOR_TODAY=2020-01-06
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
  cp -r "$REVMENTOR_ROOT/s5000" "$work/s5000.unplanned"
  hyperfine --warmup 1 --runs 10 \
    --prepare "rm -rf $REVMENTOR_ROOT/s5000 && cp -r $work/s5000.unplanned $REVMENTOR_ROOT/s5000" \
    "$bin schedule s5000 --format csv"
  peak "$bin" schedule s5000 --format csv
  echo "== schedule again (nothing changed) and --replan --dry-run five months on"
  hyperfine --warmup 1 --runs 10 "$bin schedule s5000 --format csv"
  hyperfine --warmup 1 --runs 10 "REVMENTOR_TODAY=2020-06-01 $bin schedule s5000 --replan --dry-run --format csv"
  hyperfine --warmup 2 --runs 20 "$bin due s5000 --format json"
  echo "== log --from: 7,500 check-in reports (every pair's first meeting, half of them from both people)"
  awk -F, 'NR == FNR { if (FNR > 1) email[$1] = $4; next }
    FNR == 1 { print "Timestamp,Email address,Date of the meeting,Did the meeting take place?,How long did it last (minutes)?"; next }
    $3 == 1 { print "x," email[$1] "," $6 ",Yes,60"; if (n++ % 2 == 0) print "x," email[$2] "," $6 ",Yes,55" }' \
    "$REVMENTOR_ROOT/s5000/participants.csv" "$REVMENTOR_ROOT/s5000/meetings.csv" > "$work/checkins.csv"
  cp -r "$REVMENTOR_ROOT/s5000" "$work/s5000.planned"
  hyperfine --warmup 1 --runs 5 \
    --prepare "rm -rf $REVMENTOR_ROOT/s5000 && cp -r $work/s5000.planned $REVMENTOR_ROOT/s5000" \
    "REVMENTOR_TODAY=2020-03-02 $bin log s5000 --from $work/checkins.csv --format csv"
  REVMENTOR_TODAY=2020-03-02 peak "$bin" log s5000 --from "$work/checkins.csv" --format csv
  hyperfine --warmup 1 --runs 5 "REVMENTOR_TODAY=2020-03-02 $bin log s5000 --from $work/checkins.csv --format csv"
  echo "== schedule --ics: invitations for every planned meeting"
  sed -i 's/^organizer = ""/organizer = "bench@example.org"/' "$REVMENTOR_ROOT/s5000/cohort.toml"
  hyperfine --warmup 1 --runs 5 "$bin schedule s5000 --ics $work/all.ics --format csv"
  peak "$bin" schedule s5000 --ics "$work/all.ics" --format csv
  echo "  calendar: $(du -k "$work/all.ics" | cut -f1) KB"
  echo "== schedule --per-person: a calendar file for each participant, entered in the register"
  hyperfine --warmup 1 --runs 5 --prepare "rm -rf $work/people" \
    "$bin schedule s5000 --per-person $work/people --format csv"
  peak "$bin" schedule s5000 --per-person "$work/people" --format csv
  echo "  files written: $(find "$work/people" -name '*.ics' | wc -l)"
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
