//! The forms that record what happened in an existing record file: the parents notified,
//! a cycle's review, a record shared with parents, an annual review's invitations, report
//! and LA decision, a transfer's record sent. Each field is named by the records.md key it
//! fills; the file changes only in the text of those keys ([`crate::edit`]); the new text is
//! checked as `sen check` would read it before anything is written; the write goes through
//! [`crate::write::replace`], refused when the file changed since the form was shown.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::frame::{self, frame, href, page_ctx, with_model};
use super::{Req, Resp, State};
use crate::edit::{self, Change, Value};
use crate::findings::{Finding, Kind, Rule};

/// A form that records what happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `sen.parents_notified` in pupil.yaml.
    Notified,
    /// `review` in a cycle.
    Review,
    /// `shared_with_parents` of a meeting, `review.shared_with_parents` of a cycle.
    Shared,
    /// An annual review's invitations, report and LA decision.
    AnnualReview,
    /// `transfer.sen_record_sent` in pupil.yaml.
    Transfer,
}

impl Form {
    const ALL: [Form; 5] = [
        Form::Notified,
        Form::Review,
        Form::Shared,
        Form::AnnualReview,
        Form::Transfer,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Form::Notified => "notified",
            Form::Review => "review",
            Form::Shared => "shared",
            Form::AnnualReview => "annual-review",
            Form::Transfer => "transfer",
        }
    }

    fn from_id(id: &str) -> Option<Form> {
        Form::ALL.into_iter().find(|f| f.id() == id)
    }

    /// What the link to the form says.
    pub fn label(self) -> &'static str {
        match self {
            Form::Notified => "Record the parents' notification",
            Form::Review => "Record the review",
            Form::Shared => "Record when parents were given the record",
            Form::AnnualReview => "Record the annual review's letters and decision",
            Form::Transfer => "Record the SEN record sent",
        }
    }

    /// What the form did, for "Record in history", about the file it wrote (in
    /// [`super::history::describe`]'s words): "Review of Amara Okafor's autumn 2026 plan".
    fn done(self, file: &str) -> String {
        match self {
            Form::Notified => format!("Parents' notification recorded in {file}"),
            Form::Review => format!("Review of {file}"),
            Form::Shared => format!("Record given to parents noted in {file}"),
            Form::AnnualReview => format!("Letters and decision recorded in {file}"),
            Form::Transfer => format!("SEN record sent, noted in {file}"),
        }
    }

    /// Whether the form records into a file of this kind (`pupil`, `cycle` ...).
    fn fits(self, kind: &str) -> bool {
        matches!(
            (self, kind),
            (Form::Notified | Form::Transfer, "pupil")
                | (Form::Review, "cycle")
                | (Form::Shared, "cycle" | "meeting")
                | (Form::AnnualReview, "annual-review")
        )
    }
}

/// The page of `form` for the file `rel`.
pub fn form_href(form: Form, rel: &str) -> String {
    format!("/record/{}/{}", form.id(), href(rel))
}

/// The forms that record into the file `rel`, as (label, address).
pub fn forms_for(rel: &str) -> Vec<(&'static str, String)> {
    let Some(kind) = crate::load::record_kind(rel) else {
        return Vec::new();
    };
    if !rel.starts_with("pupils/") {
        return Vec::new();
    }
    Form::ALL
        .into_iter()
        .filter(|f| f.fits(kind))
        .filter(|f| *f != Form::Transfer)
        .map(|f| (f.label(), form_href(f, rel)))
        .collect()
}

/// The form that resolves a finding, as (label, address): a notification overdue leads to
/// "parents notified on", a review overdue to the review form, and so on.
pub fn action_for(f: &Finding) -> Option<(&'static str, String)> {
    let form = match f.rule {
        Rule::Notification => Form::Notified,
        Rule::CycleReview => Form::Review,
        Rule::RecordShared => Form::Shared,
        Rule::TransferRecord => Form::Transfer,
        Rule::AnnualReviewNotice | Rule::AnnualReviewReport | Rule::LaDecision => {
            Form::AnnualReview
        }
        _ => return None,
    };
    // A duty done late is done: no form changes that. Only what is still to do, or a
    // record left incomplete, is resolved by recording it.
    if !matches!(f.kind, Kind::Overdue | Kind::Due | Kind::Incomplete) {
        return None;
    }
    let rel = f.file.as_deref()?;
    form.fits(crate::load::record_kind(rel)?)
        .then(|| (form.label(), form_href(form, rel)))
}

