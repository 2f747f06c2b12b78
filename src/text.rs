//! Rules for text that people type: which characters a field may hold and how long it may be, the
//! same for every entry point (flags, prompts, imports, hand-edited files). Pure.

use std::fmt::Write as _;

/// A character no field may hold: control characters (a newline only where a field allows several
/// lines), bidirectional overrides and isolates that reorder what a reader sees, line and paragraph
/// separators, and the byte-order mark.
pub fn forbidden_char(c: char, multiline: bool) -> bool {
    match c {
        '\n' => !multiline,
        '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}' => true,
        // Bidirectional embeddings, overrides, isolates and marks.
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' => true,
        '\u{061C}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}' => true,
        _ => false,
    }
}

/// A character's name for a message: `U+001B (escape)`.
pub fn describe_char(c: char) -> String {
    let name = match c {
        '\n' => "a line break",
        '\r' => "a carriage return",
        '\t' => "a tab",
        '\u{0}' => "NUL",
        '\u{1B}' => "escape",
        '\u{7F}' => "delete",
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => "a bidirectional override",
        '\u{200E}' | '\u{200F}' | '\u{061C}' => "a bidirectional mark",
        '\u{2028}' | '\u{2029}' => "a line separator",
        '\u{FEFF}' => "a byte-order mark",
        _ => "a control character",
    };
    format!("U+{:04X} ({name})", u32::from(c))
}

/// Longest text a field of this kind may hold, in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Names, departments, grades, titles, settings: one line, at most 200 characters.
    Short,
    /// Emails: one line, at most 254 characters (RFC 5321).
    Email,
    /// Reasons and other notes: one line, at most 1,000 characters.
    Note,
    /// A pair's end reason, which says who withdrew before the reason they gave (a [`Kind::Note`]):
    /// one line, at most 1,020 characters.
    Ending,
    /// Survey comments: several lines, at most 5,000 characters.
    Comment,
    /// Cells of a column the tool does not know: several lines, at most 10,000 characters.
    Other,
}

impl Kind {
    pub fn max_chars(self) -> usize {
        match self {
            Kind::Short => 200,
            Kind::Email => 254,
            Kind::Note => 1_000,
            Kind::Ending => 1_020,
            Kind::Comment => 5_000,
            Kind::Other => 10_000,
        }
    }

    pub fn multiline(self) -> bool {
        matches!(self, Kind::Comment | Kind::Other)
    }
}

/// Check a field's text: no forbidden character, not longer than its kind allows. The error says
/// what was found, where, and what to do.
pub fn check(value: &str, kind: Kind) -> Result<(), String> {
    let max = kind.max_chars();
    // Most text is printable ASCII: one fast pass decides it.
    if value.len() <= max && value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Ok(());
    }
    let mut chars = 0usize;
    for (i, c) in value.chars().enumerate() {
        if forbidden_char(c, kind.multiline()) {
            return Err(format!(
                "holds {} at character {}: remove it (text may not hold control characters{})",
                describe_char(c),
                i + 1,
                if kind.multiline() {
                    ""
                } else {
                    " or line breaks"
                }
            ));
        }
        chars += 1;
        if chars > max {
            return Err(format!(
                "is longer than {max} characters: shorten it (at most {max})"
            ));
        }
    }
    Ok(())
}

/// [`check`] for text typed at entry into a field of a cohort file (a name, a title): also refused
/// when a spreadsheet would run it as a formula (a lone `-` is no formula).
pub fn check_entry(value: &str, kind: Kind) -> Result<(), String> {
    check(value, kind)?;
    if runs_as_formula(value) {
        return Err(format!(
            "\"{}\" begins with '{}', which a spreadsheet runs as a formula: remove that first character",
            terminal_safe(value, false),
            value.chars().next().unwrap_or('=')
        ));
    }
    Ok(())
}

