//! A match proposal as a table, CSV or JSON: every pair with names, score and reasons, and everyone
//! left unmatched with why.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::json;

use super::{Format, Listing};
use crate::cohort::Cohort;
use crate::matching::{Origin, Proposal};

/// Names by id, for labelling a listing without a scan per row (borrowed from the cohort: only
/// an erased person's label is made).
type Names<'a> = rustc_hash::FxHashMap<&'a str, Cow<'a, str>>;

fn names(cohort: &Cohort) -> Names<'_> {
    cohort
        .participants
        .iter()
        .map(|p| (p.id.as_str(), p.label()))
        .collect()
}

/// Pairs as a listing: ids, names, score, reasons, and whether each is proposed, locked or confirmed.
pub fn pair_listing<'a>(
    cohort: &Cohort,
    pairs: impl Iterator<Item = (&'a str, &'a str, f64, &'a str, &'a str)>,
) -> Listing {
    listing_named(&names(cohort), pairs)
}

/// [`pair_listing`] with the names by id already gathered.
fn listing_named<'a>(
    names: &Names<'_>,
    pairs: impl Iterator<Item = (&'a str, &'a str, f64, &'a str, &'a str)>,
) -> Listing {
    let name_of = |id: &str| names.get(id).map(Cow::to_string).unwrap_or_default();
    let mut l = Listing::new(&[
        "mentee",
        "mentee name",
        "mentor",
        "mentor name",
        "score",
        "reasons",
        "pair",
    ])
    .droppable(&["pair", "mentee", "mentor"]);
    for (mentee, mentor, score, reasons, pair) in pairs {
        l.push(vec![
            json!(mentee),
            json!(name_of(mentee)),
            json!(mentor),
            json!(name_of(mentor)),
            json!(score),
            json!(reasons),
            json!(pair),
        ]);
    }
    l
}

pub fn render(cohort: &Cohort, proposal: &Proposal, format: Format, dry_run: bool) -> String {
    let names = names(cohort);
    let name_of = |_: &Cohort, id: &str| names.get(id).map(Cow::to_string).unwrap_or_default();
    let mut unmatched = Listing::new(&["id", "role", "name", "why"]);
    for u in &proposal.unmatched {
        unmatched.push(vec![
            json!(u.id),
            json!(u.role.as_str()),
            json!(name_of(cohort, &u.id)),
            json!(u.why),
        ]);
    }
    // The pairs as a listing, for the formats that are not JSON.
    let pairs = || {
        listing_named(
            &names,
            proposal.pairs.iter().map(|p| {
                let origin = p.origin.as_str();
                (
                    p.mentee.as_str(),
                    p.mentor.as_str(),
                    p.score,
                    p.reasons.as_str(),
                    origin,
                )
            }),
        )
    };
    match format {
        Format::Json => json_document(proposal, &names, &unmatched, dry_run),
        Format::Csv => pairs().csv(),
        Format::Table => {
            let mut out = if proposal.pairs.is_empty() {
                "no pairs can be proposed yet: everyone below is left out, with why\n".to_string()
            } else {
                pairs().table()
            };
            if !unmatched.rows.is_empty() {
                out.push_str("\nleft unmatched:\n");
                out.push_str(&unmatched.table());
            }
            let _ = writeln!(
                out,
                "{} of {} eligible mentees matched · total score {}{}",
                proposal.mentees_matched,
                proposal.mentees_eligible,
                crate::model::format_number(proposal.total_score),
                proposal
                    .lowest_score
                    .map(|l| format!(" · lowest pair score {}", crate::model::format_number(l)))
                    .unwrap_or_default()
            );
            if dry_run {
                out.push_str("dry run: nothing written\n");
            } else if proposal.pairs.is_empty() {
                let _ = writeln!(
                    out,
                    "nothing to confirm yet: once people are briefed (`revmentor brief {}`) run `revmentor match {}` again",
                    cohort.name, cohort.name
                );
            } else if proposal.pairs.iter().any(|p| p.origin != Origin::Confirmed) {
                let _ = writeln!(
                    out,
                    "proposed pairs written to matches.csv; confirm them with `revmentor match {} --confirm`",
                    cohort.name
                );
            }
            out
        }
    }
}

