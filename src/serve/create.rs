//! The forms that create what `sen new` creates: a pupil, a cycle (with its outcomes and
//! provision from the school's catalogue), a meeting, an annual review and an EHC request.
//! A form builds the file the command line would ([`crate::commands::new::prepare`], the
//! same skeletons and the same refusals), checks its text as `sen check` would in its place
//! ([`crate::load::check::check_text`]) and writes it through the one writer
//! ([`crate::write::create_new`]) only when nothing in it is invalid; otherwise it shows
//! each finding beside the field it is about and writes nothing. A written file sends the
//! browser to the pupil's page (POST/redirect/GET), which shows that file's findings now.
//!
//! Each field is named by the records.md key it fills, dotted for nested keys, and its
//! help is the description the JSON Schema gives that key (the doc comment of
//! [`crate::records`]), or for what is no key (the pupil's id) the command line's own help.

use serde::Serialize;

use super::frame::{self, frame, href, page_ctx, with_model};
use super::{Req, Resp, State, access, percent_encode};
use crate::cli::NewWhat;
use crate::commands::new::{Extra, OptionError, Prepared, prepare};
use crate::findings::{Finding, Kind};
use crate::load::Loaded;
use crate::model::{Need, Status};

/// What a form creates, by the last part of its address, with its title.
pub const KINDS: [(&str, &str); 5] = [
    ("pupil", "New pupil"),
    ("cycle", "New cycle"),
    ("meeting", "New meeting"),
    ("annual-review", "New annual review"),
    ("ehcp", "EHC needs assessment request"),
];

/// Empty rows a cycle's form offers for outcomes and for provision.
const ROWS: usize = 3;

const READ_ONLY: &str =
    "sen serve was started read-only (`--read-only`): nothing can be written from the browser.";

/// One field of a form.
#[derive(Serialize, Default)]
struct Field {
    /// The records.md key it fills (the input's name).
    name: &'static str,
    help: String,
    /// `text`, `date`, `select`, `outcomes` or `provision`.
    input: &'static str,
    value: String,
    required: bool,
    /// A select's choices: (code, the words shown).
    options: Vec<(String, String)>,
    /// The provision rows' chosen ids.
    values: Vec<String>,
    /// The outcome rows: id, outcome, measure.
    rows: Vec<[String; 3]>,
    /// What stops the form being written, beside this field.
    notes: Vec<String>,
}

#[derive(Serialize)]
struct PupilLink {
    id: String,
    name: String,
    href: String,
}

/// Answer `/new/pupil` and `/pupils/ID/new/KIND`, GET (the form) or POST (write it).
pub fn route(state: &State, req: &Req, segs: &[&str]) -> Resp {
    let (kind, id) = match segs {
        ["new", "pupil"] => ("pupil", None),
        ["pupils", id, "new", kind] if *kind != "pupil" && title(kind).is_some() => {
            (*kind, Some(*id))
        }
        _ => return frame::not_found(state),
    };
    if state.read_only {
        // The access check refuses every POST already; the form is not shown either.
        if req.method == "POST" {
            return access::refuse(READ_ONLY);
        }
        let mut r = frame::message(state, "Read-only", READ_ONLY);
        r.status = 403;
        return r;
    }
    with_model(state, |loaded, findings| {
        let pupil = match id {
            None => None,
            Some(id) => match known(loaded, id) {
                Some(p) => Some(p),
                None => return frame::not_found_in(state, loaded, findings),
            },
        };
        let mut fields = fields(state, loaded, kind);
        let mut general = Vec::new();
        if req.method == "POST" {
            fill(&mut fields, req);
            match submit(state, loaded, kind, id, &mut fields) {
                Ok(to) => return Resp::redirect(&to),
                Err(g) => general = g,
            }
        }
        let marked: Vec<&str> = fields
            .iter()
            .filter(|f| !f.notes.is_empty())
            .map(|f| f.name)
            .collect();
        let has_notes = !general.is_empty() || !marked.is_empty();
        let mut r = state.pages.render(
            "create.html",
            page_ctx! {
                frame => frame(state, loaded, findings, if id.is_none() { "register" } else { "" }),
                kind,
                title => title(kind).unwrap_or_default(),
                pupil,
                action => match id {
                    None => "/new/pupil".to_string(),
                    Some(id) => format!("/pupils/{}/new/{kind}", href(id)),
                },
                writes => writes(kind, id.unwrap_or("ID")),
                warning => warning(state, kind, id),
                fields,
                general,
                marked,
                has_notes,
            },
        );
        if has_notes {
            r.status = 422;
        }
        r
    })
}

