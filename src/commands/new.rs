//! `sen new`: write a new record file from a commented skeleton, at the date-named path
//! records.md gives, and print its path. It never writes over a file that exists, and writes
//! only through [`crate::write`], so never through a link.
//!
//! Every skeleton starts with a `yaml-language-server` header pointing at the record's JSON
//! Schema in the root's `.schemas/` folder (written by `sen init` or `sen schema --out-dir
//! .schemas`), so an editor checks the file as it is typed. What a skeleton holds loads
//! with no `invalid` finding: the values a person must supply are left null, and the one
//! required census code is `NSA` ("no specialist assessment of type of need") until known.

use std::path::Path;

use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::cli::{NewArgs, NewWhat};
use crate::dates::{add_days, iso, uk};
use crate::model::{InvitedRole, Invitee};
use crate::schema::SCHEMA_DIR;
use crate::settings::{Ctx, parse_date};
use crate::skeleton::{PupilSkeleton, header, or_null, pupil_yaml, quote};

/// A new cycle's plan is reviewed this many weeks after the cycle starts (cli.md).
pub const REVIEW_WEEKS: i64 = 6;

pub fn run(args: &NewArgs, ctx: &Ctx) -> Result<i32> {
    let root = ctx.root()?;
    let new = prepare(root, ctx.as_of, &args.what, &Extra::default())?;
    for w in &new.warnings {
        eprintln!("warning: {w}");
    }
    let path = root.join(&new.rel);
    crate::write::create_new(root, &new.rel, new.text.as_bytes())?;
    if !root.join(SCHEMA_DIR).is_dir() {
        eprintln!(
            "note: no {SCHEMA_DIR}/ folder in the records, so editors cannot check this file yet\n  help: run `sen schema --out-dir {}` once (see docs/editors.md)",
            root.join(SCHEMA_DIR).display()
        );
    }
    println!("{}", path.display());
    Ok(0)
}

/// What `sen serve`'s forms add to what the command line gives: a new pupil's status and
/// needs, a cycle's outcomes, provision from the catalogue and review date, and an EHC
/// request's date. Empty, the file is the command line's byte for byte.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// A new pupil's `sen.status` code (default K).
    pub status: Option<&'static str>,
    /// A new pupil's `sen.primary_need` code (default NSA).
    pub primary_need: Option<&'static str>,
    /// A new pupil's `sen.secondary_need` code.
    pub secondary_need: Option<&'static str>,
    /// A cycle's `plan.review_due`, instead of [`REVIEW_WEEKS`] after the start.
    pub review_due: Option<NaiveDate>,
    /// A cycle's `plan.outcomes`: id (empty if none given), outcome, measure.
    pub outcomes: Vec<[String; 3]>,
    /// A cycle's `plan.provision`: ids of the school's catalogue.
    pub provision: Vec<String>,
    /// ehcp.yaml's `local_authority`, instead of school.yaml's.
    pub local_authority: Option<String>,
    /// ehcp.yaml's `assessment.requested`: the request for an EHC needs assessment.
    pub requested: Option<NaiveDate>,
}

/// A new record, ready to write: its path under the root, its text, and what the person
/// should know (written on standard error by the command line, shown by a form).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub rel: String,
    pub text: String,
    pub warnings: Vec<String>,
}

/// A refusal about one option of `sen new` (`--dob`, `--date` ...), so a form can show it
/// beside the field that gave it. Its text is the command line's.
#[derive(Debug)]
pub struct OptionError {
    pub option: &'static str,
    pub message: String,
}

impl std::fmt::Display for OptionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OptionError {}

fn on(option: &'static str, e: anyhow::Error) -> anyhow::Error {
    anyhow::Error::new(OptionError {
        option,
        message: format!("{e:#}"),
    })
}

