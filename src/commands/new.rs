//! `sen new`: write a new record file from a commented skeleton, at the date-named path
//! records.md gives, and print its path. It never writes over a file that exists.
//!
//! Every skeleton starts with a `yaml-language-server` header pointing at the record's JSON
//! Schema in the root's `.schemas/` folder (written by `sen init` or `sen schema --out-dir
//! .schemas`), so an editor checks the file as it is typed. What a skeleton holds loads
//! with no `invalid` finding: the values a person must supply are left null, and the one
//! required census code is `NSA` ("no specialist assessment of type of need") until known.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;

use crate::cli::{NewArgs, NewWhat};
use crate::commands::schema::{SCHEMA_DIR, file_name};
use crate::dates::{add_days, iso, uk};
use crate::load::valid_pupil_id;
use crate::settings::{Ctx, parse_date};

/// A new cycle's plan is reviewed this many weeks after the cycle starts (cli.md).
pub const REVIEW_WEEKS: i64 = 6;

pub fn run(args: &NewArgs, ctx: &Ctx) -> Result<i32> {
    let root = ctx.root()?;
    let (rel, text) = match &args.what {
        NewWhat::Pupil {
            id,
            given,
            family,
            dob,
            date,
        } => {
            check_id(id)?;
            let since = date_or(date.as_deref(), "--date", ctx.as_of)?;
            let dob = parse_date("--dob", dob)?;
            let given = required("--given", given)?;
            let family = required("--family", family)?;
            if dob > since {
                bail!(
                    "the date of birth {} is after the date SEN provision starts, {}\n  help: check --dob, or give the start with --date",
                    uk(dob),
                    uk(since)
                );
            }
            if dob > ctx.as_of {
                bail!("the date of birth {} is in the future", uk(dob));
            }
            let rel = format!("pupils/{id}/pupil.yaml");
            if root.join(&rel).exists() {
                bail!(
                    "pupil `{id}` already exists: `{rel}` is there, and sen new never writes over a record\n  help: edit that file, or choose another id"
                );
            }
            (rel.clone(), pupil(&rel, given, family, dob, since))
        }
        NewWhat::Cycle { id, date } => {
            let started = date_or(date.as_deref(), "--date", ctx.as_of)?;
            known_pupil(root, id)?;
            let rel = free(root, id, "cycles", started)?;
            (rel.clone(), cycle(&rel, id, started))
        }
        NewWhat::Meeting { id, date } => {
            let on = date_or(date.as_deref(), "--date", ctx.as_of)?;
            known_pupil(root, id)?;
            let rel = free(root, id, "meetings", on)?;
            (rel.clone(), meeting(&rel, id, on))
        }
        NewWhat::Ehcp { id } => {
            known_pupil(root, id)?;
            let rel = format!("pupils/{id}/ehcp.yaml");
            if root.join(&rel).exists() {
                bail!(
                    "`{rel}` already exists, and sen new never writes over a record\n  help: edit that file"
                );
            }
            let la = crate::load::load(root, ctx.as_of)
                .records
                .school
                .local_authority;
            (rel.clone(), ehcp(&rel, id, la.as_deref()))
        }
        NewWhat::AnnualReview { id, meeting } => {
            let on = parse_date("--meeting", meeting)?;
            known_pupil(root, id)?;
            let rel = free(root, id, "annual-reviews", on)?;
            if !root.join(format!("pupils/{id}/ehcp.yaml")).is_file() {
                eprintln!(
                    "warning: `{id}` has no ehcp.yaml: an annual review is of an EHC plan; add pupils/{id}/ehcp.yaml with the date the plan was issued"
                );
            }
            (rel.clone(), annual_review(&rel, id, on))
        }
    };
    let path = root.join(&rel);
    write_new(&path, &text)?;
    if !root.join(SCHEMA_DIR).is_dir() {
        eprintln!(
            "note: no {SCHEMA_DIR}/ folder in the records, so editors cannot check this file yet\n  help: run `sen schema --out-dir {}` once (see docs/editors.md)",
            root.join(SCHEMA_DIR).display()
        );
    }
    println!("{}", path.display());
    Ok(0)
}

fn date_or(text: Option<&str>, what: &str, default: NaiveDate) -> Result<NaiveDate> {
    match text {
        Some(t) => parse_date(what, t),
        None => Ok(default),
    }
}

fn required<'a>(what: &str, value: &'a str) -> Result<&'a str> {
    let v = value.trim();
    if v.is_empty() {
        bail!("{what} is empty: give the pupil's name as it is on the school's roll");
    }
    Ok(v)
}