/// A proposal as a JSON document: pairs, counts, who is left out.
fn json_document(
    proposal: &Proposal,
    names: &Names<'_>,
    unmatched: &Listing,
    dry_run: bool,
) -> String {
    // Written as it is serialised (thousands of pairs are neither copied into a `Value`
    // nor their names cloned); keys in sorted order, as every JSON object of this crate.
    #[derive(serde::Serialize)]
    struct Document<'a> {
        lowest_score: Option<f64>,
        mentees_eligible: usize,
        mentees_matched: usize,
        pairs: Vec<PairRow<'a>>,
        total_score: f64,
        unmatched: super::JsonRows<'a>,
        written: bool,
    }
    let name = |id: &str| names.get(id).map_or("", |n| n.as_ref());
    let document = Document {
        lowest_score: proposal.lowest_score,
        mentees_eligible: proposal.mentees_eligible,
        mentees_matched: proposal.mentees_matched,
        pairs: proposal
            .pairs
            .iter()
            .map(|p| PairRow {
                mentee: &p.mentee,
                mentee_name: name(&p.mentee),
                mentor: &p.mentor,
                mentor_name: name(&p.mentor),
                pair: p.origin.as_str(),
                reasons: &p.reasons,
                score: p.score,
            })
            .collect(),
        total_score: proposal.total_score,
        unmatched: unmatched.json_rows(),
        written: !dry_run,
    };
    // Written into room for about 300 bytes a row (a pair takes about 280), not grown by
    // doubling through half a megabyte.
    let rows = proposal.pairs.len() + proposal.unmatched.len();
    let mut bytes = Vec::with_capacity(rows.saturating_mul(300).saturating_add(256));
    // As many pairs as the proposal writes in halves (see `matching::pairs_apart`).
    let written = if document.pairs.len() >= crate::matching::pairs_apart().max(2) {
        let mut rest = document;
        let pairs = std::mem::take(&mut rest.pairs);
        pairs_in_halves(&pairs, &rest, &mut bytes)
    } else {
        serde_json::to_writer_pretty(&mut bytes, &document).is_ok()
    };
    if !written {
        bytes.clear();
    }
    bytes.push(b'\n');
    // serde_json writes UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// Writes `document` (whose pairs are empty) into `out` with `pairs` as its pairs: each half of
/// them serialised on its own, side by side, then put in place. The bytes are the ones
/// `to_writer_pretty` writes for the whole document: a half is serialised as the pairs of an
/// object of its own, at the same depth, and cut out between the array's brackets (items
/// begin with a line break and are separated by a comma); the document's empty array takes
/// them. Returns false if serialising failed or the document has no empty `pairs` array.
fn pairs_in_halves<T: serde::Serialize>(
    pairs: &[PairRow<'_>],
    document: &T,
    out: &mut Vec<u8>,
) -> bool {
    #[derive(serde::Serialize)]
    struct Half<'a> {
        pairs: &'a [PairRow<'a>],
    }
    const OPEN: &[u8] = b"{\n  \"pairs\": [";
    const CLOSE: &[u8] = b"\n  ]\n}";
    const EMPTY: &[u8] = b"\n  \"pairs\": []";
    let half = |pairs: &[PairRow<'_>]| -> Option<Vec<u8>> {
        let mut bytes = Vec::with_capacity(pairs.len().saturating_mul(300));
        serde_json::to_writer_pretty(&mut bytes, &Half { pairs }).ok()?;
        let items = bytes.strip_prefix(OPEN)?.strip_suffix(CLOSE)?;
        Some(items.to_vec())
    };
    let (first, second) = pairs.split_at(pairs.len() / 2);
    let (a, b) = crate::threads::join(true, || half(first), || half(second));
    let mut shell = Vec::with_capacity(1024);
    if serde_json::to_writer_pretty(&mut shell, document).is_err() {
        return false;
    }
    let (Some(a), Some(b), Some(at)) = (a, b, shell.windows(EMPTY.len()).position(|w| w == EMPTY))
    else {
        return false;
    };
    // Just inside the empty array's brackets.
    let inside = at + EMPTY.len() - 1;
    out.extend_from_slice(&shell[..inside]);
    out.extend_from_slice(&a);
    if !a.is_empty() && !b.is_empty() {
        out.push(b',');
    }
    out.extend_from_slice(&b);
    out.extend_from_slice(b"\n  ");
    out.extend_from_slice(&shell[inside..]);
    true
}