// ---------------------------------------------------------------- the fields

/// How a field is typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Input {
    Date,
    /// One of the record's codes, shown with its words.
    Choice,
}

#[derive(Debug, Clone, Serialize)]
struct Field {
    /// The records.md key it fills (`review.date`), which is also the field's name.
    key: String,
    label: String,
    help: String,
    input: Input,
    /// (code, words) for a choice.
    choices: Vec<(String, String)>,
    /// As the file holds it now (or as typed, when the form comes back).
    value: String,
    /// What is wrong with it: the form's own check or a finding of `sen check`.
    problems: Vec<String>,
}

fn choices(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(c, w)| {
            let shown = match *c {
                "true" | "false" => w.to_string(),
                _ => format!("{w} ({c})"),
            };
            (c.to_string(), shown)
        })
        .collect()
}

const ACHIEVED: [(&str, &str); 3] = [
    ("achieved", "achieved"),
    ("partly", "partly achieved"),
    ("not-achieved", "not achieved"),
];
const PROGRESS: [(&str, &str); 4] = [
    ("good", "good progress"),
    ("expected", "the progress expected"),
    ("less-than-expected", "less progress than expected"),
    ("little-or-none", "little or no progress"),
];
const NEXT: [(&str, &str); 4] = [
    ("new-cycle", "a new cycle of SEN support"),
    ("specialist", "ask a specialist"),
    ("ehc-request", "request an EHC needs assessment"),
    ("exit", "the pupil leaves SEN support"),
];
const YES_NO: [(&str, &str); 2] = [("true", "yes"), ("false", "no")];
const LA_OUTCOME: [(&str, &str); 3] = [
    ("maintain", "the plan is kept as it is"),
    ("amend", "the plan is to be amended"),
    ("cease", "the plan is to cease"),
];

/// The description the record's JSON Schema gives a key (from the doc comments of the
/// raw record types), or `fallback`.
fn help(kind: &str, key: &str, fallback: &str) -> String {
    let Some(schema) = crate::schema::schema(kind) else {
        return fallback.to_string();
    };
    let root = schema.as_value();
    let mut at = root;
    for part in key.split('.') {
        let Some(next) = step(root, at, part) else {
            return fallback.to_string();
        };
        at = next;
    }
    at.get("description")
        .and_then(|d| d.as_str())
        .map_or_else(|| fallback.to_string(), str::to_string)
}

/// The schema of property `part` under `at`, through `$ref`s and `anyOf`s (an `Option`).
fn step<'a>(
    root: &'a serde_json::Value,
    at: &'a serde_json::Value,
    part: &str,
) -> Option<&'a serde_json::Value> {
    let resolve = |v: &'a serde_json::Value| -> &'a serde_json::Value {
        let mut v = v;
        for _ in 0..4 {
            if let Some(r) = v.get("$ref").and_then(|r| r.as_str()) {
                let name = r.rsplit('/').next().unwrap_or_default();
                match root.get("$defs").and_then(|d| d.get(name)) {
                    Some(d) => v = d,
                    None => break,
                }
            } else if let Some(any) = v.get("anyOf").and_then(|a| a.as_array()) {
                match any.iter().find(|x| x.get("type") != Some(&"null".into())) {
                    Some(x) => v = x,
                    None => break,
                }
            } else {
                break;
            }
        }
        v
    };
    let here = resolve(at);
    here.get("properties")?.get(part)
}

fn field(key: &str, label: &str, fallback: &str, input: Input) -> Field {
    Field {
        key: key.to_string(),
        label: label.to_string(),
        help: fallback.to_string(),
        input,
        choices: Vec::new(),
        value: String::new(),
        problems: Vec::new(),
    }
}

fn choice(key: &str, label: &str, fallback: &str, pairs: &[(&str, &str)]) -> Field {
    Field {
        choices: choices(pairs),
        ..field(key, label, fallback, Input::Choice)
    }
}