fn check_id(id: &str) -> Result<()> {
    if !valid_pupil_id(id) {
        bail!(
            "`{id}` is not a pupil id: an id is lowercase letters and digits, in groups joined by single '-'\n  help: for example `amara-okafor`, or `amara-okafor-2` for a second pupil of that name"
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

/// Create `path` (and its folders); fails rather than replace a file that exists.
pub fn write_new(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the folder `{}`", dir.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create `{}`", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(())
}

/// The `yaml-language-server` header for a file at `rel`, pointing at the schema `name`
/// in the root's schema folder by a path relative to the file.
pub fn header(rel: &str, name: &str) -> String {
    let up = "../".repeat(rel.matches('/').count());
    format!(
        "# yaml-language-server: $schema={up}{SCHEMA_DIR}/{}\n",
        file_name(name)
    )
}

/// A YAML scalar holding `s` exactly: JSON's quoting is valid YAML.
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// What a new pupil.yaml says: `sen new pupil` fills the name, date of birth and start;
/// `sen import` fills what the MIS holds too. Anything `None` is left as a commented prompt.
#[derive(Debug, Clone, Default)]
pub struct PupilSkeleton {
    pub given: String,
    pub family: String,
    pub preferred: Option<String>,
    pub dob: Option<NaiveDate>,
    pub upn: Option<String>,
    pub year_group: Option<i64>,
    pub class: Option<String>,
    /// "K" or "E" (default K).
    pub status: Option<&'static str>,
    pub since: Option<NaiveDate>,
    /// A note on `since` where it is not the real date (an import without one).
    pub since_note: Option<String>,
    pub primary_need: Option<&'static str>,
    pub secondary_need: Option<&'static str>,
    pub contacts: Vec<ContactSkeleton>,
}

/// A contact written into a new pupil.yaml.
#[derive(Debug, Clone, Default)]
pub struct ContactSkeleton {
    pub name: String,
    pub relationship: Option<String>,
    pub parental_responsibility: bool,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Vec<String>,
    pub language: Option<String>,
}

/// `value` as a YAML scalar, or `null`.
fn or_null(value: Option<&str>) -> String {
    value.map_or_else(|| "null".to_string(), quote)
}

/// The commented pupil.yaml skeleton: the one `sen new pupil` and `sen import` write.
pub fn pupil_yaml(rel: &str, p: &PupilSkeleton) -> String {
    let mut t = header(rel, "pupil");
    let dob = p.dob.map_or_else(|| "null".to_string(), iso);
    let since = p.since.map_or_else(|| "null".to_string(), iso);
    let since_note = p
        .since_note
        .as_deref()
        .map_or_else(String::new, |n| format!("  # {n}\n"));
    let year_group = p
        .year_group
        .map_or_else(|| "null".to_string(), |y| y.to_string());
    let contacts = if p.contacts.is_empty() {
        "contacts:                 # parents and carers: letters go to those with parental responsibility\n  # - name: Mrs Grace Okafor\n  #   relationship: mother\n  #   parental_responsibility: true\n  #   email: grace@example.com\n  #   phone: \"07700 900000\"\n  #   address: [\"2 Elm Road\", \"Salford\", \"M2 2BB\"]\n  #   language: English   # any other language: sen warns that letters need translating\n  #   letters: true       # default: parental_responsibility\n".to_string()
    } else {
        let mut c = String::from(
            "contacts:                 # parents and carers: letters go to those with parental responsibility\n",
        );
        for k in &p.contacts {
            c.push_str(&format!("  - name: {}\n", quote(&k.name)));
            c.push_str(&format!(
                "    relationship: {}\n",
                or_null(k.relationship.as_deref())
            ));
            c.push_str(&format!(
                "    parental_responsibility: {}\n",
                k.parental_responsibility
            ));
            if let Some(e) = &k.email {
                c.push_str(&format!("    email: {}\n", quote(e)));
            }
            if let Some(ph) = &k.phone {
                c.push_str(&format!("    phone: {}\n", quote(ph)));
            }
            if !k.address.is_empty() {
                let lines: Vec<String> = k.address.iter().map(|l| quote(l)).collect();
                c.push_str(&format!("    address: [{}]\n", lines.join(", ")));
            }
            if let Some(l) = &k.language {
                c.push_str(&format!("    language: {}\n", quote(l)));
            }
        }
        c
    };
    t.push_str(&format!(
        "# {given} {family}: who the pupil is and their SEN status. Replace each null with what\n\
         # you know; `sen check` says what is still needed.\n\
         name:\n  given: {}\n  family: {}\n  preferred: {:<13}# the name the pupil goes by in letters, if not the given name\n\
         dob: {:<22}# date of birth\n\
         upn: {:<21}# Unique Pupil Number: 13 characters, e.g. A123456789012\n\
         year_group: {:<14}# only if taught out of their age group: NC year 0 (Reception) to 14\n\
         class: {:<19}# the pupil's class, e.g. 4B\n\
         sen:\n  status: {:<16}# K = SEN support, E = EHC plan, N = no longer on the register\n{since_note}  since: {:<20}# the date the school decided to make special educational provision\n  parents_notified: null  # the date parents were formally told (6.43, 6.48); null until then\n  primary_need: {:<10}# census code of the main need: SPLD MLD SLD PMLD SEMH SLCN HI VI MSI PD\n                          # ASD DS OTH; NSA until the need has been assessed (K only)\n  secondary_need: {:<8}# another code, if there is one (never NSA)\n  # ended: YYYY-MM-DD     # with status N: the date the pupil came off the register\n  summary: null           # the needs in plain words (6.45); write `|` and indent for paragraphs\n  strengths: null         # what the pupil is good at\n\
         flags:\n  looked_after: false     # looked after by the local authority (6.90)\n  eal: false              # English as an additional language (6.24)\n  pupil_premium: false\n  medical_plan: false     # has an individual healthcare plan (6.11)\n\
         {contacts}\
         what_helps: null          # what helps, in the words staff use (6.49); `|` and indent for lines\n\
         left: null                # the date the pupil left the school\n\
         # transfer:               # once the pupil has left for another school (6.57):\n\
         #   school: Hillside High School\n\
         #   urn: \"100001\"\n\
         #   sen_record_sent: null # the date the SEN record reached it: within 15 school days\n",
        quote(&p.given),
        quote(&p.family),
        or_null(p.preferred.as_deref()),
        dob,
        or_null(p.upn.as_deref()),
        year_group,
        or_null(p.class.as_deref()),
        p.status.unwrap_or("K"),
        since,
        p.primary_need.unwrap_or("NSA"),
        p.secondary_need.unwrap_or("null"),
        given = p.given,
        family = p.family,
    ));
    t
}

fn pupil(rel: &str, given: &str, family: &str, dob: NaiveDate, since: NaiveDate) -> String {
    pupil_yaml(
        rel,
        &PupilSkeleton {
            given: given.to_string(),
            family: family.to_string(),
            dob: Some(dob),
            since: Some(since),
            ..PupilSkeleton::default()
        },
    )
}

fn cycle(rel: &str, id: &str, started: NaiveDate) -> String {
    let review_due = add_days(started, REVIEW_WEEKS * 7);
    let mut t = header(rel, "cycle");
    t.push_str(&format!(
        "# {id}: an assess-plan-do-review cycle (6.44-6.54), started {}.\n\
         started: {}\n\
         assess:\n  summary: null           # what the assessment found: the teacher's assessment, data, observations\n  pupil_views: null       # what the pupil says\n  parent_views: null      # what the parents say\n  specialists:            # specialists involved (6.58-6.59), one line each:\n    # - {{ role: educational psychologist, date: {}, advice: \"...\" }}\n\
         plan:\n  agreed: null            # the date the plan was agreed\n  agreed_with_parents: false\n  outcomes:               # what the support should achieve; the review refers to each by its id:\n    # - {{ id: reading, outcome: \"Reads a Year 3 text at 40 words a minute\", measure: \"Timed reading, weekly\" }}\n  provision:              # `ref` to an id in school.yaml's provisions, or described in place:\n    # - {{ ref: lexia }}\n    # - {{ name: Pre-teaching vocabulary, staff: class teacher, group_size: 4,\n    #     sessions_per_week: 2, minutes_per_session: 15, cost_per_hour: 0 }}\n  review_due: {}     # the review with parents and pupil (6.48): {REVIEW_WEEKS} weeks after the start\n\
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

fn ehcp(rel: &str, id: &str, local_authority: Option<&str>) -> String {
    let mut t = header(rel, "ehcp");
    t.push_str(&format!(
        "# {id}: the EHC needs assessment and plan. Fill in `issued` from the final plan.\n\
         local_authority: {}   # the local authority that maintains the plan\n\
         # The request for an EHC needs assessment and the LA's timeline (9.14-9.40), if the\n\
         # school was involved; delete this block otherwise.\n\
         # assessment:\n\
         #   requested: YYYY-MM-DD   # the request: the LA decides within 6 weeks\n\
         #   decision: YYYY-MM-DD    # the LA's decision whether to assess\n\
         #   decision_outcome: assess   # assess | refuse\n\
         #   draft: YYYY-MM-DD       # the draft plan\n\
         #   final: YYYY-MM-DD       # the final plan: within 20 weeks of the request\n\
         issued: null                # the date the plan was first issued (required for status E)\n",
        or_null(local_authority),
    ));
    t
}

fn annual_review(rel: &str, id: &str, on: NaiveDate) -> String {
    let mut t = header(rel, "annual-review");
    t.push_str(&format!(
        "# {id}: the annual review of the EHC plan (6.56), meeting on {}.\n\
         meeting: {}\n\
         invitations_sent: null      # the date invitations went out: at least 2 weeks before (9.176)\n\
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
    fn cycle_is_reviewed_six_weeks_after_it_starts() {
        let t = cycle("pupils/a/cycles/2026-11-23.yaml", "a", ymd(2026, 11, 23));
        assert!(t.contains("started: 2026-11-23\n"), "{t}");
        assert!(t.contains("review_due: 2027-01-04 "), "{t}");
    }

    #[test]
    fn names_are_quoted_so_any_text_survives() {
        let t = pupil(
            "pupils/a/pupil.yaml",
            "Zoë: \"Z\"",
            "O'Brien #1",
            ymd(2017, 3, 14),
            ymd(2026, 11, 23),
        );
        let raw: crate::records::RawPupil = crate::yaml::parse(&t).expect("parses");
        assert_eq!(raw.name.value.given.value, "Zoë: \"Z\"");
        assert_eq!(raw.name.value.family.value, "O'Brien #1");
    }
}