fn title(kind: &str) -> Option<&'static str> {
    KINDS.iter().find(|(k, _)| *k == kind).map(|(_, t)| *t)
}

/// A pupil the records hold, by an id that names a real folder (the loader lists no
/// linked folder) and that `sen new` would take.
fn known(loaded: &Loaded, id: &str) -> Option<PupilLink> {
    crate::validate::pupil_id_problem(id)
        .is_none()
        .then_some(())?;
    loaded.records.pupils.iter().find(|f| f.id == id)?;
    Some(PupilLink {
        id: id.to_string(),
        name: frame::pupil_name(loaded, id),
        href: format!("/pupils/{}", href(id)),
    })
}

/// Where the new file goes, in words for the page.
fn writes(kind: &str, id: &str) -> String {
    match kind {
        "pupil" => "pupils/ID/pupil.yaml".into(),
        "cycle" => format!("pupils/{id}/cycles/DATE.yaml"),
        "meeting" => format!("pupils/{id}/meetings/DATE.yaml"),
        "annual-review" => format!("pupils/{id}/annual-reviews/DATE.yaml"),
        _ => format!("pupils/{id}/ehcp.yaml"),
    }
}

/// What the person should know before writing (the command line's warning).
fn warning(state: &State, kind: &str, id: Option<&str>) -> Option<String> {
    let id = id?;
    (kind == "annual-review" && !state.root.join(format!("pupils/{id}/ehcp.yaml")).is_file())
        .then(|| {
            format!(
                "There is no ehcp.yaml for this pupil: an annual review is of an EHC plan, so record the plan (pupils/{id}/ehcp.yaml, with the date it was issued) too."
            )
        })
}

/// The help for a key: the description the record's JSON Schema gives it.
fn schema_help(record: &str, key: &str) -> Option<String> {
    let schema = serde_json::to_value(crate::schema::schema(record)?).ok()?;
    let defs = schema.get("$defs").cloned().unwrap_or_default();
    // Follow `$ref`s and the `anyOf` an optional value makes, to the object itself.
    let resolve = |mut node: serde_json::Value| {
        for _ in 0..8 {
            if let Some(r) = node.get("$ref").and_then(|r| r.as_str()) {
                node = defs
                    .get(r.trim_start_matches("#/$defs/"))
                    .cloned()
                    .unwrap_or_default();
            } else if let Some(any) = node.get("anyOf").and_then(|a| a.as_array()) {
                node = any
                    .iter()
                    .find(|s| s.get("type").and_then(|t| t.as_str()) != Some("null"))
                    .cloned()
                    .unwrap_or_default();
            } else {
                break;
            }
        }
        node
    };
    let mut node = schema.clone();
    let mut description = None;
    for part in key.split('.') {
        let prop = resolve(node).get("properties")?.get(part)?.clone();
        let text = |v: &serde_json::Value| {
            v.get("description")
                .and_then(|d| d.as_str())
                .map(str::to_string)
        };
        description = text(&prop).or_else(|| text(&resolve(prop.clone())));
        node = prop;
    }
    description
}

/// The help the command line gives one option of `sen new KIND`.
fn cli_help(kind: &str, arg: &str) -> Option<String> {
    let cmd = <crate::cli::Cli as clap::CommandFactory>::command();
    let new = cmd.find_subcommand("new")?.find_subcommand(kind)?;
    let a = new.get_arguments().find(|a| a.get_id() == arg)?;
    Some(a.get_help()?.to_string())
}

