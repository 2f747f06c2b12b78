//! Synthetic cohort generator for `revmentor`.
//!
//! Writes a senior-leader (mentee) spreadsheet and a Google Forms export of
//! mentor applications, with exactly the header rows of
//! `examples/pilot/senior-leaders.csv` and `examples/pilot/mentor-applications.csv`,
//! at any size. Use it to load-test importing, eligibility checks and matching.
//!
//! ```text
//! cargo run --release --example synth -- --mentees N --mentors M \
//!     [--out DIR] [--seed S] [--conflicts PERCENT] [--shape pilot|form]
//! ```
//!
//! * `--mentees N`: number of senior leaders to write (required).
//! * `--mentors M`: number of mentor applications to write (required).
//! * `--out DIR`: output directory, created if missing (default `target/synth`).
//! * `--seed S`: unsigned 64-bit seed (default 2020). The same seed and sizes
//!   always give byte-identical files.
//! * `--conflicts PERCENT`: share of mentors whose line manager is one of the
//!   mentees, 0 to 100 (default 15).
//! * `--shape pilot|form`: what the characteristics look like (default
//!   `pilot`, described below). `form` is a cohort from one fixed form: eight
//!   departments and five characteristics with 4 to 10 answers each, "Prefer
//!   not to say" among them, the same answers for mentors and mentees, no
//!   free-text variants and no blanks.
//!
//! Options also accept the `--name=value` form. Bad arguments print the usage
//! and exit with status 2.
//!
//! Output: `DIR/mentees.csv` and `DIR/mentors.csv` (UTF-8, `\n` line ends,
//! RFC 4180 quoting, no BOM), then one summary line on stderr.
//!
//! What the data looks like:
//!
//! * All names are made up from short first- and last-name lists. Emails are
//!   `first.last.NNNN@northgate.example` and unique across both files. About 1%
//!   of mentors typed their own email with stray capitals or a leading or
//!   trailing space, as in the pilot export.
//! * About 60 departments with a skewed (Zipf-like) spread, shared by mentors
//!   and mentees, so some pairs share a department.
//! * Mentees form a hierarchy: a few top leaders with an empty line manager,
//!   everyone else reports to an earlier mentee (never a cycle).
//! * `--conflicts` percent of mentors have a mentee as line manager (exact
//!   email). The rest have a manager who is not in either file.
//! * Self-declared characteristics come from weighted categories with about
//!   5-8% "Prefer not to say" and some blanks. Mentor answers are free text, so
//!   there are variants such as "female" or "Straight".
//! * Eligibility answers are Yes / Yes / No for about 97% of mentors. The rest
//!   fail exactly one of them.
//! * Timestamps are in submission order over October and November 2019.
// A tool outside the library: it may print, touch files and convert freely.
#![allow(
    clippy::disallowed_methods,
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::too_many_lines,
    clippy::needless_pass_by_value
)]

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: synth --mentees N --mentors M [--out DIR] [--seed S] [--conflicts PERCENT]
             [--shape pilot|form]

  --mentees N          number of senior leaders (mentees) to write
  --mentors M          number of mentor applications to write
  --out DIR            output directory, created if missing [default: target/synth]
  --seed S             unsigned 64-bit seed [default: 2020]
  --conflicts PERCENT  percent of mentors whose line manager is a mentee, 0-100 [default: 15]
  --shape SHAPE        pilot: the pilot's answers; form: 8 departments, 5 characteristics of
                       4-10 answers from one form [default: pilot]
  -h, --help           print this help";

const MENTEES_HEADER: &str = "Name,Email,Department,Grade,Line manager,Gender,Ethnicity,\
Disability,Sexual orientation,Career stage\n";

const MENTORS_HEADER: &str = "Timestamp,Email address,Full name,Department,Job grade,\
Line manager's email address,Gender,Ethnicity,Do you consider yourself to have a disability?,\
Sexual orientation,Career stage,Can you commit time and be flexible in your availability?,\
\"Have you attended the mentor briefing, or are you willing to do so?\",\
Do you have any current conflict of interest with the University or its senior leadership team?,\
Why would you like to be a reverse mentor?\n";

