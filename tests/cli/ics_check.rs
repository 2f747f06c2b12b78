//! A strict checker of the RFC 5545 / RFC 5546 rules the calendar export relies on: CRLF line ends,
//! lines of at most 75 octets, well-formed content lines and parameters, one METHOD (REQUEST or
//! CANCEL: PUBLISH may not carry attendees), and each event's required properties for its method
//! (RFC 5546 §3.2.2 and §3.2.5): UID (unique in the object), DTSTAMP in UTC, ORGANIZER, ATTENDEE,
//! SEQUENCE, DTSTART, SUMMARY, STATUS. Far stricter than a calendar client, on purpose.

use std::collections::BTreeSet;

/// One property: its name, parameters (values unquoted and RFC 6868-decoded) and raw value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prop {
    pub name: String,
    pub params: Vec<(String, String)>,
    pub value: String,
}

impl Prop {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// One VEVENT's properties, in order.
#[derive(Debug, Clone, Default)]
pub struct Event {
    pub props: Vec<Prop>,
}

impl Event {
    pub fn all(&self, name: &str) -> Vec<&Prop> {
        self.props.iter().filter(|p| p.name == name).collect()
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.as_str())
    }

    pub fn uid(&self) -> &str {
        self.get("UID").unwrap_or_default()
    }

    pub fn sequence(&self) -> u32 {
        self.get("SEQUENCE")
            .map_or(0, |s| s.parse().expect("a number"))
    }

    /// The attendees' email addresses.
    pub fn attendees(&self) -> Vec<String> {
        self.all("ATTENDEE")
            .iter()
            .map(|p| p.value.trim_start_matches("mailto:").to_string())
            .collect()
    }
}

/// A checked calendar object.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    pub method: String,
    pub props: Vec<Prop>,
    pub events: Vec<Event>,
}

impl Calendar {
    pub fn event(&self, uid: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.uid() == uid)
    }
}

fn utc_date_time(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit)
}

fn cal_address(v: &str) -> bool {
    v.strip_prefix("mailto:")
        .is_some_and(|a| a.contains('@') && !a.starts_with('@') && !a.contains(' '))
}

/// Split a content line into name, parameters and value, or say what is wrong.
fn content_line(line: &str) -> Result<Prop, String> {
    let bad = |what: &str| format!("{what} in {line:?}");
    let mut pos = line.find([';', ':']).ok_or_else(|| bad("no ':'"))?;
    let name = &line[..pos];
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(bad("a bad property name"));
    }
    let mut params = Vec::new();
    while line[pos..].starts_with(';') {
        pos += 1;
        let eq = pos
            + line[pos..]
                .find('=')
                .ok_or_else(|| bad("a parameter without '='"))?;
        let key = &line[pos..eq];
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_uppercase() || b == b'-') {
            return Err(bad("a bad parameter name"));
        }
        pos = eq + 1;
        let raw = if line[pos..].starts_with('"') {
            let close = pos
                + 1
                + line[pos + 1..]
                    .find('"')
                    .ok_or_else(|| bad("an unclosed quote"))?;
            let v = &line[pos + 1..close];
            pos = close + 1;
            v
        } else {
            let end = pos
                + line[pos..]
                    .find([';', ':'])
                    .ok_or_else(|| bad("a parameter running off the line"))?;
            let v = &line[pos..end];
            if v.contains(['"', ',']) {
                return Err(bad("an unquoted parameter value that must be quoted"));
            }
            pos = end;
            v
        };
        if raw.chars().any(char::is_control) {
            return Err(bad("a control character in a parameter"));
        }
        if !(line[pos..].starts_with(';') || line[pos..].starts_with(':')) {
            return Err(bad("junk after a parameter value"));
        }
        let decoded = raw
            .replace("^n", "\n")
            .replace("^'", "\"")
            .replace("^^", "^");
        params.push((key.to_string(), decoded));
    }
    let value = &line[pos + 1..];
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(bad("a control character in a value"));
    }
    Ok(Prop {
        name: name.to_string(),
        params,
        value: value.to_string(),
    })
}