/// The help shown under a field: plain words (the schema's backticks dropped).
fn help(record: &str, key: &str) -> String {
    schema_help(record, key)
        .unwrap_or_default()
        .replace('`', "")
}

fn field(name: &'static str, record: &str, input: &'static str, value: String) -> Field {
    Field {
        name,
        help: help(record, name),
        input,
        value,
        ..Field::default()
    }
}

/// The form's fields, with their first values.
fn fields(state: &State, loaded: &Loaded, kind: &str) -> Vec<Field> {
    let today = crate::dates::iso(state.as_of);
    match kind {
        "pupil" => pupil_fields(today),
        "cycle" => cycle_fields(loaded, today),
        "meeting" => vec![field("date", "meeting", "date", today)],
        "annual-review" => vec![Field {
            required: true,
            ..field("meeting", "annual-review", "date", String::new())
        }],
        _ => {
            vec![
                field(
                    "local_authority",
                    "ehcp",
                    "text",
                    loaded
                        .records
                        .school
                        .local_authority
                        .clone()
                        .unwrap_or_default(),
                ),
                field("assessment.requested", "ehcp", "date", today),
            ]
        }
    }
}

fn pupil_fields(today: String) -> Vec<Field> {
    let mut id = field("id", "pupil", "text", String::new());
    id.help = format!(
        "{}. Left empty, it is made from the names.",
        cli_help("pupil", "id")
            .unwrap_or_default()
            .trim_end_matches('.')
    );
    let needs: Vec<(String, String)> = Need::ALL
        .iter()
        .map(|n| {
            (
                n.code().to_string(),
                format!("{} ({})", n.label(), n.code()),
            )
        })
        .collect();
    let mut secondary: Vec<(String, String)> = vec![(String::new(), "none".into())];
    secondary.extend(needs.iter().filter(|(c, _)| c != "NSA").cloned());
    vec![
        Field {
            required: true,
            ..field("name.given", "pupil", "text", String::new())
        },
        Field {
            required: true,
            ..field("name.family", "pupil", "text", String::new())
        },
        id,
        Field {
            required: true,
            ..field("dob", "pupil", "date", String::new())
        },
        field("sen.since", "pupil", "date", today),
        Field {
            options: [Status::K, Status::E]
                .iter()
                .map(|s| (s.code().to_string(), s.label().to_string()))
                .collect(),
            ..field("sen.status", "pupil", "select", "K".into())
        },
        Field {
            options: needs,
            ..field("sen.primary_need", "pupil", "select", "NSA".into())
        },
        Field {
            options: secondary,
            ..field("sen.secondary_need", "pupil", "select", String::new())
        },
    ]
}

fn cycle_fields(loaded: &Loaded, today: String) -> Vec<Field> {
    let mut catalogue: Vec<(String, String)> = vec![(String::new(), "none".into())];
    catalogue.extend(loaded.records.school.provisions.iter().filter_map(|p| {
        let id = p.id.clone()?;
        Some((id.clone(), provision_words(p)))
    }));
    let mut review_due = field("plan.review_due", "cycle", "date", String::new());
    review_due.help.push_str(&format!(
        " Left empty: {} weeks after the start.",
        crate::commands::new::REVIEW_WEEKS
    ));
    vec![
        field("started", "cycle", "date", today),
        review_due,
        Field {
            rows: vec![Default::default(); ROWS],
            ..field("plan.outcomes", "cycle", "outcomes", String::new())
        },
        Field {
            options: catalogue,
            values: vec![String::new(); ROWS],
            ..field("plan.provision", "cycle", "provision", String::new())
        },
    ]
}

/// A catalogue entry in words: its name, with how often, for how long and with whom.
fn provision_words(p: &crate::model::Provision) -> String {
    let num = |x: f64| {
        if x.fract() == 0.0 {
            format!("{x:.0}")
        } else {
            format!("{x}")
        }
    };
    let mut how = vec![
        format!("{} a week", num(p.sessions_per_week)),
        format!("{} minutes", num(p.minutes_per_session)),
        if p.group_size == 1 {
            "one to one".to_string()
        } else {
            format!("groups of {}", p.group_size)
        },
    ];
    if let Some(staff) = &p.staff {
        how.push(staff.clone());
    }
    format!("{} ({})", p.name, how.join(", "))
}