const DOMAIN: &str = "northgate.example";

/// (as written in the name column, as written in the email address)
const FIRST_NAMES: &[(&str, &str)] = &[
    ("Aisha", "aisha"),
    ("Adebayo", "adebayo"),
    ("Amelia", "amelia"),
    ("Anil", "anil"),
    ("Beatriz", "beatriz"),
    ("Callum", "callum"),
    ("Chen", "chen"),
    ("Chiara", "chiara"),
    ("Daniel", "daniel"),
    ("Deepa", "deepa"),
    ("Eilidh", "eilidh"),
    ("Emeka", "emeka"),
    ("Fatima", "fatima"),
    ("Felix", "felix"),
    ("Grace", "grace"),
    ("Hamza", "hamza"),
    ("Hannah", "hannah"),
    ("Ioana", "ioana"),
    ("James", "james"),
    ("Jia", "jia"),
    ("José", "jose"),
    ("Kemi", "kemi"),
    ("Kofi", "kofi"),
    ("Laura", "laura"),
    ("Lukas", "lukas"),
    ("Mei", "mei"),
    ("Mohammed", "mohammed"),
    ("Niamh", "niamh"),
    ("Oliver", "oliver"),
    ("Olusegun", "olusegun"),
    ("Priya", "priya"),
    ("Rahul", "rahul"),
    ("Rosa", "rosa"),
    ("Ruth", "ruth"),
    ("Samuel", "samuel"),
    ("Siobhán", "siobhan"),
    ("Tariq", "tariq"),
    ("Thomas", "thomas"),
    ("Yusuf", "yusuf"),
    ("Zoë", "zoe"),
];

const LAST_NAMES: &[(&str, &str)] = &[
    ("Ahmed", "ahmed"),
    ("Akhtar", "akhtar"),
    ("Baker", "baker"),
    ("Banerjee", "banerjee"),
    ("Boateng", "boateng"),
    ("Campbell", "campbell"),
    ("Chowdhury", "chowdhury"),
    ("Clarke", "clarke"),
    ("Costa", "costa"),
    ("Davies", "davies"),
    ("Dimitrov", "dimitrov"),
    ("Evans", "evans"),
    ("Fernández", "fernandez"),
    ("Gallagher", "gallagher"),
    ("Green", "green"),
    ("Gupta", "gupta"),
    ("Hassan", "hassan"),
    ("Hughes", "hughes"),
    ("Ibrahim", "ibrahim"),
    ("Jones", "jones"),
    ("Kaur", "kaur"),
    ("Khan", "khan"),
    ("Kowalski", "kowalski"),
    ("Li", "li"),
    ("Lloyd-Jones", "lloyd-jones"),
    ("MacLeod", "macleod"),
    ("Mensah", "mensah"),
    ("Murphy", "murphy"),
    ("Ng", "ng"),
    ("Nowak", "nowak"),
    ("O'Brien", "obrien"),
    ("Okoro", "okoro"),
    ("Owusu", "owusu"),
    ("Patel", "patel"),
    ("Rossi", "rossi"),
    ("Santos", "santos"),
    ("Shah", "shah"),
    ("Singh", "singh"),
    ("Smith", "smith"),
    ("Taylor", "taylor"),
    ("Thompson", "thompson"),
    ("Wang", "wang"),
    ("Williams", "williams"),
    ("Wright", "wright"),
    ("Zhang", "zhang"),
];