/// The fields of `form` for a file of `kind` holding `text`, each with its value now.
fn fields(form: Form, kind: &str, text: &str) -> Vec<Field> {
    let date = |key: &str, label: &str, fallback: &str| field(key, label, fallback, Input::Date);
    let mut out = match form {
        Form::Notified => vec![date(
            "sen.parents_notified",
            "Parents notified on",
            "The formal notification to parents that the school is making special educational provision (6.43, 6.48).",
        )],
        Form::Transfer => vec![date(
            "transfer.sen_record_sent",
            "SEN record sent on",
            "The date the SEN record reached the new school (6.57).",
        )],
        Form::Shared if kind == "cycle" => vec![date(
            "review.shared_with_parents",
            "Record shared with parents on",
            "The record of the review given to parents (6.71).",
        )],
        Form::Shared => vec![date(
            "shared_with_parents",
            "Record shared with parents on",
            "The record of the meeting given to parents (6.71).",
        )],
        Form::Review => review_fields(text),
        Form::AnnualReview => vec![
            date(
                "invitations_sent",
                "Invitations sent on",
                "When the invitations to the review meeting were sent: at least two weeks before it (reg 20).",
            ),
            date(
                "report_sent",
                "Report sent on",
                "The review report to the LA and those invited: within two weeks of the meeting (reg 20(7)).",
            ),
            date(
                "la_decision",
                "LA decision on",
                "The LA's decision after the review: within four weeks of the meeting (reg 20(10)).",
            ),
            choice(
                "la_outcome",
                "The LA decided to",
                "What the LA decided about the plan.",
                &LA_OUTCOME,
            ),
        ],
    };
    for f in &mut out {
        f.value = edit::value_at(text, &edit::path(&f.key)).unwrap_or_default();
    }
    out
}

fn review_fields(text: &str) -> Vec<Field> {
    let mut out = vec![
        field(
            "review.date",
            "Review held on",
            "The date of the review meeting (6.53).",
            Input::Date,
        ),
        choice(
            "review.parents_present",
            "Parents were present",
            "Whether the parents took part in the review (6.65).",
            &YES_NO,
        ),
    ];
    for i in 0..edit::count_at(text, &edit::path("plan.outcomes")) {
        let Some(id) = edit::value_at(text, &edit::path(&format!("plan.outcomes[{i}].id"))) else {
            continue;
        };
        let words = edit::value_at(text, &edit::path(&format!("plan.outcomes[{i}].outcome")))
            .unwrap_or_else(|| id.clone());
        out.push(choice(
            &format!("review.outcomes.{id}"),
            &format!("Outcome “{words}”"),
            "How far this outcome was achieved, as the review found (6.53).",
            &ACHIEVED,
        ));
    }
    out.push(choice(
        "review.progress",
        "Progress overall",
        "The pupil's progress over the cycle (6.52).",
        &PROGRESS,
    ));
    out.push(choice(
        "review.next",
        "The next step",
        "What follows the review (6.54-6.56).",
        &NEXT,
    ));
    out
}

/// The changes the posted form asks for, or the fields with what is wrong with them.
fn changes(fields: &mut [Field], req: &Req) -> Result<Vec<Change>, ()> {
    let mut out = Vec::new();
    let mut bad = false;
    for f in fields.iter_mut() {
        // A field the post does not carry at all is left as it is (a browser sends every
        // field; an empty one means "not yet").
        let Some(typed) = req.form_value(&f.key) else {
            continue;
        };
        let typed = typed.trim().to_string();
        let was = std::mem::replace(&mut f.value, typed.clone());
        if typed == was {
            continue;
        }
        let path = edit::path(&f.key);
        if typed.is_empty() {
            // A value cleared: the record says "not yet" (null), as records.md writes it.
            out.push(Change::Set(path, Value::Null));
            continue;
        }
        let value = match f.input {
            Input::Date => match NaiveDate::parse_from_str(&typed, "%Y-%m-%d") {
                Ok(d) => Value::Date(d),
                Err(_) => {
                    f.problems.push(format!(
                        "`{typed}` is not a date: choose one from the calendar (YYYY-MM-DD)"
                    ));
                    bad = true;
                    continue;
                }
            },
            Input::Choice => match f.choices.iter().find(|(c, _)| *c == typed) {
                Some((c, _)) if c == "true" || c == "false" => Value::Bool(c == "true"),
                Some((c, _)) => Value::Code(c.clone()),
                None => {
                    f.problems
                        .push(format!("`{typed}` is not one of the choices"));
                    bad = true;
                    continue;
                }
            },
        };
        out.push(Change::Set(path, value));
    }
    if bad { Err(()) } else { Ok(out) }
}