/// Check a calendar object's text; every broken rule, or the object.
pub fn validate(text: &str) -> Result<Calendar, Vec<String>> {
    let mut errors = Vec::new();
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' && (i == 0 || bytes[i - 1] != b'\r') {
            errors.push(format!("a bare LF at byte {i}"));
        }
        if b == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            errors.push(format!("a bare CR at byte {i}"));
        }
    }
    if !text.ends_with("\r\n") {
        errors.push("the text does not end with CRLF".into());
    }
    for line in text.split("\r\n") {
        if line.len() > 75 {
            errors.push(format!(
                "a line of {} octets (at most 75): {line:?}",
                line.len()
            ));
        }
    }
    let unfolded = text.replace("\r\n ", "").replace("\r\n\t", "");
    let mut cal = Calendar::default();
    let mut stack: Vec<String> = Vec::new();
    let mut event: Option<Event> = None;
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let prop = match content_line(line) {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match prop.name.as_str() {
            "BEGIN" => {
                if stack.is_empty() && prop.value != "VCALENDAR" {
                    errors.push("the object does not start with BEGIN:VCALENDAR".into());
                }
                if prop.value == "VEVENT" {
                    event = Some(Event::default());
                }
                stack.push(prop.value.clone());
            }
            "END" => {
                if stack.pop().as_deref() != Some(prop.value.as_str()) {
                    errors.push(format!("END:{} closes nothing open", prop.value));
                }
                if prop.value == "VEVENT"
                    && let Some(e) = event.take()
                {
                    cal.events.push(e);
                }
            }
            _ => match (&mut event, stack.last().map(String::as_str)) {
                (Some(e), Some("VEVENT")) => e.props.push(prop),
                (_, Some("VCALENDAR")) => cal.props.push(prop),
                _ => errors.push(format!("{} outside a component", prop.name)),
            },
        }
    }
    if !stack.is_empty() {
        errors.push(format!("unclosed components: {stack:?}"));
    }
    let count = |name: &str| cal.props.iter().filter(|p| p.name == name).count();
    for name in ["PRODID", "VERSION", "METHOD"] {
        if count(name) != 1 {
            errors.push(format!(
                "VCALENDAR has {} {name} (exactly one needed)",
                count(name)
            ));
        }
    }
    if cal
        .props
        .iter()
        .any(|p| p.name == "VERSION" && p.value != "2.0")
    {
        errors.push("VERSION is not 2.0".into());
    }
    cal.method = cal
        .props
        .iter()
        .find(|p| p.name == "METHOD")
        .map(|p| p.value.clone())
        .unwrap_or_default();
    if !matches!(cal.method.as_str(), "REQUEST" | "CANCEL") {
        errors.push(format!(
            "METHOD:{} (invitations are REQUEST, cancellations CANCEL; PUBLISH may not carry attendees)",
            cal.method
        ));
    }
    if cal.events.is_empty() {
        errors.push("no VEVENT (RFC 5545 needs at least one component)".into());
    }
    let mut uids = BTreeSet::new();
    for e in &cal.events {
        let n = |name: &str| e.all(name).len();
        let uid = e.uid().to_string();
        let mut need = |name: &str, ok: bool, rule: &str| {
            if !ok {
                errors.push(format!("event {uid}: {name} {rule}"));
            }
        };
        need("UID", n("UID") == 1, "exactly once");
        need("DTSTAMP", n("DTSTAMP") == 1, "exactly once");
        need("ORGANIZER", n("ORGANIZER") == 1, "exactly once");
        need("ATTENDEE", n("ATTENDEE") >= 1, "at least once");
        need("SEQUENCE", n("SEQUENCE") <= 1, "at most once");
        need("DTSTART", n("DTSTART") == 1, "exactly once");
        need(
            "DTEND/DURATION",
            n("DTEND") + n("DURATION") <= 1,
            "at most one of them",
        );
        need("STATUS", n("STATUS") <= 1, "at most once");
        need(
            "DTSTAMP",
            e.get("DTSTAMP").is_some_and(utc_date_time),
            "in UTC (YYYYMMDDTHHMMSSZ)",
        );
        need(
            "DTSTART",
            e.get("DTSTART").is_some_and(utc_date_time),
            "in UTC",
        );
        need("DTEND", e.get("DTEND").is_none_or(utc_date_time), "in UTC");
        need(
            "ORGANIZER",
            e.all("ORGANIZER").iter().all(|p| cal_address(&p.value)),
            "a mailto: address",
        );
        need(
            "ATTENDEE",
            e.all("ATTENDEE").iter().all(|p| cal_address(&p.value)),
            "a mailto: address",
        );
        need(
            "CN",
            e.props
                .iter()
                .all(|p| p.param("CN").is_none_or(|cn| !cn.trim().is_empty())),
            "never empty",
        );
        need(
            "SEQUENCE",
            e.get("SEQUENCE").is_none_or(|s| s.parse::<u32>().is_ok()),
            "a whole number",
        );
        match cal.method.as_str() {
            "REQUEST" => {
                need("SUMMARY", n("SUMMARY") == 1, "exactly once in a REQUEST");
                need(
                    "STATUS",
                    e.get("STATUS")
                        .is_none_or(|s| matches!(s, "CONFIRMED" | "TENTATIVE")),
                    "CONFIRMED or TENTATIVE in a REQUEST",
                );
                need(
                    "SEQUENCE",
                    e.sequence() == 0 || n("SEQUENCE") == 1,
                    "present when above 0",
                );
            }
            "CANCEL" => {
                need("SEQUENCE", n("SEQUENCE") == 1, "exactly once in a CANCEL");
                need(
                    "STATUS",
                    e.get("STATUS").is_none_or(|s| s == "CANCELLED"),
                    "CANCELLED in a CANCEL",
                );
            }
            _ => {}
        }
        if !uids.insert(uid.clone()) {
            errors.push(format!("UID {uid} appears twice"));
        }
    }
    if errors.is_empty() {
        Ok(cal)
    } else {
        Err(errors)
    }
}