/// Largest first; picked with Zipf-like weights 1 / rank^0.9.
const DEPARTMENTS: &[&str] = &[
    "Medicine",
    "Estates",
    "ICT",
    "Chemistry",
    "Public Health",
    "Life Sciences",
    "Physics",
    "Finance",
    "Library Services",
    "Registry",
    "Mechanical Engineering",
    "Computing",
    "HR",
    "Global Health Institute",
    "Campus Services",
    "Surgery and Cancer",
    "Electrical and Electronic Engineering",
    "Civil Engineering",
    "Communications",
    "Mathematics",
    "Business School",
    "Brain Sciences",
    "Infectious Disease",
    "Chemical Engineering",
    "Materials",
    "Bioengineering",
    "Earth Science and Engineering",
    "Student Services",
    "Research Office",
    "Catering and Hospitality",
    "Security",
    "Facilities Management",
    "Admissions",
    "Aeronautics",
    "Nutrition, Diet and Metabolism",
    "Central Technical Services",
    "Development and Alumni Relations",
    "Marketing",
    "Procurement",
    "Enterprise",
    "Residences",
    "International Office",
    "Careers Service",
    "Design Engineering",
    "Clinical Trials Unit",
    "Languages, Culture and Communication",
    "Graduate School",
    "Strategic Planning",
    "Educational Development Unit",
    "Centre for Environmental Policy",
    "Health and Safety",
    "Sport and Wellbeing",
    "Animal Research Facility",
    "Payroll",
    "Legal Services",
    "Governance and Secretariat",
    "Occupational Health",
    "Equality, Diversity and Inclusion Centre",
    "Sustainability Office",
    "Internal Audit",
    "Information Governance",
    "Pensions Office",
];

/// Departments of the top leaders (who report to nobody).
const EXECUTIVE_UNITS: &[&str] = &[
    "President's Office",
    "Provost's Office",
    "Chief Operating Officer's Office",
];

type Weighted = &'static [(&'static str, u32)];

const MENTEE_GRADE: Weighted = &[
    ("Senior Leadership", 58),
    ("Professorial", 28),
    ("Executive", 12),
    ("", 2),
];
const MENTEE_GENDER: Weighted = &[
    ("Man", 63),
    ("Woman", 29),
    ("Non-binary", 1),
    ("Prefer not to say", 5),
    ("", 2),
];
const MENTEE_ETHNICITY: Weighted = &[
    ("White British", 60),
    ("White Other", 10),
    ("White Irish", 3),
    ("British Indian", 5),
    ("Black British", 3),
    ("Chinese", 2),
    ("Mixed", 2),
    ("British Pakistani", 1),
    ("Arab", 1),
    ("Prefer not to say", 6),
    ("", 7),
];
const MENTEE_DISABILITY: Weighted = &[("No", 82), ("Yes", 5), ("Prefer not to say", 6), ("", 7)];
const MENTEE_ORIENTATION: Weighted = &[
    ("Heterosexual", 75),
    ("Gay", 5),
    ("Lesbian", 2),
    ("Bisexual", 1),
    ("Prefer not to say", 7),
    ("", 10),
];
const MENTEE_CAREER: Weighted = &[("Late career", 78), ("Mid career", 20), ("", 2)];

const MENTOR_GRADE: Weighted = &[
    ("Grade 3", 8),
    ("Grade 4", 14),
    ("Grade 5", 18),
    ("Grade 6", 16),
    ("Grade 7", 10),
    ("Research Associate", 12),
    ("Research Fellow", 4),
    ("Lecturer", 8),
    ("Technician", 6),
    ("Senior Technician", 2),
    ("Apprentice", 2),
];
const MENTOR_GENDER: Weighted = &[
    ("Woman", 38),
    ("female", 4),
    ("Female", 3),
    ("Man", 32),
    ("male", 3),
    ("Male", 3),
    ("Non-binary", 3),
    ("Genderqueer", 1),
    ("Prefer not to say", 6),
    ("", 2),
];
const MENTOR_ETHNICITY: Weighted = &[
    ("White British", 30),
    ("White Other", 12),
    ("Black British", 8),
    ("Black African", 5),
    ("Black Caribbean", 3),
    ("British Indian", 7),
    ("Indian", 3),
    ("Pakistani", 3),
    ("British Bangladeshi", 2),
    ("Chinese", 7),
    ("Other Asian", 2),
    ("Mixed", 5),
    ("Mixed - White and Black Caribbean", 2),
    ("Arab", 2),
    ("Latin American", 2),
    ("Prefer not to say", 6),
    ("", 1),
];
const MENTOR_DISABILITY: Weighted = &[("No", 78), ("Yes", 12), ("Prefer not to say", 6), ("", 4)];
const MENTOR_ORIENTATION: Weighted = &[
    ("Heterosexual", 62),
    ("Straight", 4),
    ("Gay", 6),
    ("Lesbian", 4),
    ("Bisexual", 7),
    ("Queer", 2),
    ("Asexual", 1),
    ("Prefer not to say", 7),
    ("", 7),
];
const MENTOR_CAREER: Weighted = &[
    ("Early career", 52),
    ("Mid career", 34),
    ("Late career", 12),
    ("", 2),
];

