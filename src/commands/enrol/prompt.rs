//! An applicant from prompts on a terminal (`enrol --interactive`).

use anyhow::Result;

use crate::cohort::Cohort;
use crate::cohort::config::YesNo;
use crate::import::{self, Applicant};
use crate::model::{Role, is_email, normalise_email};

pub(super) fn prompt(cohort: &Cohort) -> Result<Applicant> {
    use dialoguer::{Input, Select};
    let role = match Select::new()
        .with_prompt("Role")
        .items(["mentor (staff member)", "mentee (senior leader)"])
        .default(0)
        .interact()?
    {
        0 => Role::Mentor,
        _ => Role::Mentee,
    };
    let name: String = Input::new()
        .with_prompt("Full name")
        .validate_with(|s: &String| {
            if s.trim().is_empty() {
                Err("a name is needed".to_string())
            } else {
                prompt_text(s, crate::text::Kind::Short)
            }
        })
        .interact_text()?;
    let taken: Vec<String> = cohort
        .participants
        .iter()
        .map(|p| p.email.clone())
        .collect();
    let email: String = Input::new()
        .with_prompt("Email")
        .validate_with(move |s: &String| {
            let e = normalise_email(s);
            if !is_email(&e) {
                Err("not an email address (name@domain)".to_string())
            } else if taken.contains(&e) {
                Err(format!("{e} is already enrolled in this cohort"))
            } else {
                Ok(())
            }
        })
        .interact_text()?;
    let optional = |label: &str| -> Result<String> {
        Ok(Input::<String>::new()
            .with_prompt(label)
            .allow_empty(true)
            .validate_with(|s: &String| prompt_text(s, crate::text::Kind::Short))
            .interact_text()?)
    };
    let department = optional("Department")?;
    let grade = optional("Grade")?;
    let manager: String = Input::new()
        .with_prompt("Line manager's email, id or name (empty if not known)")
        .allow_empty(true)
        .validate_with(|s: &String| import::check_manager(s).map(|_| ()))
        .interact_text()?;
    let mut traits = Vec::new();
    for c in &cohort.config.cohort.characteristics {
        let label = format!(
            "{} (self-declared; empty or 'Prefer not to say' is fine)",
            c.replace('_', " ")
        );
        traits.push(Some(optional(&label)?));
    }
    let mut answers = Vec::new();
    if role == Role::Mentor {
        for (i, c) in cohort.config.eligibility.iter().enumerate() {
            let pick = Select::new()
                .with_prompt(&c.question)
                .items(["Yes", "No"])
                .default(if c.required == YesNo::Yes { 0 } else { 1 })
                .interact()?;
            answers.push((i, if pick == 0 { YesNo::Yes } else { YesNo::No }));
        }
    }
    Ok(Applicant {
        origin: import::Origin::named("the prompts"),
        role: Some(role),
        name: Some(name.trim().to_string()),
        email: normalise_email(&email),
        department: Some(department.trim().to_string()),
        grade: Some(grade.trim().to_string()),
        manager: Some(import::check_manager(&manager).unwrap_or_default()),
        conflicts: None,
        interests: None,
        traits,
        answers,
        answer_again: Vec::new(),
    })
}

/// A prompt's answer checked as every text field is (characters, length, no formula).
fn prompt_text(value: &str, kind: crate::text::Kind) -> Result<(), String> {
    crate::text::check(value.trim(), kind)?;
    if crate::text::runs_as_formula(value.trim()) {
        return Err("a spreadsheet would run this as a formula: remove the first character".into());
    }
    Ok(())
}