/// The values the form was sent with, in place of the first ones.
fn fill(fields: &mut [Field], req: &Req) {
    let all = |name: &str| -> Vec<String> {
        req.form
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    for f in fields {
        match f.input {
            "outcomes" => {
                let ids = all("plan.outcomes.id");
                let texts = all("plan.outcomes.outcome");
                let measures = all("plan.outcomes.measure");
                let n = ids.len().max(texts.len()).max(measures.len());
                let at = |v: &[String], i: usize| v.get(i).cloned().unwrap_or_default();
                f.rows = (0..n)
                    .map(|i| [at(&ids, i), at(&texts, i), at(&measures, i)])
                    .collect();
            }
            "provision" => f.values = all(f.name),
            _ => f.value = req.form_value(f.name).unwrap_or_default(),
        }
    }
}

fn value<'a>(fields: &'a [Field], name: &str) -> &'a str {
    fields
        .iter()
        .find(|f| f.name == name)
        .map_or("", |f| f.value.trim())
}

fn note(fields: &mut [Field], name: &str, text: String) -> bool {
    match fields.iter_mut().find(|f| f.name == name) {
        Some(f) => {
            f.notes.push(text);
            true
        }
        None => false,
    }
}

/// Build, check and write the file; the address to go to, or what stops it (notes on the
/// fields, and the general ones returned).
fn submit(
    state: &State,
    loaded: &Loaded,
    kind: &str,
    id: Option<&str>,
    fields: &mut [Field],
) -> Result<String, Vec<String>> {
    let (what, extra) = request(kind, id, fields)?;
    let new = match prepare(&state.root, state.as_of, &what, &extra) {
        Ok(n) => n,
        Err(e) => {
            // The command line's first line, as a sentence (its help names options).
            let first = |m: &str| {
                let line = m.lines().next().unwrap_or_default();
                let mut c = line.chars();
                c.next().map_or_else(String::new, |f| {
                    format!("{}{}.", f.to_uppercase(), c.as_str().trim_end_matches('.'))
                })
            };
            if let Some(o) = e.downcast_ref::<OptionError>()
                && note(fields, field_of(kind, o.option), first(&o.message))
            {
                return Err(Vec::new());
            }
            return Err(vec![first(&format!("{e:#}"))]);
        }
    };
    let found = crate::load::check::check_text(&state.root, &new.rel, &new.text, state.as_of);
    let invalid: Vec<&Finding> = found.iter().filter(|f| f.kind == Kind::Invalid).collect();
    if !invalid.is_empty() {
        return Err(place_findings(fields, &new, &invalid));
    }
    if let Err(e) = crate::write::create_new(&state.root, &new.rel, new.text.as_bytes()) {
        return Err(vec![format!("{e:#}")]);
    }
    // For "Record in history": what was made, in the words of the commit message.
    let what = if kind == "pupil" {
        format!(
            "New pupil {} {}",
            value(fields, "name.given").trim(),
            value(fields, "name.family").trim()
        )
    } else {
        format!("New {}", super::history::describe(loaded, &new.rel))
    };
    state.changed(&new.rel, &what);
    let pupil = new
        .rel
        .strip_prefix("pupils/")
        .and_then(|r| r.split('/').next())
        .unwrap_or_default();
    Ok(format!(
        "/pupils/{}?written={}",
        href(pupil),
        percent_encode(&new.rel)
    ))
}

/// The form's field for an option of `sen new`.
fn field_of(kind: &str, option: &str) -> &'static str {
    match (kind, option) {
        (_, "id") => "id",
        (_, "--given") => "name.given",
        (_, "--family") => "name.family",
        (_, "--dob") => "dob",
        ("pupil", "--date") => "sen.since",
        ("cycle", "--date") => "started",
        (_, "--meeting") => "meeting",
        _ => "date",
    }
}