/// `--shape form`: one form's drop-down answers, the same for both roles.
const FORM_DEPARTMENTS: &[&str] = &[
    "Engineering",
    "Medicine",
    "Natural Sciences",
    "Business School",
    "Estates",
    "Finance",
    "ICT",
    "Student Services",
];
const FORM_GENDER: Weighted = &[
    ("Woman", 46),
    ("Man", 44),
    ("Non-binary", 4),
    ("Prefer not to say", 6),
];
const FORM_ETHNICITY: Weighted = &[
    ("White British", 40),
    ("White Other", 12),
    ("Asian or Asian British", 14),
    ("Black or Black British", 9),
    ("Chinese", 6),
    ("Mixed", 6),
    ("Arab", 3),
    ("Gypsy or Traveller", 1),
    ("Other ethnic group", 3),
    ("Prefer not to say", 6),
];
const FORM_DISABILITY: Weighted = &[
    ("No", 78),
    ("Yes", 11),
    ("Not sure", 5),
    ("Prefer not to say", 6),
];
const FORM_ORIENTATION: Weighted = &[
    ("Heterosexual", 76),
    ("Gay man", 5),
    ("Gay woman / lesbian", 3),
    ("Bisexual", 6),
    ("Other", 3),
    ("Prefer not to say", 7),
];
const FORM_CAREER: Weighted = &[
    ("Early career", 30),
    ("Mid career", 34),
    ("Late career", 22),
    ("Career changer", 8),
    ("Prefer not to say", 6),
];

/// The answer tables of one role: gender, ethnicity, disability, orientation, career stage.
struct Answers {
    gender: Weighted,
    ethnicity: Weighted,
    disability: Weighted,
    orientation: Weighted,
    career: Weighted,
}

const PILOT_MENTEES: Answers = Answers {
    gender: MENTEE_GENDER,
    ethnicity: MENTEE_ETHNICITY,
    disability: MENTEE_DISABILITY,
    orientation: MENTEE_ORIENTATION,
    career: MENTEE_CAREER,
};
const PILOT_MENTORS: Answers = Answers {
    gender: MENTOR_GENDER,
    ethnicity: MENTOR_ETHNICITY,
    disability: MENTOR_DISABILITY,
    orientation: MENTOR_ORIENTATION,
    career: MENTOR_CAREER,
};
const FORM: Answers = Answers {
    gender: FORM_GENDER,
    ethnicity: FORM_ETHNICITY,
    disability: FORM_DISABILITY,
    orientation: FORM_ORIENTATION,
    career: FORM_CAREER,
};

const WHY: &[&str] = &[
    "I want leaders to hear what it is like to work here from where I sit.",
    "To help make the University a fairer place to work.",
    "As a person of colour in a technical role, I rarely see people like me in senior meetings.",
    "Disability and access come up far too rarely in leadership conversations.",
    "Senior people make decisions about us without ever meeting us.",
    "I was told I was \"not leadership material\" early on and want to talk about why that happens.",
    "- visibility for LGBTQ+ staff - better support for carers",
    "To build understanding between professional services and academic staff.",
    "I have seen a lot change here, but not enough.",
    "I want to learn how decisions are made, and to be heard.",
    "International staff face barriers that leaders may not be aware of.",
    "Because nobody asked me before.",
    "I care about inclusion and think I can listen as well as talk.",
    "To talk about race openly in a safe space.",
    "Fixed-term contracts, visas, caring: lots to discuss!",
    "My line manager suggested it and I think it's a great idea.",
];