/// Check what `sen new` was asked for against the records under `root` and build the file
/// it writes, without writing: the command line and `sen serve`'s forms both write this.
pub fn prepare(root: &Path, as_of: NaiveDate, what: &NewWhat, extra: &Extra) -> Result<Prepared> {
    let mut warnings = Vec::new();
    let (rel, text) = match what {
        NewWhat::Pupil {
            id,
            given,
            family,
            dob,
            date,
        } => new_pupil(
            root,
            as_of,
            id,
            (given, family),
            (dob, date.as_deref()),
            extra,
        )?,
        NewWhat::Cycle { id, date } => {
            let started = date_or(date.as_deref(), "--date", as_of).map_err(|e| on("--date", e))?;
            known_pupil(root, id)?;
            let rel = free(root, id, "cycles", started).map_err(|e| on("--date", e))?;
            (rel.clone(), cycle(&rel, id, started, extra))
        }
        NewWhat::Meeting { id, date } => {
            let on_day = date_or(date.as_deref(), "--date", as_of).map_err(|e| on("--date", e))?;
            known_pupil(root, id)?;
            let rel = free(root, id, "meetings", on_day).map_err(|e| on("--date", e))?;
            (rel.clone(), meeting(&rel, id, on_day))
        }
        NewWhat::Ehcp { id } => {
            known_pupil(root, id)?;
            let rel = format!("pupils/{id}/ehcp.yaml");
            if root.join(&rel).exists() {
                bail!(
                    "`{rel}` already exists, and sen new never writes over a record\n  help: edit that file"
                );
            }
            let la = match &extra.local_authority {
                Some(la) => Some(la.clone()),
                None => {
                    crate::load::load(root, as_of)
                        .records
                        .school
                        .local_authority
                }
            };
            (rel.clone(), ehcp(&rel, id, la.as_deref(), extra.requested))
        }
        NewWhat::AnnualReview { id, meeting } => {
            let on_day = parse_date("--meeting", meeting).map_err(|e| on("--meeting", e))?;
            known_pupil(root, id)?;
            let rel = free(root, id, "annual-reviews", on_day).map_err(|e| on("--meeting", e))?;
            if !root.join(format!("pupils/{id}/ehcp.yaml")).is_file() {
                warnings.push(format!(
                    "`{id}` has no ehcp.yaml: an annual review is of an EHC plan; add pupils/{id}/ehcp.yaml with the date the plan was issued"
                ));
            }
            let (invited, has_officer) = to_invite(root, as_of, id);
            (
                rel.clone(),
                annual_review(&rel, id, on_day, &invited, has_officer),
            )
        }
    };
    Ok(Prepared {
        rel,
        text,
        warnings,
    })
}

/// `sen new pupil`'s checks and file: (path, text).
fn new_pupil(
    root: &Path,
    as_of: NaiveDate,
    id: &str,
    (given, family): (&str, &str),
    (dob, date): (&str, Option<&str>),
    extra: &Extra,
) -> Result<(String, String)> {
    check_id(id).map_err(|e| on("id", e))?;
    let since = date_or(date, "--date", as_of).map_err(|e| on("--date", e))?;
    let dob = parse_date("--dob", dob).map_err(|e| on("--dob", e))?;
    let given = required("--given", given).map_err(|e| on("--given", e))?;
    let family = required("--family", family).map_err(|e| on("--family", e))?;
    if dob > since {
        return Err(on(
            "--dob",
            anyhow::anyhow!(
                "the date of birth {} is after the date SEN provision starts, {}\n  help: check --dob, or give the start with --date",
                uk(dob),
                uk(since)
            ),
        ));
    }
    if dob > as_of {
        return Err(on(
            "--dob",
            anyhow::anyhow!("the date of birth {} is in the future", uk(dob)),
        ));
    }
    let rel = format!("pupils/{id}/pupil.yaml");
    if root.join(&rel).exists() {
        return Err(on(
            "id",
            anyhow::anyhow!(
                "pupil `{id}` already exists: `{rel}` is there, and sen new never writes over a record\n  help: edit that file, or choose another id"
            ),
        ));
    }
    Ok((rel.clone(), pupil(&rel, given, family, (dob, since), extra)))
}