/// Each finding beside the field whose key its line holds (or above the form), in the
/// words of a file and a line.
fn place_findings(fields: &mut [Field], new: &Prepared, found: &[&Finding]) -> Vec<String> {
    let mut general = Vec::new();
    for f in found {
        let mut text = match (&f.file, f.line) {
            (Some(file), Some(line)) => format!("{file}, line {line}: {}", f.message),
            (Some(file), None) => format!("{file}: {}", f.message),
            _ => f.message.clone(),
        };
        if let Some(h) = &f.help {
            text.push_str(&format!(" ({h})"));
        }
        let key = match (f.file.as_deref() == Some(new.rel.as_str()), f.line) {
            (true, Some(line)) => key_at(&new.text, line as usize),
            _ => String::new(),
        };
        let target = fields
            .iter()
            .map(|f| f.name)
            .filter(|name| {
                !key.is_empty() && (key == *name || key.starts_with(&format!("{name}.")))
            })
            .max_by_key(|n| n.len());
        let placed = match target {
            Some(name) => note(fields, name, text.clone()),
            None => false,
        };
        if !placed {
            general.push(text);
        }
    }
    general
}

/// The dotted key a line of a YAML text holds (a list entry: its list's key).
pub fn key_at(text: &str, line: usize) -> String {
    let mut stack: Vec<(usize, String)> = Vec::new();
    for (i, l) in text.lines().enumerate().take(line) {
        let body = l.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = l.len() - body.len();
        let (indent, body) = match body.strip_prefix("- ") {
            Some(rest) => {
                // An entry belongs to the key above it; its own keys are deeper.
                stack.retain(|(d, _)| *d < indent);
                if i + 1 == line {
                    break;
                }
                (indent + 2, rest.trim_start())
            }
            None => (indent, body),
        };
        let Some((key, _)) = body.split_once(':') else {
            continue;
        };
        if key.is_empty() || key.contains([' ', '{', '[', '"', '\'']) {
            continue;
        }
        stack.retain(|(d, _)| *d < indent);
        stack.push((indent, key.to_string()));
    }
    stack
        .iter()
        .map(|(_, k)| k.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

/// What the command line would be asked for, from the form.
fn request(
    kind: &str,
    id: Option<&str>,
    fields: &mut [Field],
) -> Result<(NewWhat, Extra), Vec<String>> {
    let mut extra = Extra::default();
    let mut missing = Vec::new();
    let id = id.unwrap_or_default().to_string();
    let what = match kind {
        "pupil" => pupil_request(fields, &mut extra, &mut missing),
        "cycle" => {
            cycle_extra(fields, &mut extra, &mut missing);
            NewWhat::Cycle {
                id,
                date: opt(fields, "started"),
            }
        }
        "meeting" => NewWhat::Meeting {
            id,
            date: opt(fields, "date"),
        },
        "annual-review" => {
            if value(fields, "meeting").is_empty() {
                missing.push(("meeting", "Give the date of the meeting.".into()));
            }
            NewWhat::AnnualReview {
                id,
                meeting: value(fields, "meeting").to_string(),
            }
        }
        _ => {
            extra.local_authority = opt(fields, "local_authority");
            if let Some(d) = opt(fields, "assessment.requested") {
                match crate::dates::parse(&d) {
                    Some(d) => extra.requested = Some(d),
                    None => missing.push(("assessment.requested", not_a_date(&d))),
                }
            }
            NewWhat::Ehcp { id }
        }
    };
    if missing.is_empty() {
        return Ok((what, extra));
    }
    for (name, text) in missing {
        note(fields, name, text);
    }
    Err(Vec::new())
}

/// A new pupil, from the form.
fn pupil_request(
    fields: &[Field],
    extra: &mut Extra,
    missing: &mut Vec<(&'static str, String)>,
) -> NewWhat {
    let given = value(fields, "name.given").to_string();
    let family = value(fields, "name.family").to_string();
    let mut pid = value(fields, "id").to_string();
    if pid.is_empty() && !given.is_empty() && !family.is_empty() {
        pid = crate::mis::pupil_id(&given, &family);
    }
    for (name, what) in [
        ("name.given", "the given name"),
        ("name.family", "the family name"),
        ("dob", "the date of birth"),
    ] {
        if value(fields, name).is_empty() {
            missing.push((name, format!("Give {what}.")));
        }
    }
    extra.status = code(fields, "sen.status", &["K", "E"], missing);
    let needs: Vec<&'static str> = Need::ALL.iter().map(|n| n.code()).collect();
    extra.primary_need = code(fields, "sen.primary_need", &needs, missing);
    extra.secondary_need = code(
        fields,
        "sen.secondary_need",
        &needs[..needs.len() - 1],
        missing,
    );
    NewWhat::Pupil {
        id: pid,
        given,
        family,
        dob: value(fields, "dob").to_string(),
        date: opt(fields, "sen.since"),
    }
}

/// A cycle's review date, outcomes and provision, from the form.
fn cycle_extra(fields: &[Field], extra: &mut Extra, missing: &mut Vec<(&'static str, String)>) {
    if let Some(d) = opt(fields, "plan.review_due") {
        match crate::dates::parse(&d) {
            Some(d) => extra.review_due = Some(d),
            None => missing.push(("plan.review_due", not_a_date(&d))),
        }
    }
    let outcomes = fields.iter().find(|f| f.name == "plan.outcomes");
    extra.outcomes = outcomes
        .map(|f| {
            f.rows
                .iter()
                .map(|r| r.clone().map(|v| v.trim().to_string()))
                .filter(|r| r.iter().any(|v| !v.is_empty()))
                .collect()
        })
        .unwrap_or_default();
    let provision = fields.iter().find(|f| f.name == "plan.provision");
    for v in provision.map(|f| f.values.clone()).unwrap_or_default() {
        let v = v.trim().to_string();
        if !v.is_empty() && !extra.provision.contains(&v) {
            extra.provision.push(v);
        }
    }
}

/// A field's value, if not empty.
fn opt(fields: &[Field], name: &str) -> Option<String> {
    let v = value(fields, name);
    (!v.is_empty()).then(|| v.to_string())
}

fn not_a_date(text: &str) -> String {
    format!("`{text}` is not a date: choose one, or write it as YYYY-MM-DD.")
}

/// A select's code, if it is one of the choices (empty: none).
fn code(
    fields: &[Field],
    name: &'static str,
    choices: &[&'static str],
    missing: &mut Vec<(&'static str, String)>,
) -> Option<&'static str> {
    let v = value(fields, name);
    if v.is_empty() {
        return None;
    }
    let found = choices.iter().find(|c| **c == v).copied();
    if found.is_none() {
        missing.push((name, format!("`{v}` is not one of the choices.")));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_named_by_its_dotted_key() {
        let text = "# c\nstarted: 2026-11-23\nplan:\n  agreed: null   # x\n  outcomes:  # y\n    - { id: reading }\n    # - { ref: x }\n  provision:\n    - { ref: lexia }\n  review_due: 2027-01-04\nsen:\n  status: K\n";
        assert_eq!(key_at(text, 2), "started");
        assert_eq!(key_at(text, 4), "plan.agreed");
        assert_eq!(key_at(text, 6), "plan.outcomes");
        assert_eq!(key_at(text, 9), "plan.provision");
        assert_eq!(key_at(text, 10), "plan.review_due");
        assert_eq!(key_at(text, 12), "sen.status");
        assert_eq!(key_at(text, 1), "");
    }

    #[test]
    fn help_is_the_schema_description_of_the_key() {
        assert_eq!(
            schema_help("pupil", "dob").as_deref(),
            Some("Date of birth.")
        );
        assert!(
            schema_help("cycle", "plan.review_due")
                .is_some_and(|h| h.starts_with("When the plan is to be reviewed"))
        );
        assert!(schema_help("pupil", "sen.since").is_some());
        assert!(schema_help("ehcp", "assessment.requested").is_some());
        assert!(schema_help("pupil", "no.such").is_none());
        assert!(cli_help("pupil", "id").is_some_and(|h| h.contains("amara-okafor")));
    }
}