/// `text` cut to the length a cell of `kind` holds, ending in `…` where it was cut: for text the
/// tool makes longer than it was written (a redaction's markers), so that its file still reads.
pub fn within(text: String, kind: Kind) -> String {
    let max = kind.max_chars();
    if text.chars().count() <= max {
        return text;
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Whether a spreadsheet would run this text, typed into a cell, as a formula: it begins like one
/// and is more than that one character (a lone `-` is text).
pub fn runs_as_formula(value: &str) -> bool {
    looks_like_formula(value) && value.chars().count() > 1
}

/// Whether a spreadsheet would read this text as a formula (`=`, `+`, `-`, `@`, tab or carriage
/// return first).
pub fn looks_like_formula(value: &str) -> bool {
    matches!(
        value.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// Free text kept word for word in a cohort file that spreadsheets open (a survey comment): one
/// that begins like a formula, after any `'`, gains a `'` in front, which a spreadsheet shows
/// instead of running it; [`unquote_formula`] takes it off when the file is read. The pair is
/// exact for every text (a comment that itself begins with `'=` is stored as `''=`).
pub fn quote_formula(value: &str) -> std::borrow::Cow<'_, str> {
    if looks_like_formula(value.trim_start_matches('\'')) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// The text [`quote_formula`] was given, from what it wrote.
pub fn unquote_formula(stored: &str) -> &str {
    match stored.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest.trim_start_matches('\'')) => rest,
        _ => stored,
    }
}

/// Text made safe to print on a terminal: control characters and bidirectional controls are shown
/// as `\u{..}` escapes instead of acting on the terminal; line breaks stay only when `multiline`.
pub fn terminal_safe(value: &str, multiline: bool) -> std::borrow::Cow<'_, str> {
    if !value.chars().any(|c| forbidden_char(c, multiline)) {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        if forbidden_char(c, multiline) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Latin letters that letters of other scripts are easily mistaken for (Cyrillic and Greek look-alikes).
pub fn latin_look_alike(c: char) -> Option<char> {
    Some(match c {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ε' => 'e',
        'һ' => 'h',
        'і' | 'ι' | 'ı' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'ӏ' => 'l',
        'м' => 'm',
        'п' | 'η' => 'n',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' => 'u',
        'ν' => 'v',
        'ԝ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'ᴢ' => 'z',
        // Fullwidth forms of ASCII.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0)?,
        _ => return None,
    })
}

/// An email reduced to what a reader sees: lower case, look-alike letters as Latin ones, a `+tag`
/// and trailing dots dropped. Two different emails with one skeleton are easily confused.
pub fn email_skeleton(email: &str) -> String {
    let trimmed = email.trim();
    let folded: String = if trimmed.is_ascii() {
        trimmed.to_ascii_lowercase()
    } else {
        trimmed
            .to_lowercase()
            .chars()
            .map(|c| latin_look_alike(c).unwrap_or(c))
            .collect()
    };
    let folded = folded.trim_end_matches('.');
    match folded.split_once('@') {
        Some((local, domain)) => {
            let local = local
                .split('+')
                .next()
                .unwrap_or(local)
                .trim_end_matches('.');
            format!("{local}@{}", domain.trim_end_matches('.'))
        }
        None => folded.to_string(),
    }
}

/// How two different emails with one skeleton differ, for a message.
pub fn how_emails_differ(a: &str, b: &str) -> &'static str {
    let (a, b) = (a.trim(), b.trim());
    if a.eq_ignore_ascii_case(b) {
        "only by capital letters"
    } else if a.contains('+') || b.contains('+') {
        "only by a +tag"
    } else if a.ends_with('.') || b.ends_with('.') || a.contains(".@") || b.contains(".@") {
        "only by a trailing dot"
    } else {
        "only by a look-alike letter (another alphabet's letter that looks Latin)"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_to_its_column_with_an_ellipsis() {
        assert_eq!(within("short".into(), Kind::Short), "short");
        let long = "é".repeat(250);
        let cut = within(long, Kind::Short);
        assert_eq!(cut.chars().count(), Kind::Short.max_chars());
        assert!(cut.ends_with("é…"));
        assert_eq!(check(&cut, Kind::Short), Ok(()));
    }

    #[test]
    fn refuses_controls_bidi_and_long_text() {
        assert!(check("Ann Lee", Kind::Short).is_ok());
        assert!(check("José Ñúñez-O'Brien", Kind::Short).is_ok());
        for bad in [
            "a\nb",
            "a\u{1b}[31mb",
            "a\u{202E}b",
            "a\rb",
            "a\u{7}b",
            "a\u{85}b",
        ] {
            let e = check(bad, Kind::Short).expect_err(bad);
            assert!(e.contains("U+"), "{e}");
        }
        assert!(check("line one\nline two", Kind::Comment).is_ok());
        assert!(check("x\u{1b}", Kind::Comment).is_err());
        assert!(check(&"a".repeat(200), Kind::Short).is_ok());
        assert!(
            check(&"a".repeat(201), Kind::Short)
                .expect_err("long")
                .contains("200")
        );
    }

    #[test]
    fn terminal_text_never_carries_a_raw_escape() {
        assert_eq!(terminal_safe("a\u{1b}[2Jb", false), "a\\u{1b}[2Jb");
        assert_eq!(terminal_safe("plain", false), "plain");
        assert_eq!(terminal_safe("two\nlines", true), "two\nlines");
        assert_eq!(terminal_safe("two\nlines", false), "two\\u{a}lines");
    }

    #[test]
    fn look_alike_emails_share_a_skeleton() {
        let base = email_skeleton("ann.lee@x.example");
        for other in [
            "Ann.Lee@X.example",
            "ann.lee+scheme@x.example",
            "ann.lee@x.example.",
            "\u{430}nn.lee@x.example",
            "ann.l\u{435}e@x.\u{435}xample",
            "ａnn.lee@x.example",
        ] {
            assert_eq!(email_skeleton(other), base, "{other}");
        }
        assert_ne!(email_skeleton("ann.leigh@x.example"), base);
        assert_eq!(
            how_emails_differ("a+b@x.example", "a@x.example"),
            "only by a +tag"
        );
        assert!(how_emails_differ("\u{430}@x.example", "a@x.example").contains("look-alike"));
    }

    #[test]
    fn formulas_are_recognised() {
        assert!(looks_like_formula("=HYPERLINK(\"x\")"));
        assert!(looks_like_formula("@SUM(A1)"));
        // Quoted in a file and read back exactly, whatever the text.
        for text in [
            "=HYPERLINK(\"x\")",
            "- more time, please",
            "+1",
            "@Ann thank you",
            "'=1+2",
            "''-x",
            "'quoted'",
            "'",
            "",
            "Plain words.",
            "\tTabbed",
        ] {
            let stored = quote_formula(text);
            assert!(
                !looks_like_formula(&stored),
                "{text:?} stored as {stored:?}"
            );
            assert_eq!(
                unquote_formula(&stored),
                text,
                "{text:?} stored as {stored:?}"
            );
        }
        assert_eq!(quote_formula("=1"), "'=1");
        assert_eq!(quote_formula("'quoted'"), "'quoted'");
        assert!(!looks_like_formula("Ann"));
    }
}