/// Those who will be asked for advice for an annual review, as far as the records know
/// them: the parents, and the LA's SEN officer from ehcp.yaml (and whether there is one).
fn to_invite(root: &Path, as_of: NaiveDate, id: &str) -> (Vec<Invitee>, bool) {
    let loaded = crate::load::load(root, as_of);
    let folder = loaded.records.pupils.iter().find(|f| f.id == id);
    let mut invited: Vec<Invitee> = folder
        .and_then(|f| f.pupil.as_ref())
        .map(|p| {
            p.contacts
                .iter()
                .filter(|c| c.parental_responsibility)
                .map(|c| Invitee {
                    role: InvitedRole::Parent,
                    name: c.name.clone(),
                    email: c.email.clone(),
                    phone: None,
                    address: if c.email.is_some() {
                        Vec::new()
                    } else {
                        c.address.clone()
                    },
                })
                .collect()
        })
        .unwrap_or_default();
    let officer = folder.and_then(|f| f.ehcp.as_ref()?.la_officer.clone());
    let has_officer = officer.is_some();
    invited.extend(officer);
    (invited, has_officer)
}

fn date_or(text: Option<&str>, what: &str, default: NaiveDate) -> Result<NaiveDate> {
    match text {
        Some(t) => parse_date(what, t),
        None => Ok(default),
    }
}

fn required<'a>(what: &str, value: &'a str) -> Result<&'a str> {
    let v = value.trim_matches([' ', '\t']);
    if v.is_empty() {
        bail!("{what} is empty: give the pupil's name as it is on the school's roll");
    }
    // A name is one line of printable text (records.md 0.3): it heads letters and is
    // written into the file, where a line break would start a key of its own.
    if let Some(why) = crate::mis::not_one_line(v) {
        bail!("{what} {why}: a name is one line of printable text");
    }
    Ok(v)
}

fn check_id(id: &str) -> Result<()> {
    if let Some(why) = crate::validate::pupil_id_problem(id) {
        bail!(
            "`{id}` is not a pupil id: {why}\n  help: for example `amara-okafor`, or `amara-okafor-2` for a second pupil of that name"
        );
    }
    Ok(())
}