/// splitmix64: tiny, fast, and good enough for test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Self {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        rng.next_u64();
        rng
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick(&mut self, table: Weighted) -> &'static str {
        let total: u32 = table.iter().map(|&(_, w)| w).sum();
        let mut r = self.below(u64::from(total)) as u32;
        for &(value, weight) in table {
            if r < weight {
                return value;
            }
            r -= weight;
        }
        table.last().map_or("", |&(value, _)| value)
    }
}

/// Departments with cumulative Zipf-like weights `1 / rank^exponent`.
struct Departments {
    names: &'static [&'static str],
    cumulative: Vec<f64>,
}

impl Departments {
    fn new(names: &'static [&'static str], exponent: f64) -> Self {
        let mut sum = 0.0;
        let cumulative = (1..=names.len())
            .map(|rank| {
                sum += 1.0 / (rank as f64).powf(exponent);
                sum
            })
            .collect();
        Departments { names, cumulative }
    }

    fn pick(&self, rng: &mut Rng) -> &'static str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = rng.unit() * total;
        let i = self.cumulative.partition_point(|&c| c <= x);
        self.names[i.min(self.names.len() - 1)]
    }
}

/// Hands out unique, random-looking 4+ digit numbers for email addresses:
/// `i -> (i * 7919 + offset) mod 10^k` is a bijection because 7919 is prime
/// and so coprime with 10.
struct EmailNumbers {
    modulus: u128,
    offset: u128,
    width: usize,
}

impl EmailNumbers {
    fn new(total: u64, rng: &mut Rng) -> Self {
        let mut modulus: u128 = 10_000;
        let mut width = 4;
        while modulus < u128::from(total) {
            modulus *= 10;
            width += 1;
        }
        let offset = u128::from(rng.next_u64()) % modulus;
        EmailNumbers {
            modulus,
            offset,
            width,
        }
    }

    fn get(&self, i: u64) -> u128 {
        (u128::from(i) % self.modulus * 7919 + self.offset) % self.modulus
    }
}

/// A made-up person: writes the display name into `name` and the email into
/// `email`, using email number `id`.
fn person(rng: &mut Rng, numbers: &EmailNumbers, id: u64, name: &mut String, email: &mut String) {
    let (first, first_slug) = FIRST_NAMES[rng.index(FIRST_NAMES.len())];
    let (last, last_slug) = LAST_NAMES[rng.index(LAST_NAMES.len())];
    name.clear();
    name.push_str(first);
    name.push(' ');
    name.push_str(last);
    email.clear();
    let _ = write!(
        email,
        "{first_slug}.{last_slug}.{:0width$}@{DOMAIN}",
        numbers.get(id),
        width = numbers.width
    );
}

/// How people mistype their own address in a form.
fn mistype(rng: &mut Rng, email: &str) -> String {
    match rng.below(3) {
        0 => format!(" {email}"),
        1 => format!("{email} "),
        _ => {
            // Capitalise each dot-separated part: "Aisha.Khan.0423@Northgate.example".
            let mut out = String::with_capacity(email.len());
            let mut start = true;
            for c in email.chars() {
                if start {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                start = c == '.' || c == '@';
            }
            out
        }
    }
}

fn write_field(out: &mut impl Write, field: &str) -> io::Result<()> {
    if field.contains([',', '"', '\n', '\r']) {
        out.write_all(b"\"")?;
        out.write_all(field.replace('"', "\"\"").as_bytes())?;
        out.write_all(b"\"")
    } else {
        out.write_all(field.as_bytes())
    }
}

fn write_record(out: &mut impl Write, fields: &[&str]) -> io::Result<()> {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_field(out, field)?;
    }
    out.write_all(b"\n")
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Pilot,
    Form,
}

struct Options {
    mentees: u64,
    mentors: u64,
    out: PathBuf,
    seed: u64,
    conflicts: f64,
    shape: Shape,
}