/// A pair as [`json_document`] writes it: the pair listing's columns as keys (see
/// `super::json_key`), in sorted order.
#[derive(serde::Serialize)]
struct PairRow<'a> {
    mentee: &'a str,
    mentee_name: &'a str,
    mentor: &'a str,
    mentor_name: &'a str,
    pair: &'a str,
    reasons: &'a str,
    score: f64,
}

/// `match --explain WHO`: the person's candidates, best first, each with score and reasons or why
/// not. Reasons name fields and topics only, never a characteristic's value.
pub fn explanation(cohort: &Cohort, x: &crate::explain::Explanation, format: Format) -> String {
    let names = names(cohort);
    let name_of = |id: &str| names.get(id).map(Cow::to_string).unwrap_or_default();
    let mut l = Listing::new(&[
        "rank",
        "candidate",
        "name",
        "score",
        "reasons",
        "score lost",
        "mentees lost",
        "why not",
    ])
    .droppable(&["candidate"]);
    for c in &x.candidates {
        l.push(vec![
            json!(c.rank),
            json!(c.id),
            json!(name_of(&c.id)),
            json!(c.score),
            json!(c.reasons),
            json!(c.score_lost),
            json!(c.mentees_lost),
            json!(
                c.pair
                    .map_or_else(|| c.why_not.clone(), |o| o.as_str().to_string())
            ),
        ]);
    }
    match format {
        Format::Json => {
            let value = json!({
                "id": x.id,
                "name": name_of(&x.id),
                "role": x.role.as_str(),
                "partner": x.partners.first().map(|(id, _)| id),
                "partners": x
                    .partners
                    .iter()
                    .map(|(id, origin)| json!({ "id": id, "pair": origin.as_str() }))
                    .collect::<Vec<_>>(),
                "not_eligible": x.not_eligible,
                "total_score": x.total_score,
                "mentees_matched": x.mentees_matched,
                "candidates": l.json(),
            });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            )
        }
        Format::Csv => l.csv(),
        Format::Table => {
            let mut out = format!(
                "{} ({}, {}): {}\n",
                x.id,
                name_of(&x.id),
                x.role.as_str(),
                match (x.partners.is_empty(), &x.not_eligible) {
                    (_, Some(why)) => format!("cannot be matched: {why}"),
                    (false, None) => x
                        .partners
                        .iter()
                        .map(|(p, origin)| format!("{} with {p} ({})", origin.as_str(), name_of(p)))
                        .collect::<Vec<_>>()
                        .join("; "),
                    (true, None) => "left unmatched by the proposal".to_string(),
                }
            );
            out.push_str(&l.table());
            let _ = writeln!(
                out,
                "ranked by what locking each pair would cost the cohort (`match --lock`), against the proposal: {} mentees matched, total score {}",
                x.mentees_matched,
                crate::model::format_number(x.total_score)
            );
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::ProposedPair;

    /// The JSON pairs are written straight from the proposal; they must stay what the pair
    /// listing's JSON rows would be (every column, its key, its value), whatever is added to it.
    #[test]
    fn json_pairs_written_straight_are_the_pair_listings_rows() {
        let names: Names<'_> = [
            ("p001", "Zoë \"Zed\" O'Neil".into()),
            ("p002", "Ana\tMaría".into()),
            ("p003", "=SUM(A1)".into()),
        ]
        .into_iter()
        .collect();
        let pair = |mentee: &str, mentor: &str, score: f64, reasons: &str, origin| ProposedPair {
            mentee: mentee.into(),
            mentor: mentor.into(),
            score,
            reasons: reasons.into(),
            origin,
        };
        let proposal = Proposal {
            pairs: vec![
                pair(
                    "p001",
                    "p002",
                    3.25,
                    "differs in gender; shares: \"power\"",
                    Origin::Proposed,
                ),
                pair("p003", "p404", 0.0, "", Origin::Locked),
                pair(
                    "p005",
                    "p002",
                    12.0,
                    "département ≠ \\ / \u{1F600}",
                    Origin::Confirmed,
                ),
            ],
            unmatched: Vec::new(),
            mentees_eligible: 4,
            mentees_matched: 3,
            total_score: 15.25,
            lowest_score: Some(0.0),
        };
        let unmatched = Listing::new(&["id", "role", "name", "why"]);
        let written: serde_json::Value =
            serde_json::from_str(&json_document(&proposal, &names, &unmatched, true))
                .expect("the document is JSON");
        let listing = listing_named(
            &names,
            proposal.pairs.iter().map(|p| {
                (
                    p.mentee.as_str(),
                    p.mentor.as_str(),
                    p.score,
                    p.reasons.as_str(),
                    p.origin.as_str(),
                )
            }),
        );
        let rows = serde_json::to_string_pretty(&listing.json_rows()).expect("rows");
        let straight =
            serde_json::to_string_pretty(&written["pairs"]).expect("the document's pairs");
        assert_eq!(straight, rows);
    }

    /// A large proposal's JSON pairs are written in two halves and put in place: the document
    /// must be the bytes one serialisation of the whole writes, for any number of pairs (odd,
    /// even, two), with people left unmatched after the pairs and text that JSON escapes.
    #[test]
    fn json_pairs_written_in_halves_are_the_whole_documents_bytes() {
        let names: Names<'_> = [
            ("p001", "Zoë \"Zed\" O'Neil".into()),
            ("p002", "Ana\tMaría".into()),
        ]
        .into_iter()
        .collect();
        let origins = [Origin::Proposed, Origin::Locked, Origin::Confirmed];
        let mut unmatched = Listing::new(&["id", "role", "name", "why"]);
        unmatched.push(vec![
            json!("p009"),
            json!("mentee"),
            json!("Jo \"]\n\"pairs\": []"),
            json!("no mentor left"),
        ]);
        for n in [2usize, 3, 7, 10] {
            let pairs = (0..n)
                .map(|k| crate::matching::ProposedPair {
                    mentee: format!("p00{}", k % 3),
                    mentor: format!("p1{k:02}"),
                    score: k as f64 / 4.0,
                    reasons: format!("differs in \"gender\" \u{1F600} {k}"),
                    origin: origins[k % 3],
                })
                .collect();
            let proposal = Proposal {
                pairs,
                unmatched: Vec::new(),
                mentees_eligible: n + 1,
                mentees_matched: n,
                total_score: 1.5,
                lowest_score: None,
            };
            let whole = json_document(&proposal, &names, &unmatched, false);
            crate::matching::TEST_PAIRS_APART.set(2);
            let halves = json_document(&proposal, &names, &unmatched, false);
            crate::matching::TEST_PAIRS_APART.set(crate::matching::PAIRS_APART);
            assert!(whole.contains("\"mentor\": \"p100\""), "{whole}");
            assert_eq!(halves, whole, "{n} pairs");
        }
    }

    /// The halves are put in place of the first empty `pairs` array of the document, the one
    /// `to_writer_pretty` writes for its field, whatever comes before and after it.
    #[test]
    fn pairs_in_halves_fill_the_documents_own_array() {
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            before: &'a str,
            pairs: Vec<PairRow<'a>>,
            after: Vec<u32>,
        }
        let row = |k: usize| PairRow {
            mentee: "p001",
            mentee_name: "A",
            mentor: if k.is_multiple_of(2) { "p002" } else { "p003" },
            mentor_name: "B",
            pair: "proposed",
            reasons: "",
            score: 1.0,
        };
        let rows: Vec<PairRow<'_>> = (0..5).map(row).collect();
        let full = Doc {
            before: "\"pairs\": []",
            pairs: (0..5).map(row).collect(),
            after: vec![1, 2],
        };
        let expected = serde_json::to_vec_pretty(&full).expect("serialised");
        let mut out = Vec::new();
        let shell = Doc {
            pairs: Vec::new(),
            ..full
        };
        assert!(pairs_in_halves(&rows, &shell, &mut out));
        assert_eq!(String::from_utf8(out), String::from_utf8(expected));
    }
}