/// The id names a pupil folder with a pupil.yaml.
fn known_pupil(root: &Path, id: &str) -> Result<()> {
    check_id(id)?;
    if root.join("pupils").join(id).join("pupil.yaml").is_file() {
        return Ok(());
    }
    let known: Vec<String> = std::fs::read_dir(root.join("pupils"))
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .filter(|e| e.path().join("pupil.yaml").is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    let refs: Vec<&str> = known.iter().map(String::as_str).collect();
    let help = match crate::yaml::closest(id, &refs) {
        Some(n) => format!("did you mean `{n}`?"),
        None => format!("add the pupil first: sen new pupil {id} --given G --family F --dob DATE"),
    };
    bail!("no pupil `{id}`: there is no pupils/{id}/pupil.yaml\n  help: {help}")
}

/// The date-named path in a pupil's folder, if nothing is there yet (as .yaml or .yml).
fn free(root: &Path, id: &str, folder: &str, on: NaiveDate) -> Result<String> {
    let rel = format!("pupils/{id}/{folder}/{}.yaml", iso(on));
    let yml = format!("pupils/{id}/{folder}/{}.yml", iso(on));
    for taken in [&rel, &yml] {
        if root.join(taken).exists() {
            bail!(
                "`{taken}` already exists, and sen new never writes over a record\n  help: edit that file, or give another date with --date"
            );
        }
    }
    Ok(rel)
}

fn pupil(
    rel: &str,
    given: &str,
    family: &str,
    (dob, since): (NaiveDate, NaiveDate),
    extra: &Extra,
) -> String {
    pupil_yaml(
        rel,
        &PupilSkeleton {
            given: given.to_string(),
            family: family.to_string(),
            dob: Some(dob),
            since: Some(since),
            status: extra.status,
            primary_need: extra.primary_need,
            secondary_need: extra.secondary_need,
            ..PupilSkeleton::default()
        },
    )
}

/// A YAML scalar for an id as written in records.md (`reading`, `lexia`): plain when it is
/// lowercase letters, digits and `-`, else quoted.
fn id_scalar(id: &str) -> String {
    let plain = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-');
    if plain { id.to_string() } else { quote(id) }
}

/// The `outcomes:` and `provision:` lines of a new plan: the commented examples, or what
/// a form chose.
fn plan_lists(extra: &Extra) -> (String, String) {
    let mut outcomes = String::from(
        "  outcomes:               # what the support should achieve; the review refers to each by its id:\n",
    );
    if extra.outcomes.is_empty() {
        outcomes.push_str("    # - { id: reading, outcome: \"Reads a Year 3 text at 40 words a minute\", measure: \"Timed reading, weekly\" }\n");
    }
    for [id, outcome, measure] in &extra.outcomes {
        let id = if id.is_empty() {
            "null".to_string()
        } else {
            id_scalar(id)
        };
        let text = |t: &str| {
            if t.is_empty() {
                "null".to_string()
            } else {
                quote(t)
            }
        };
        outcomes.push_str(&format!(
            "    - {{ id: {id}, outcome: {}, measure: {} }}\n",
            text(outcome),
            text(measure)
        ));
    }
    let mut provision = String::from(
        "  provision:              # `ref` to an id in school.yaml's provisions, or described in place:\n",
    );
    if extra.provision.is_empty() {
        provision.push_str("    # - { ref: lexia }\n    # - { name: Pre-teaching vocabulary, staff: class teacher, group_size: 4,\n    #     sessions_per_week: 2, minutes_per_session: 15, cost_per_hour: 0 }\n");
    }
    for r in &extra.provision {
        provision.push_str(&format!("    - {{ ref: {} }}\n", id_scalar(r)));
    }
    (outcomes, provision)
}

fn cycle(rel: &str, id: &str, started: NaiveDate, extra: &Extra) -> String {
    let (review_due, when) = match extra.review_due {
        Some(d) => (d, String::new()),
        None => (
            add_days(started, REVIEW_WEEKS * 7),
            format!(": {REVIEW_WEEKS} weeks after the start"),
        ),
    };
    let (outcomes, provision) = plan_lists(extra);
    let mut t = header(rel, "cycle");
    t.push_str(&format!(
        "# {id}: an assess-plan-do-review cycle (6.44-6.54), started {}.\n\
         started: {}\n\
         assess:\n  summary: null           # what the assessment found: the teacher's assessment, data, observations\n  pupil_views: null       # what the pupil says\n  parent_views: null      # what the parents say\n  specialists:            # specialists involved (6.58-6.59), one line each:\n    # - {{ role: educational psychologist, date: {}, advice: \"...\" }}\n\
         plan:\n  agreed: null            # the date the plan was agreed\n  agreed_with_parents: false\n{outcomes}{provision}  review_due: {}     # the review with parents and pupil (6.48){when}\n\
         # Add the review once it has been held (6.53-6.54):\n\
         # review:\n\
         #   date: YYYY-MM-DD\n\
         #   parents_present: true\n\
         #   pupil_views: \"...\"\n\
         #   parent_views: \"...\"\n\
         #   outcomes: {{ reading: partly }}   # achieved | partly | not-achieved, by outcome id\n\
         #   progress: expected             # good | expected | less-than-expected | little-or-none\n\
         #   next: new-cycle                # new-cycle | specialist | ehc-request | exit\n\
         #   shared_with_parents: null      # the date the record reached parents (6.71)\n",
        uk(started),
        iso(started),
        iso(started),
        iso(review_due),
    ));
    t
}

fn meeting(rel: &str, id: &str, on: NaiveDate) -> String {
    let mut t = header(rel, "meeting");
    t.push_str(&format!(
        "# {id}: a meeting on {} (6.65-6.71).\n\
         date: {}\n\
         parents_present: false      # true if a parent or carer took part\n\
         pupil_present: false\n\
         led_by: null                # who led it, e.g. Mr Tom Hale (class teacher)\n\
         purpose: null               # e.g. termly SEN support meeting\n\
         notes: null                 # what was discussed; `|` and an indent for paragraphs\n\
         agreed: null                # the outcomes, actions and support agreed (6.71)\n\
         shared_with_parents: null   # the date parents were given the record (6.71)\n",
        uk(on),
        iso(on),
    ));
    t
}

fn ehcp(
    rel: &str,
    id: &str,
    local_authority: Option<&str>,
    requested: Option<NaiveDate>,
) -> String {
    let assessment = match requested {
        None => "# assessment:\n\
                 #   requested: YYYY-MM-DD   # the request: the LA decides within 6 weeks\n\
                 #   decision: YYYY-MM-DD    # the LA's decision whether to assess\n\
                 #   decision_outcome: assess   # assess | refuse\n\
                 #   draft: YYYY-MM-DD       # the draft plan\n\
                 #   final: YYYY-MM-DD       # the final plan: within 20 weeks of the request\n"
            .to_string(),
        Some(d) => format!(
            "assessment:\n\
             \x20 requested: {}     # the request: the LA decides within 6 weeks\n\
             \x20 decision: null          # the LA's decision whether to assess\n\
             \x20 decision_outcome: null  # assess | refuse\n\
             \x20 draft: null             # the draft plan\n\
             \x20 final: null             # the final plan: within 20 weeks of the request\n",
            iso(d)
        ),
    };
    let mut t = header(rel, "ehcp");
    t.push_str(&format!(
        "# {id}: the EHC needs assessment and plan. Fill in `issued` from the final plan.\n\
         local_authority: {}   # the local authority that maintains the plan\n\
         # The request for an EHC needs assessment and the LA's timeline (9.14-9.40), if the\n\
         # school was involved; delete this block otherwise.\n\
         {assessment}\
         issued: null                # the date the plan was first issued (required for status E)\n\
         # The LA's SEN officer for this child, asked for advice before each annual review:\n\
         # la_officer: {{ name: \"...\", email: \"...\", phone: \"...\" }}\n",
        or_null(local_authority),
    ));
    t
}

/// One person invited, as a line of the `invited` list.
fn invitee_line(i: &Invitee) -> String {
    let mut fields = vec![
        format!("role: {}", crate::views::invited_role_id(i.role)),
        format!("name: {}", quote(&i.name)),
    ];
    if let Some(e) = &i.email {
        fields.push(format!("email: {}", quote(e)));
    }
    if let Some(p) = &i.phone {
        fields.push(format!("phone: {}", quote(p)));
    }
    if !i.address.is_empty() {
        let lines: Vec<String> = i.address.iter().map(|l| quote(l)).collect();
        fields.push(format!("address: [{}]", lines.join(", ")));
    }
    format!("  - {{ {} }}\n", fields.join(", "))
}

fn annual_review(
    rel: &str,
    id: &str,
    on: NaiveDate,
    invited: &[Invitee],
    has_officer: bool,
) -> String {
    let mut t = header(rel, "annual-review");
    let mut list = String::from(
        "invited:                    # those invited and asked for advice and information (reg 20(2))\n",
    );
    for i in invited {
        list.push_str(&invitee_line(i));
    }
    if !has_officer {
        list.push_str("  # - { role: la-officer, name: \"...\", email: \"...\" }   # or `la_officer` in ehcp.yaml\n");
    }
    list.push_str(
        "  # - { role: health, name: \"...\", email: \"...\" }\n\
         \x20 # - { role: social-care, name: \"...\", address: [\"...\", \"...\"] }\n\
         \x20 # - { role: school, name: \"...\", email: \"...\" }   # a teacher or therapist in school\n\
         \x20 # role: parent | school | la-officer | health | social-care | other\n",
    );
    t.push_str(&format!(
        "# {id}: the annual review of the EHC plan (6.56), meeting on {}.\n\
         meeting: {}\n\
         invitations_sent: null      # the date invitations went out: at least 2 weeks before (9.176)\n\
         {list}\
         advice_requested: null      # the date everyone invited was asked for advice (`sen letter advice-request`)\n\
         advice_circulated: null     # the date the advice went to everyone invited: at least 2 weeks before (reg 20(4))\n\
         parents_present: false      # true if a parent or carer took part\n\
         pupil_views: null\n\
         preparing_for_adulthood: null  # from Year 9 on: employment, independent living, community, health\n\
         report_sent: null           # the date the review report went to the LA: within 2 weeks (9.176)\n\
         la_decision: null           # the date of the LA's decision: within 4 weeks of the meeting\n\
         la_outcome: null            # maintain | amend | cease\n",
        uk(on),
        iso(on),
    ));
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::ymd;

    #[test]
    fn header_points_up_to_the_schema_folder() {
        assert_eq!(
            header("pupils/a/cycles/2026-09-15.yaml", "cycle"),
            "# yaml-language-server: $schema=../../../.schemas/cycle.schema.json\n"
        );
        assert_eq!(
            header("school.yaml", "school"),
            "# yaml-language-server: $schema=.schemas/school.schema.json\n"
        );
    }

    #[test]
    fn a_new_annual_review_lists_the_parents_and_the_la_officer_to_invite() {
        let officer = Invitee {
            role: InvitedRole::LaOfficer,
            name: "Mr Ian Cole".into(),
            email: Some("ian.cole@salford.example.gov.uk".into()),
            phone: Some("0161 000 0100".into()),
            address: Vec::new(),
        };
        let parent = Invitee {
            role: InvitedRole::Parent,
            name: "Ms Rhiannon Morgan: \"Rhi\"".into(),
            email: None,
            phone: None,
            address: vec!["2 Kestrel Mews".into(), "Salford".into()],
        };
        let rel = "pupils/a/annual-reviews/2027-06-01.yaml";
        let t = annual_review(
            rel,
            "a",
            ymd(2027, 6, 1),
            &[parent.clone(), officer.clone()],
            true,
        );
        let raw: crate::records::RawAnnualReview = crate::yaml::parse(&t).expect("parses");
        let mut check = crate::validate::FileCheck::new(rel, Some("a"), &t);
        let ar = crate::validate::annual_review(&mut check, &raw).expect("valid");
        assert!(check.findings.is_empty(), "{:?}", check.findings);
        assert_eq!(ar.invited, vec![parent, officer]);
        assert!(ar.advice_requested.is_none() && ar.advice_circulated.is_none());
        // Without an officer, the list is a commented prompt, and still parses.
        let t = annual_review(rel, "a", ymd(2027, 6, 1), &[], false);
        assert!(t.contains("# - { role: la-officer"), "{t}");
        let raw: crate::records::RawAnnualReview = crate::yaml::parse(&t).expect("parses");
        assert!(raw.invited.is_none());
    }

    #[test]
    fn cycle_is_reviewed_six_weeks_after_it_starts() {
        let t = cycle(
            "pupils/a/cycles/2026-11-23.yaml",
            "a",
            ymd(2026, 11, 23),
            &Extra::default(),
        );
        assert!(t.contains("started: 2026-11-23\n"), "{t}");
        assert!(t.contains("review_due: 2027-01-04 "), "{t}");
    }

    #[test]
    fn names_are_quoted_so_any_text_survives() {
        let t = pupil(
            "pupils/a/pupil.yaml",
            "Zoë: \"Z\"",
            "O'Brien #1",
            (ymd(2017, 3, 14), ymd(2026, 11, 23)),
            &Extra::default(),
        );
        let raw: crate::records::RawPupil = crate::yaml::parse(&t).expect("parses");
        assert_eq!(raw.name.value.given.value, "Zoë: \"Z\"");
        assert_eq!(raw.name.value.family.value, "O'Brien #1");
    }
}