fn parse_args(args: &[String]) -> Result<Option<Options>, String> {
    let mut mentees = None;
    let mut mentors = None;
    let mut out = PathBuf::from("target/synth");
    let mut seed = 2020;
    let mut conflicts = 15.0;
    let mut shape = Shape::Pilot;

    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        i += 1;
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ => (arg, None),
        };
        if !matches!(
            flag,
            "--mentees" | "--mentors" | "--out" | "--seed" | "--conflicts" | "--shape"
        ) {
            return Err(format!("unexpected argument '{arg}'"));
        }
        let value = match inline {
            Some(value) => value,
            None => {
                let value = args
                    .get(i)
                    .ok_or_else(|| format!("{flag} needs a value"))?
                    .clone();
                i += 1;
                value
            }
        };
        let count = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("{flag} must be a whole number, got '{v}'"))
        };
        match flag {
            "--mentees" => mentees = Some(count(&value)?),
            "--mentors" => mentors = Some(count(&value)?),
            "--seed" => seed = count(&value)?,
            "--shape" => {
                shape = match value.as_str() {
                    "pilot" => Shape::Pilot,
                    "form" => Shape::Form,
                    _ => return Err(format!("--shape must be pilot or form, got '{value}'")),
                };
            }
            "--out" => {
                if value.is_empty() {
                    return Err("--out must not be empty".to_string());
                }
                out = PathBuf::from(value);
            }
            _ => {
                conflicts = value
                    .parse::<f64>()
                    .ok()
                    .filter(|p| (0.0..=100.0).contains(p))
                    .ok_or_else(|| {
                        format!("--conflicts must be a percentage from 0 to 100, got '{value}'")
                    })?;
            }
        }
    }

    Ok(Some(Options {
        mentees: mentees.ok_or("--mentees is required")?,
        mentors: mentors.ok_or("--mentors is required")?,
        out,
        seed,
        conflicts,
        shape,
    }))
}

fn create(path: &Path) -> io::Result<BufWriter<File>> {
    let file = File::create(path)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    Ok(BufWriter::with_capacity(1 << 16, file))
}

/// Writes `mentees.csv` and returns the mentees' emails.
fn write_mentees(
    path: &Path,
    opts: &Options,
    numbers: &EmailNumbers,
    departments: &Departments,
) -> io::Result<Vec<String>> {
    let mut rng = Rng::new(opts.seed, 1);
    let n = opts.mentees;
    let answers = match opts.shape {
        Shape::Pilot => &PILOT_MENTEES,
        Shape::Form => &FORM,
    };
    // A few top leaders (President, Provost, ...) who report to nobody.
    let tops = (1 + n / 1000).min(5).min(n);
    let mut emails = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    let mut out = create(path)?;
    out.write_all(MENTEES_HEADER.as_bytes())?;
    let mut name = String::new();
    let mut email = String::new();
    for i in 0..n {
        person(&mut rng, numbers, i, &mut name, &mut email);
        let (department, grade, manager) = if i < tops {
            let unit = match opts.shape {
                Shape::Pilot => EXECUTIVE_UNITS[(i as usize) % EXECUTIVE_UNITS.len()],
                Shape::Form => departments.pick(&mut rng),
            };
            (unit, "Executive", "")
        } else {
            // Report to an earlier mentee, skewed towards the most senior.
            let boss = rng.below(i).min(rng.below(i)) as usize;
            (
                departments.pick(&mut rng),
                rng.pick(MENTEE_GRADE),
                emails.get(boss).map_or("", String::as_str),
            )
        };
        write_record(
            &mut out,
            &[
                &name,
                &email,
                department,
                grade,
                manager,
                rng.pick(answers.gender),
                rng.pick(answers.ethnicity),
                rng.pick(answers.disability),
                rng.pick(answers.orientation),
                rng.pick(answers.career),
            ],
        )?;
        emails.push(email.clone());
    }
    out.flush()?;
    Ok(emails)
}