// ---------------------------------------------------------------- the pages

/// `/record/FORM/REL`: the form (GET) or its writing (POST).
pub(super) fn route(state: &State, req: &Req) -> Resp {
    let rest = req.path.trim_start_matches("/record/");
    let Some((id, rel)) = rest.split_once('/') else {
        return frame::not_found(state);
    };
    let rel = rel.trim_end_matches('/');
    let Some(form) = Form::from_id(id) else {
        return frame::not_found(state);
    };
    let kind = crate::load::record_kind(rel);
    if !rel.starts_with("pupils/") || !kind.is_some_and(|k| form.fits(k)) {
        return frame::not_found(state);
    }
    let Some(path) = frame::record_path(&state.root, rel) else {
        return frame::message(
            state,
            "Not a record file",
            "There is no such record file inside the records, or a symbolic link stands on its way: sen changes only files inside the records, reached without a link.",
        );
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => return frame::server_error(&format!("cannot read {rel}: {e}")),
    };
    let Ok(text) = String::from_utf8(bytes.clone()) else {
        return frame::message(
            state,
            "Not text",
            "The file is not UTF-8 text: correct it in an editor first.",
        );
    };
    let page = Page {
        form,
        kind: kind.unwrap_or_default(),
        rel,
        text: &text,
        fingerprint: crate::write::fingerprint(&bytes),
    };
    match req.method.as_str() {
        "POST" => post(state, req, &page),
        _ => {
            let fields = fields(form, page.kind, &text);
            show(state, &page, &fields, &[], None)
        }
    }
}

/// The file a form is about, as read for this request.
struct Page<'a> {
    form: Form,
    kind: &'static str,
    rel: &'a str,
    text: &'a str,
    fingerprint: String,
}

fn pupil_of(rel: &str) -> &str {
    rel.strip_prefix("pupils/")
        .and_then(|r| r.split('/').next())
        .unwrap_or_default()
}

fn show(
    state: &State,
    page: &Page,
    fields: &[Field],
    general: &[String],
    stale: Option<Stale>,
) -> Resp {
    let pupil = pupil_of(page.rel);
    // The help the record's schema gives each key, where it gives one.
    let fields: Vec<Field> = fields
        .iter()
        .map(|f| Field {
            help: help(page.kind, &f.key, &f.help).replace("null until", "empty until"),
            ..f.clone()
        })
        .collect();
    let mut resp = with_model(state, |l, f| {
        state.pages.render(
            "record.html",
            page_ctx! {
                frame => frame(state, l, f, "register"),
                title => format!("{}: {}", page.form.label(), frame::pupil_name(l, pupil)),
                rel => page.rel,
                action => form_href(page.form, page.rel),
                file_href => format!("/files/{}", href(page.rel)),
                pupil_name => frame::pupil_name(l, pupil),
                pupil_href => format!("/pupils/{}", href(pupil)),
                fingerprint => page.fingerprint,
                fields,
                general,
                stale,
            },
        )
    });
    if stale.is_some() {
        resp.status = 409;
    } else if !general.is_empty() || fields.iter().any(|f| !f.problems.is_empty()) {
        resp.status = 422;
    }
    resp
}

/// A form refused because the file changed since it was shown: both versions.
#[derive(Debug, Clone, Serialize)]
struct Stale {
    now: String,
    would: String,
}

