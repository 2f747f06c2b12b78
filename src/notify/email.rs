//! Messages as RFC 5322 bytes (lettre's builder): UTF-8 plain text, the invitation attached as
//! `text/calendar; method=REQUEST`, a deterministic Message-ID and MIME boundary, and for a draft
//! the `X-Unsent: 1` header that makes Outlook and Thunderbird open it as a message to send.
//! Pure: the date is given.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use super::Outgoing;

/// How a message is made: a draft to open and send from a mail client, or one to send now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Draft,
    Send,
}

/// The sender as a mailbox, from `[messages] sender`.
pub fn sender(name: &str, email: &str) -> Result<Mailbox, String> {
    let address = email.parse().map_err(|e| {
        format!("cohort.toml: [messages] sender = \"{email}\" cannot be used as an address ({e})")
    })?;
    Ok(Mailbox::new(
        (!name.is_empty()).then(|| name.to_string()),
        address,
    ))
}

/// Build one message. An address the mail library cannot use is an error naming its owner.
pub fn build(
    out: &Outgoing,
    from: &Mailbox,
    date: DateTime<Utc>,
    purpose: Purpose,
) -> Result<Message, String> {
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(out.subject.clone())
        .message_id(Some(out.message_id.clone()))
        .date(SystemTime::from(date));
    for r in &out.to {
        let address = r.email.parse().map_err(|e| {
            format!(
                "{} ({}): the email {} cannot be used to send a message ({e})",
                r.id, r.name, r.email
            )
        })?;
        builder = builder.to(Mailbox::new(Some(r.name.clone()), address));
    }
    for cc in &out.cc {
        let address = cc.parse().map_err(|e| {
            format!("cohort.toml: [messages] escalate_to = \"{cc}\" cannot be used ({e})")
        })?;
        builder = builder.cc(Mailbox::new(None, address));
    }
    if purpose == Purpose::Draft {
        builder = builder.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("X-Unsent"),
            "1".to_string(),
        ));
    }
    let text = SinglePart::plain(out.body.clone());
    let built = match &out.invitation {
        None => builder.singlepart(text),
        Some(ics) => {
            let calendar = ContentType::parse("text/calendar; method=REQUEST; charset=utf-8")
                .map_err(|e| e.to_string())?;
            let boundary = format!(
                "revmentor-{:08x}{:08x}",
                super::fnv1a(out.message_id.as_bytes()),
                super::fnv1a(out.subject.as_bytes())
            );
            builder.multipart(
                MultiPart::mixed()
                    .boundary(boundary)
                    .singlepart(text)
                    .singlepart(
                        Attachment::new("invitation.ics".to_string()).body(ics.clone(), calendar),
                    ),
            )
        }
    };
    built.map_err(|e| format!("cannot build the message {}: {e}", out.message_id))
}

/// A draft's file name: its place in the run, kind and recipients' ids (`0003-introduction-p015-p002.eml`).
pub fn draft_name(n: usize, out: &Outgoing) -> String {
    let ids: Vec<&str> = out.to.iter().map(|r| r.id.as_str()).collect();
    format!("{:04}-{}-{}.eml", n + 1, out.kind.as_str(), ids.join("-"))
}
