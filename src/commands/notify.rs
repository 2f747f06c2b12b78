//! `revmentor notify`: the messages of a cohort's life, listed (`--dry-run`), shown
//! (`--preview`), written as drafts (`--drafts DIR`) or sent through the SMTP relay (`--send`);
//! each message written or sent is logged in `messages.csv`, in the same commit.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::Ctx;
use crate::cohort::config::TlsMode;
use crate::cohort::{Cohort, Load};
use crate::model::{Phase, Via};
use crate::notify::email::{self, Purpose};
use crate::notify::{self, Kind, Outgoing, Plan, Request, Templates};
use crate::render::{Format, Listing};
use crate::store::Change;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KindArg {
    /// to mentor applicants: received, accepted, or not eligible (and why, kindly)
    Application,
    /// invitations to a briefing, and to the group evaluation session, with the .ics
    Briefing,
    /// to each confirmed pair: who the other is, the ground rules, the first one-to-one
    Introduction,
    /// to each pair with a one-to-one in the next days
    Reminder,
    /// to each overdue pair; from the second for one lapse, the coordinator is copied
    Chaser,
    /// the baseline or final survey's link
    Survey,
    /// at the close, with the date of the evaluation session
    Thanks,
}

impl KindArg {
    fn kind(self) -> Kind {
        match self {
            KindArg::Application => Kind::Application,
            KindArg::Briefing => Kind::Briefing,
            KindArg::Introduction => Kind::Introduction,
            KindArg::Reminder => Kind::Reminder,
            KindArg::Chaser => Kind::Chaser,
            KindArg::Survey => Kind::Survey,
            KindArg::Thanks => Kind::Thanks,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PhaseArg {
    Baseline,
    Final,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cohort
    pub cohort: String,
    /// Which message
    #[arg(value_enum)]
    pub kind: KindArg,
    /// Only to these people (id or email; for a pair's messages, either of the two)
    #[arg(long, value_name = "WHO")]
    pub who: Vec<String>,
    /// List recipients and subjects; write and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Write each message as a draft (.eml, opens as a message to send) into this folder
    #[arg(long, value_name = "DIR", conflicts_with = "send")]
    pub drafts: Option<PathBuf>,
    /// Send through the SMTP relay set in cohort.toml ([messages])
    #[arg(long)]
    pub send: bool,
    /// Print the messages the people named (or everyone the kind can go to) would get, whatever
    /// the date and the log
    #[arg(long, conflicts_with_all = ["drafts", "send", "dry_run", "resend"])]
    pub preview: bool,
    /// Write or send again what messages.csv says went already
    #[arg(long)]
    pub resend: bool,
    /// survey: which one (default: final in the cohort's last max_weeks weeks, else baseline)
    #[arg(long, value_enum)]
    pub phase: Option<PhaseArg>,
    /// briefing: invite to this session only (an id from briefings.csv)
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    /// reminder: one-to-ones planned within this many days (default: remind_within_days)
    #[arg(long, value_name = "DAYS")]
    pub within: Option<u32>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Flags that belong to one kind only are usage errors elsewhere.
fn check_flags(args: &Args) -> Result<()> {
    let kind = args.kind.kind();
    for (given, flag, owner) in [
        (args.phase.is_some(), "--phase", Kind::Survey),
        (args.session.is_some(), "--session", Kind::Briefing),
        (args.within.is_some(), "--within", Kind::Reminder),
    ] {
        if given && kind != owner {
            return crate::usage(format!("{flag} is for `notify COHORT {owner}`, not {kind}"));
        }
    }
    if args
        .within
        .is_some_and(|w| w > crate::cohort::config::MAX_MESSAGE_DAYS)
    {
        return crate::usage(format!(
            "--within: at most {} days",
            crate::cohort::config::MAX_MESSAGE_DAYS
        ));
    }
    Ok(())
}

fn request(args: &Args) -> Request {
    Request {
        kind: args.kind.kind(),
        who: args.who.clone(),
        preview: args.preview,
        resend: args.resend,
        phase: args.phase.map(|p| match p {
            PhaseArg::Baseline => Phase::Baseline,
            PhaseArg::Final => Phase::Final,
        }),
        session: args.session.clone(),
        within: args.within,
    }
}

/// One error listing every problem, saying nothing was written or sent.
fn problems(items: &[String], source: &str) -> anyhow::Error {
    let list = items
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n");
    anyhow!(
        "{} in {source}; nothing was written or sent:\n{list}",
        crate::problems::count(items.len(), "problem", "problems")
    )
}

fn plan(cohort: &Cohort, request: &Request, templates: &Templates, ctx: &Ctx) -> Result<Plan> {
    notify::plan(cohort, request, templates, ctx.today)
        .map_err(|p| problems(&p, &format!("cohort {}", cohort.name)))
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    check_flags(args)?;
    let request = request(args);
    let overrides = ctx.store.templates(&args.cohort)?;
    let templates = Templates::load(&overrides).map_err(|p| {
        problems(
            &p,
            &format!("the message templates of cohort {}", args.cohort),
        )
    })?;
    let load = Load::WITHOUT_CHARACTERISTICS;
    if args.dry_run || args.preview || (args.drafts.is_none() && !args.send) {
        let cohort = ctx.store.open(&args.cohort, load)?;
        let plan = plan(&cohort, &request, &templates, ctx)?;
        notes(&plan);
        if args.preview {
            return crate::out::emit(&preview(&plan));
        }
        crate::out::emit(&listing(&plan.messages, None).render(args.format))?;
        if !args.dry_run {
            crate::out::note(&format!(
                "nothing was written or sent: add --drafts DIR to write drafts, or --send to send (`revmentor notify {} {} --send`)",
                cohort.name, request.kind
            ));
        }
        return Ok(());
    }
    let (cohort, change) = ctx.store.open_for_change(&args.cohort, load)?;
    let plan = plan(&cohort, &request, &templates, ctx)?;
    notes(&plan);
    if plan.messages.is_empty() {
        crate::out::note(&format!(
            "no {} message is due: nothing was written or sent",
            request.kind
        ));
        return Ok(());
    }
    let from = sender(&cohort)?;
    let purpose = if args.send {
        Purpose::Send
    } else {
        Purpose::Draft
    };
    let built = build(&plan.messages, &from, now(ctx), purpose)?;
    match &args.drafts {
        Some(dir) => write_drafts(ctx, args, dir, (cohort, change), &plan, &built),
        None => send(ctx, args, (cohort, change), &plan, &built),
    }
}

/// Write the drafts, then log them in the same commit as any other change.
fn write_drafts(
    ctx: &Ctx,
    args: &Args,
    dir: &std::path::Path,
    (mut cohort, change): (Cohort, Change),
    plan: &Plan,
    built: &[lettre::Message],
) -> Result<()> {
    let files: Vec<(String, Vec<u8>)> = plan
        .messages
        .iter()
        .zip(built)
        .enumerate()
        .map(|(i, (m, b))| (email::draft_name(i, m), b.formatted()))
        .collect();
    // Drafts name people: entered in the cohort's register first, so an erasure lists them.
    change.register_outputs(&cohort, "draft", ctx.today, dir, &files)?;
    let folder = ctx.store.write_outputs(dir, &files)?;
    notify::log::record(&mut cohort, &plan.messages, Via::Draft, ctx.today);
    change.commit(&cohort)?;
    let names: Vec<String> = files.into_iter().map(|(n, _)| n).collect();
    crate::out::emit(&listing(&plan.messages, Some(&names)).render(args.format))?;
    crate::out::note(&format!(
        "{} written to {} (open each in your mail client and send it); logged in messages.csv",
        crate::problems::count(names.len(), "draft", "drafts"),
        folder.display()
    ));
    Ok(())
}

/// Send over one connection, then log what went (all of it, or what went before a failure).
fn send(
    ctx: &Ctx,
    args: &Args,
    (mut cohort, change): (Cohort, Change),
    plan: &Plan,
    built: &[lettre::Message],
) -> Result<()> {
    let relay = relay(&cohort)?;
    let outcome = crate::mail::send_all(&relay, built)
        .map_err(|e| anyhow!("{e}\nnothing was sent, and nothing was written"))?;
    let sent = &plan.messages[..outcome.sent];
    notify::log::record(&mut cohort, sent, Via::Smtp, ctx.today);
    if !sent.is_empty() {
        change.commit(&cohort).map_err(|e| {
            anyhow!(
                "{e:#}\n{} went but could not be logged in messages.csv: {}; a re-run would send them again",
                crate::problems::count(sent.len(), "message", "messages"),
                who(sent)
            )
        })?;
    }
    let status: Vec<String> = (0..plan.messages.len())
        .map(|i| if i < outcome.sent { "sent" } else { "not sent" }.to_string())
        .collect();
    crate::out::emit(&listing(&plan.messages, Some(&status)).render(args.format))?;
    match outcome.failure {
        None => {
            crate::out::note(&format!(
                "{} sent through {}; logged in messages.csv",
                crate::problems::count(sent.len(), "message", "messages"),
                relay.host
            ));
            Ok(())
        }
        Some(failure) => bail!(
            "{failure}\nsent ({}): {}\nnot sent ({}): {}\nmessages.csv records what was sent: run the same command again to send the rest",
            sent.len(),
            if sent.is_empty() {
                "none".to_string()
            } else {
                who(sent)
            },
            plan.messages.len() - sent.len(),
            who(&plan.messages[outcome.sent..])
        ),
    }
}

/// The recipients of messages, for a report: `introduction to p015, p002; ...`.
fn who(messages: &[Outgoing]) -> String {
    messages
        .iter()
        .map(|m| {
            let ids: Vec<&str> = m.to.iter().map(|r| r.id.as_str()).collect();
            format!("{} to {}", m.kind, ids.join(" and "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn notes(plan: &Plan) {
    for n in &plan.notes {
        crate::out::note(n);
    }
}

/// The moment in each message's Date: now, or 09:00 UTC of "today" when it is pinned (so drafts
/// come out the same on every run).
fn now(ctx: &Ctx) -> DateTime<Utc> {
    match std::env::var("REVMENTOR_TODAY") {
        Ok(t) if !t.trim().is_empty() => ctx
            .today
            .and_hms_opt(9, 0, 0)
            .map_or_else(Utc::now, |d| d.and_utc()),
        _ => Utc::now(),
    }
}

/// `[messages] sender`, which drafts and sent messages need.
fn sender(cohort: &Cohort) -> Result<lettre::message::Mailbox> {
    let (name, address) = cohort.config.messages.sender_mailbox();
    if address.is_empty() {
        bail!(
            "cohort.toml: [messages] sender is empty: set the From of every message, like sender = \"Reverse mentoring <mentoring@your.org>\"; nothing was written or sent"
        );
    }
    email::sender(&name, &address).map_err(|e| anyhow!(e))
}

fn build(
    messages: &[Outgoing],
    from: &lettre::message::Mailbox,
    date: DateTime<Utc>,
    purpose: Purpose,
) -> Result<Vec<lettre::Message>> {
    let mut built = Vec::with_capacity(messages.len());
    let mut bad = Vec::new();
    for m in messages {
        match email::build(m, from, date, purpose) {
            Ok(b) => built.push(b),
            Err(e) => bad.push(e),
        }
    }
    if bad.is_empty() {
        Ok(built)
    } else {
        Err(problems(&bad, "the messages"))
    }
}

/// The relay from cohort.toml, with the password from the environment variable it names.
fn relay(cohort: &Cohort) -> Result<crate::mail::Relay> {
    let s = &cohort.config.messages;
    if s.smtp_host.trim().is_empty() {
        bail!(
            "cohort.toml: [messages] smtp_host is empty: set the organisation's SMTP relay (smtp_host, smtp_port, smtp_tls) to send, or write drafts with --drafts DIR; nothing was sent"
        );
    }
    let credentials = if s.smtp_user.trim().is_empty() {
        None
    } else {
        let password = std::env::var(&s.smtp_password_env).unwrap_or_default();
        if password.is_empty() {
            bail!(
                "the environment variable {} holds no password for the SMTP login {}: set it (it is never read from a file, nor printed); nothing was sent",
                s.smtp_password_env,
                s.smtp_user
            );
        }
        Some((s.smtp_user.trim().to_string(), password))
    };
    let host = s.smtp_host.trim().to_string();
    let local = matches!(host.as_str(), "localhost" | "127.0.0.1" | "::1");
    if s.smtp_tls == TlsMode::None && credentials.is_some() && !local {
        bail!(
            "cohort.toml: [messages] smtp_tls = \"none\" would send the password to {host} unencrypted: use \"starttls\" (port 587) or \"tls\" (port 465); nothing was sent"
        );
    }
    Ok(crate::mail::Relay {
        host,
        port: s.smtp_port,
        tls: s.smtp_tls,
        credentials,
        timeout: Duration::from_secs(30),
    })
}

/// What went, or would go: kind, recipients, subject, invitation, and where each went.
fn listing(messages: &[Outgoing], outcome: Option<&[String]>) -> Listing {
    let columns: &[&'static str] = match outcome {
        None => &["kind", "about", "to", "cc", "subject", "invitation"],
        Some(_) => &[
            "kind",
            "about",
            "to",
            "cc",
            "subject",
            "invitation",
            "result",
        ],
    };
    let mut l = Listing::new(columns);
    for (i, m) in messages.iter().enumerate() {
        let to: Vec<String> =
            m.to.iter()
                .map(|r| format!("{} <{}>", r.name, r.email))
                .collect();
        let mut row = vec![
            json!(m.kind.as_str()),
            json!(m.about),
            json!(to.join(", ")),
            json!(m.cc.join(", ")),
            json!(m.subject),
            json!(if m.invitation.is_some() { "yes" } else { "" }),
        ];
        if let Some(results) = outcome {
            row.push(json!(results.get(i).cloned().unwrap_or_default()));
        }
        l.push(row);
    }
    l
}

/// Each message as its recipients would read it.
fn preview(plan: &Plan) -> String {
    let mut out = String::new();
    for (i, m) in plan.messages.iter().enumerate() {
        if i > 0 {
            out.push_str("\n----------------------------------------\n\n");
        }
        let to: Vec<String> =
            m.to.iter()
                .map(|r| format!("{} <{}>", r.name, r.email))
                .collect();
        let _ = writeln!(out, "To: {}", to.join(", "));
        if !m.cc.is_empty() {
            let _ = writeln!(out, "Cc: {}", m.cc.join(", "));
        }
        let _ = writeln!(out, "Subject: {}", m.subject);
        if m.invitation.is_some() {
            out.push_str("Attached: invitation.ics (text/calendar; method=REQUEST)\n");
        }
        out.push('\n');
        out.push_str(&m.body);
    }
    out
}