/// [`validate`], panicking with every broken rule.
#[track_caller]
pub fn valid(text: &str) -> Calendar {
    validate(text)
        .unwrap_or_else(|errors| panic!("invalid calendar:\n{}\n{text}", errors.join("\n")))
}

#[test]
fn the_checker_refuses_what_servers_refuse() {
    let good = "BEGIN:VCALENDAR\r\nPRODID:x\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20200101T000000Z\r\nORGANIZER:mailto:o@x.example\r\nATTENDEE;CN=\"A, B\":mailto:a@x.example\r\nSUMMARY:x\r\nDTSTART:20200101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    assert!(validate(good).is_ok(), "{:?}", validate(good));
    for (bad, why) in [
        (good.replace("METHOD:REQUEST", "METHOD:PUBLISH"), "PUBLISH"),
        (good.replace("ORGANIZER:mailto:o@x.example\r\n", ""), "ORGANIZER"),
        (good.replace("\r\n", "\n"), "LF"),
        (good.replace("CN=\"A, B\"", "CN=A, B"), "quoted"),
        (good.replace("CN=\"A, B\"", "CN="), "CN"),
        (good.replace("DTSTAMP:20200101T000000Z", "DTSTAMP:20200101T000000"), "UTC"),
        (good.replace("SUMMARY:x", &format!("SUMMARY:{}", "x".repeat(80))), "octets"),
        (good.replace("END:VEVENT\r\n", "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20200101T000000Z\r\nORGANIZER:mailto:o@x.example\r\nATTENDEE:mailto:a@x.example\r\nSUMMARY:x\r\nDTSTART:20200101T100000Z\r\nEND:VEVENT\r\n"), "twice"),
    ] {
        let errors = validate(&bad).expect_err(why);
        assert!(errors.iter().any(|e| e.contains(why)), "{why}: {errors:?}");
    }
}