fn post(state: &State, req: &Req, page: &Page) -> Resp {
    let mut fields = fields(page.form, page.kind, page.text);
    let Ok(changes) = changes(&mut fields, req) else {
        return show(state, page, &fields, &[], None);
    };
    let would = match edit::apply_all(page.text, &changes) {
        Ok(t) => t,
        Err(e) => return show(state, page, &fields, &[format!("{e}")], None),
    };
    let sent = req.form_value("fingerprint").unwrap_or_default();
    if sent != page.fingerprint {
        let stale = Stale {
            now: page.text.to_string(),
            would,
        };
        let why = "The file changed since this form was shown (in another tab or an editor), so nothing was written. Below are the file as it is now and what this form would make of it: open the form again to record on the file as it is now.".to_string();
        return show(state, page, &fields, &[why], Some(stale));
    }
    if changes.is_empty() {
        return Resp::redirect(&format!("/pupils/{}", href(pupil_of(page.rel))));
    }
    let new = findings_new(state, page, &would);
    if !new.is_empty() {
        let general = beside(&mut fields, &would, new);
        return show(state, page, &fields, &general, None);
    }
    match crate::write::replace(&state.root, page.rel, &page.fingerprint, would.as_bytes()) {
        Ok(()) => {
            let what = with_model(state, |l, _| {
                page.form.done(&super::history::describe(l, page.rel))
            });
            state.changed(page.rel, &what);
            Resp::redirect(&format!("/pupils/{}", href(pupil_of(page.rel))))
        }
        Err(crate::write::NotReplaced::Stale(now)) => {
            let stale = Stale {
                now: String::from_utf8_lossy(&now).into_owned(),
                would,
            };
            let why = crate::write::NotReplaced::Stale(Vec::new()).to_string();
            show(state, page, &fields, &[why], Some(stale))
        }
        Err(e) => show(
            state,
            page,
            &fields,
            &[format!("Nothing was written: {e}")],
            None,
        ),
    }
}

/// The validity findings `sen check` would make of the file holding `would` that it does
/// not make of the file now: a form never makes a record less valid, and a finding the
/// file already had (which the form does not touch) does not stop it.
fn findings_new(state: &State, page: &Page, would: &str) -> Vec<Finding> {
    let key = |f: &Finding| (f.rule, f.message.clone());
    let now: Vec<(Rule, String)> = match state.model.lock() {
        Ok(mut m) => {
            let (l, _) = m.refresh(&state.root, state.as_of);
            l.findings
                .iter()
                .filter(|f| f.file.as_deref() == Some(page.rel) && f.kind == Kind::Invalid)
                .map(key)
                .collect()
        }
        Err(_) => Vec::new(),
    };
    crate::load::check_as_if(&state.root, state.as_of, page.rel, would)
        .into_iter()
        .filter(|f| f.file.as_deref() == Some(page.rel) && f.kind == Kind::Invalid)
        .filter(|f| !now.contains(&key(f)))
        .collect()
}

/// Each finding put beside the field whose value stands on its line; the rest returned.
fn beside(fields: &mut [Field], would: &str, findings: Vec<Finding>) -> Vec<String> {
    let lines: BTreeMap<u32, usize> = fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| edit::line_at(would, &edit::path(&f.key)).map(|l| (l, i)))
        .collect();
    let mut general = Vec::new();
    for f in findings {
        let text = match &f.help {
            Some(h) => format!("{} ({h})", f.message),
            None => f.message.clone(),
        };
        // "missing required key `date`" belongs beside the field that fills it.
        let missing = f
            .message
            .strip_prefix("missing required key `")
            .and_then(|m| m.strip_suffix('`'))
            .and_then(|k| {
                fields
                    .iter()
                    .position(|x| x.key == k || x.key.ends_with(&format!(".{k}")))
            });
        if let Some(i) = missing {
            fields[i].problems.push(format!(
                "This is needed to record it: fill it in ({})",
                f.message
            ));
            continue;
        }
        match f.line.and_then(|l| lines.get(&l).copied()) {
            Some(i) => fields[i].problems.push(text),
            None => general.push(text),
        }
    }
    general
}

/// Every key `form` can change in a file of `kind` holding `text`, with values it can
/// write there: for the round-trip test of every key a form can change.
pub fn keys(form: Form, kind: &str, text: &str) -> Vec<(String, Vec<Value>)> {
    fields(form, kind, text)
        .into_iter()
        .map(|f| {
            let values = match f.input {
                Input::Date => ["2027-01-15", "2027-02-01"]
                    .iter()
                    .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .map(Value::Date)
                    .collect(),
                Input::Choice => f
                    .choices
                    .iter()
                    .map(|(c, _)| match c.as_str() {
                        "true" | "false" => Value::Bool(c == "true"),
                        _ => Value::Code(c.clone()),
                    })
                    .collect(),
            };
            (f.key, values)
        })
        .collect()
}

/// Every form, for the round-trip test.
pub fn all() -> [Form; 5] {
    Form::ALL
}

/// Whether `form` records into a file of `kind`.
pub fn fits(form: Form, kind: &str) -> bool {
    form.fits(kind)
}
