//! An applicant from `enrol`'s flags: `--role`, `--name`, `--email` and the rest.

use anyhow::Result;

use super::Args;
use crate::cohort::Cohort;
use crate::cohort::config::YesNo;
use crate::import::{self, Applicant};
use crate::model::{Role, is_email, normalise_email};

pub(super) fn from_flags(cohort: &Cohort, args: &Args) -> Result<Applicant> {
    let Some(email) = &args.email else {
        return crate::usage(
            "enrol needs --role, --name and --email (or --from FILE.csv, or --interactive); --update needs at least --email",
        );
    };
    let (role, name) = match (args.role, &args.name) {
        (Some(role), Some(name)) => (Some(role), Some(name)),
        (role, name) if args.update => (role, name.as_ref()),
        _ => {
            return crate::usage(
                "enrol needs --role, --name and --email (or --from FILE.csv, or --interactive)",
            );
        }
    };
    let email = normalise_email(email);
    if !is_email(&email) {
        let skeleton = crate::text::email_skeleton(&email);
        let resembles = cohort
            .participants
            .iter()
            .find(|p| !p.email.is_empty() && crate::text::email_skeleton(&p.email) == skeleton);
        return crate::usage(match resembles {
            Some(p) => format!(
                "--email \"{email}\" is not an email address, and looks like the email of {} ({}): they differ {}",
                p.who(),
                p.email,
                crate::text::how_emails_differ(&email, &p.email)
            ),
            None => format!(
                "--email \"{}\" is not an email address (expected name@domain)",
                args.email.as_deref().unwrap_or_default()
            ),
        });
    }
    if name.is_some_and(|n| n.trim().is_empty()) {
        return crate::usage("--name is empty: every participant has a name");
    }
    let traits = traits_from_flags(cohort, args)?;
    let answers = answers_from_flags(cohort, args)?;
    let manager = match &args.manager {
        Some(m) => {
            let directory = crate::cohort::org::Directory::new(cohort, Vec::new());
            let checked = import::check_manager(m)
                .and_then(|m| directory.manager(&m, "the cohort or org.csv"))
                .map_err(|e| crate::UsageError(format!("--manager: {e}")))?;
            Some(checked)
        }
        None => None,
    };
    Ok(Applicant {
        origin: import::Origin::named("the command line"),
        role,
        name: name.map(|n| n.trim().to_string()),
        email,
        department: args.department.clone(),
        grade: args.grade.clone(),
        manager,
        conflicts: (!args.conflicts.is_empty()).then(|| args.conflicts.clone()),
        interests: if args.interests.is_empty() {
            None
        } else {
            Some(
                import::topics(&cohort.config.evaluation.topics, &args.interests)
                    .map_err(|e| crate::UsageError(format!("--interest: {e}")))?,
            )
        },
        traits,
        answers: if role == Some(Role::Mentee) {
            Vec::new()
        } else {
            answers
        },
        answer_again: Vec::new(),
    })
}

/// `--trait NAME=VALUE` flags, one slot per characteristic of the cohort.
fn traits_from_flags(cohort: &Cohort, args: &Args) -> Result<Vec<Option<String>>> {
    let characteristics = &cohort.config.cohort.characteristics;
    let mut traits = vec![None; characteristics.len()];
    for t in &args.traits {
        let (k, v) = t.split_once('=').ok_or_else(|| {
            crate::UsageError(format!(
                "--trait \"{t}\" is not NAME=VALUE (like gender=Woman)"
            ))
        })?;
        let Some(i) = characteristics.iter().position(|c| c == k.trim()) else {
            return crate::usage(format!(
                "--trait {k}: not a characteristic of this cohort; valid: {}",
                characteristics.join(", ")
            ));
        };
        traits[i] = Some(v.trim().to_string());
    }
    Ok(traits)
}

/// `--answer ID=yes|no` flags, by criterion index.
fn answers_from_flags(cohort: &Cohort, args: &Args) -> Result<Vec<(usize, YesNo)>> {
    let mut answers = Vec::new();
    for a in &args.answers {
        let parsed = a.split_once('=').and_then(|(k, v)| {
            let i = cohort
                .config
                .eligibility
                .iter()
                .position(|c| c.id == k.trim())?;
            Some((i, YesNo::parse(v)?))
        });
        match parsed {
            Some(answer) => answers.push(answer),
            None => {
                return crate::usage(format!(
                    "--answer \"{a}\" is not ID=yes|no with ID one of: {}",
                    cohort
                        .config
                        .eligibility
                        .iter()
                        .map(|c| c.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    Ok(answers)
}