fn write_timestamp(buf: &mut String, seconds: u64) {
    // Seconds since 2019-10-01 00:00:00; October has 31 days.
    let day = seconds / 86_400;
    let (month, day) = if day < 31 {
        (10, day + 1)
    } else {
        (11, day - 30)
    };
    let s = seconds % 86_400;
    buf.clear();
    let _ = write!(
        buf,
        "2019/{month:02}/{day:02} {:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    );
}

fn write_mentors(
    path: &Path,
    opts: &Options,
    numbers: &EmailNumbers,
    departments: &Departments,
    mentees: &[String],
) -> io::Result<()> {
    let mut rng = Rng::new(opts.seed, 2);
    let m = opts.mentors;
    let answers = match opts.shape {
        Shape::Pilot => &PILOT_MENTORS,
        Shape::Form => &FORM,
    };
    let first_id = opts.mentees;

    // Line managers who are not taking part; each manages several mentors.
    let pool = (m / 5).max(1);
    let mut name = String::new();
    let mut managers = Vec::with_capacity(usize::try_from(pool).unwrap_or(0));
    for k in 0..pool {
        let mut email = String::new();
        person(&mut rng, numbers, first_id + m + k, &mut name, &mut email);
        managers.push(email);
    }

    // Submission times over October and November 2019, mostly office hours.
    let mut times: Vec<u64> = (0..m)
        .map(|_| {
            let day = rng.below(61);
            let second = if rng.chance(0.85) {
                8 * 3600 + rng.below(10 * 3600)
            } else {
                rng.below(86_400)
            };
            day * 86_400 + second
        })
        .collect();
    times.sort_unstable();

    let conflict_p = opts.conflicts / 100.0;
    let mut out = create(path)?;
    out.write_all(MENTORS_HEADER.as_bytes())?;
    let mut stamp = String::new();
    let mut email = String::new();
    for (i, &t) in (0..m).zip(&times) {
        write_timestamp(&mut stamp, t);
        person(&mut rng, numbers, first_id + i, &mut name, &mut email);
        let typed = if rng.chance(0.01) {
            mistype(&mut rng, &email)
        } else {
            email.clone()
        };
        let manager = if !mentees.is_empty() && rng.chance(conflict_p) {
            &mentees[rng.index(mentees.len())]
        } else {
            &managers[rng.index(managers.len())]
        };
        let department = departments.pick(&mut rng);
        let grade = rng.pick(MENTOR_GRADE);
        let gender = rng.pick(answers.gender);
        let ethnicity = rng.pick(answers.ethnicity);
        let disability = rng.pick(answers.disability);
        let orientation = rng.pick(answers.orientation);
        let career = rng.pick(answers.career);
        let mut answers = ["Yes", "Yes", "No"];
        if rng.chance(0.03) {
            match rng.below(3) {
                0 => answers[0] = "No",
                1 => answers[1] = "No",
                _ => answers[2] = "Yes",
            }
        }
        let why = WHY[rng.index(WHY.len())];
        write_record(
            &mut out,
            &[
                &stamp,
                &typed,
                &name,
                department,
                grade,
                manager,
                gender,
                ethnicity,
                disability,
                orientation,
                career,
                answers[0],
                answers[1],
                answers[2],
                why,
            ],
        )?;
    }
    out.flush()
}

fn run(opts: &Options) -> io::Result<()> {
    fs::create_dir_all(&opts.out)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", opts.out.display())))?;
    let mut rng = Rng::new(opts.seed, 0);
    // Mentees, then mentors, then the mentors' non-participant managers.
    let total = opts
        .mentees
        .saturating_add(opts.mentors)
        .saturating_add((opts.mentors / 5).max(1));
    let numbers = EmailNumbers::new(total, &mut rng);
    let departments = match opts.shape {
        Shape::Pilot => Departments::new(DEPARTMENTS, 0.9),
        Shape::Form => Departments::new(FORM_DEPARTMENTS, 0.5),
    };
    let mentees = write_mentees(&opts.out.join("mentees.csv"), opts, &numbers, &departments)?;
    write_mentors(
        &opts.out.join("mentors.csv"),
        opts,
        &numbers,
        &departments,
        &mentees,
    )
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match parse_args(&args) {
        Ok(Some(opts)) => opts,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("synth: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(()) => {
            eprintln!(
                "wrote {} mentees and {} mentors to {}",
                opts.mentees,
                opts.mentors,
                opts.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("synth: {e}");
            ExitCode::FAILURE
        }
    }
}
