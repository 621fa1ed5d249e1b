//! Turning one raw record file into the checked model, reporting every `schema`, `upn` and
//! `dates` problem found on the way (rules.md, "Validity"). Checks that need more than one
//! file (catalogue references, duplicate UPNs, EHC plan dates) are in `load`.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use crate::dates::{self, uk};
use crate::findings::{Finding, Kind, Rule};
use crate::model::*;
use crate::records::*;
use crate::yaml::Loc;

/// The years a record's dates may lie in. A date of birth in 1900 or a review in 2199 is
/// already absurd; anything outside (0001-01-01, 9999-12-31) is a typo or a placeholder, and
/// would push the date arithmetic of the rules towards the calendar's limits.
pub const FIRST_YEAR: i32 = 1900;
/// See [`FIRST_YEAR`].
pub const LAST_YEAR: i32 = 2199;

/// The findings for one file, with what is needed to point at a line of it.
pub struct FileCheck<'a> {
    pub file: &'a str,
    pub pupil: Option<&'a str>,
    pub text: &'a str,
    pub findings: Vec<Finding>,
}

impl<'a> FileCheck<'a> {
    pub fn new(file: &'a str, pupil: Option<&'a str>, text: &'a str) -> Self {
        FileCheck {
            file,
            pupil,
            text,
            findings: Vec::new(),
        }
    }

    /// Report a problem at `line`/`col` (0 for none) of this file.
    pub fn report(
        &mut self,
        rule: Rule,
        line: u32,
        col: u32,
        message: String,
        help: Option<String>,
    ) {
        let mut f = Finding::new(rule, Kind::Invalid, message).at(self.file, Some(line));
        if let Some(p) = self.pupil {
            f = f.pupil(p);
        }
        if line > 0 {
            f.col = (col > 0).then_some(col);
            f.source_line = self
                .text
                .lines()
                .nth(line as usize - 1)
                .map(|l| crate::findings::printable(l.trim_end_matches('\r').to_string()));
        }
        f.help = help.map(crate::findings::printable);
        self.findings.push(f);
    }

    pub fn schema<T>(&mut self, at: &Loc<T>, message: String, help: &str) {
        let help = (!help.is_empty()).then(|| help.to_string());
        self.report(Rule::Schema, at.line, at.col, message, help);
    }

    pub fn dates<T>(&mut self, at: &Loc<T>, message: String) {
        self.report(Rule::Dates, at.line, at.col, message, None);
    }

    /// Whether any finding so far would make the file untrustworthy.
    pub fn has(&self, rule: Rule) -> bool {
        self.findings.iter().any(|f| f.rule == rule)
    }

    /// A date that must be a real calendar day.
    pub fn date(&mut self, key: &str, raw: &Date) -> Option<Loc<NaiveDate>> {
        match dates::parse(&raw.value) {
            Some(d) if !(FIRST_YEAR..=LAST_YEAR).contains(&d.year()) => {
                self.schema(
                    raw,
                    format!(
                        "`{key}` is {}, which is no date a record can hold",
                        raw.value.trim()
                    ),
                    &format!(
                        "dates in records lie between {FIRST_YEAR} and {LAST_YEAR}: check the year"
                    ),
                );
                None
            }
            Some(d) => Some(Loc {
                value: d,
                line: raw.line,
                col: raw.col,
            }),
            None => {
                let shape = dates::parse_loose(&raw.value);
                let msg = if shape {
                    format!("`{}` is not a real calendar day", raw.value.trim())
                } else {
                    format!(
                        "`{key}` must be a date written YYYY-MM-DD, not `{}`",
                        raw.value.trim()
                    )
                };
                self.schema(
                    raw,
                    msg,
                    "write the date as YYYY-MM-DD, for example 2026-09-15",
                );
                None
            }
        }
    }

    pub fn opt_date(&mut self, key: &str, raw: &Option<Date>) -> Option<Loc<NaiveDate>> {
        raw.as_ref().and_then(|r| self.date(key, r))
    }

    /// Text that must be present and not blank.
    pub fn required_text(
        &mut self,
        key: &str,
        raw: &Option<Text>,
        parent: (u32, u32),
    ) -> Option<String> {
        match raw {
            Some(t) if !t.value.trim().is_empty() => Some(t.value.clone()),
            Some(t) => {
                self.schema(
                    t,
                    format!("`{key}` is blank"),
                    "write a value, or remove the key if it is optional",
                );
                None
            }
            None => {
                self.report(
                    Rule::Schema,
                    parent.0,
                    parent.1,
                    format!("missing required key `{key}`"),
                    Some(format!("add `{key}:` with its value")),
                );
                None
            }
        }
    }

    /// `later` must not be before `earlier`.
    pub fn order(
        &mut self,
        earlier: Option<&Day>,
        earlier_key: &str,
        later: Option<&Day>,
        later_key: &str,
    ) {
        if let (Some(e), Some(l)) = (earlier, later)
            && l.value < e.value
        {
            self.dates(
                l,
                format!(
                    "`{later_key}` ({}) is before `{earlier_key}` ({})",
                    uk(l.value),
                    uk(e.value)
                ),
            );
        }
    }
}

/// Optional free text: blank reads as absent.
pub fn text(raw: &Option<Text>) -> Option<String> {
    raw.as_ref()
        .map(|t| t.value.clone())
        .filter(|t| !t.trim().is_empty())
}

/// Optional free text given as a plain string: blank reads as absent.
pub fn plain(raw: &Option<String>) -> Option<String> {
    raw.clone().filter(|t| !t.trim().is_empty())
}

// ---------------------------------------------------------------------------------------
// UPN

/// The 23 letters of the check-letter alphabet (no I, O or S).
const UPN_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// Check a Unique Pupil Number. `Err` says what is wrong, naming the expected check letter.
pub fn check_upn(upn: &str) -> Result<(), String> {
    let b = upn.as_bytes();
    if b.len() != 13 || !upn.is_ascii() {
        return Err(format!(
            "UPN `{upn}` has {} characters; a UPN has 13",
            upn.chars().count()
        ));
    }
    if !b[1..12].iter().all(u8::is_ascii_digit) {
        return Err(format!("UPN `{upn}` must have digits in positions 2 to 12"));
    }
    let last = if b[12].is_ascii_digit() {
        u32::from(b[12] - b'0')
    } else if let Some(i) = UPN_LETTERS.iter().position(|c| *c == b[12]) {
        i as u32
    } else {
        return Err(format!(
            "UPN `{upn}` must end in a digit, or in a letter of {} for a temporary UPN",
            std::str::from_utf8(UPN_LETTERS).unwrap_or("")
        ));
    };
    let mut sum = 0u32;
    for (i, c) in b[1..12].iter().enumerate() {
        sum += u32::from(c - b'0') * (i as u32 + 2);
    }
    sum += last * 13;
    let expected = UPN_LETTERS[(sum % 23) as usize] as char;
    if b[0] as char != expected {
        return Err(format!(
            "UPN `{upn}` has the wrong check letter: expected `{expected}`, found `{}`",
            b[0] as char
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// pupil.yaml

/// Why a provision code is refused, or the status.
fn status(check: &mut FileCheck, raw: &Text) -> Option<Status> {
    match raw.value.trim() {
        "K" => Some(Status::K),
        "E" => Some(Status::E),
        "N" => Some(Status::N),
        "S" => {
            check.schema(
                raw,
                "`S` is a discontinued SEN provision code".into(),
                "re-code it as `E` (EHC plan)",
            );
            None
        }
        "A" | "P" => {
            check.schema(
                raw,
                format!(
                    "`{}` is a discontinued SEN provision code",
                    raw.value.trim()
                ),
                "re-code it as `K` (SEN support)",
            );
            None
        }
        other => {
            let help = match other.to_ascii_uppercase().as_str() {
                u @ ("K" | "E" | "N") => format!("census codes are upper case: write `{u}`"),
                _ => "write `K` (SEN support), `E` (EHC plan) or `N` (no longer on the register)"
                    .into(),
            };
            check.schema(raw, format!("unknown SEN provision code `{other}`"), &help);
            None
        }
    }
}

fn need(check: &mut FileCheck, raw: &Option<Text>) -> Option<Need> {
    let raw = raw.as_ref()?;
    let code = raw.value.trim();
    if let Some(n) = Need::from_code(code) {
        return Some(n);
    }
    let codes: Vec<&str> = Need::ALL.iter().map(|n| n.code()).collect();
    let help = match Need::from_code(&code.to_ascii_uppercase()) {
        Some(n) => format!("census codes are upper case: write `{}`", n.code()),
        None => match crate::yaml::closest(code, &codes) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("write one of {}", codes.join(", ")),
        },
    };
    check.schema(raw, format!("unknown SEN type code `{code}`"), &help);
    None
}

/// A `schema` finding when a name holds a line break anywhere, at its end too (records.md
/// 0.3): the value is looked at as written, never trimmed first.
pub fn one_line(check: &mut FileCheck, key: &str, value: &str, line: u32, col: u32) {
    if value.contains([
        '\n', '\r', '\u{0B}', '\u{0C}', '\u{85}', '\u{2028}', '\u{2029}',
    ]) {
        check.report(
            Rule::Schema,
            line,
            col,
            format!("`{key}` runs over more than one line: a name is one line"),
            Some("write the name on one line (it heads letters and names files)".into()),
        );
    }
}

/// Build a pupil from pupil.yaml, or `None` when a `schema` problem means it cannot be.
/// `dates` problems are reported but the pupil is still built.
pub fn pupil(check: &mut FileCheck, raw: &RawPupil, as_of: NaiveDate) -> Option<Pupil> {
    let given = check.required_text(
        "given",
        &Some(raw.name.value.given.clone()),
        (raw.name.line, raw.name.col),
    );
    let family = check.required_text(
        "family",
        &Some(raw.name.value.family.clone()),
        (raw.name.line, raw.name.col),
    );
    pupil_names_on_one_line(check, raw);
    let dob = check.date("dob", &raw.dob);
    let sen = &raw.sen.value;
    let status = status(check, &sen.status);
    let since = check.date("since", &sen.since);
    let notified = check.opt_date("parents_notified", &sen.parents_notified);
    let primary = need(check, &sen.primary_need);
    let secondary = need(check, &sen.secondary_need);
    let ended = check.opt_date("ended", &sen.ended);
    let left = check.opt_date("left", &raw.left);

    pupil_upn_and_year(check, raw);
    pupil_census(check, raw, status, primary, secondary, &ended);
    let contacts = pupil_contacts(check, raw);

    pupil_dates(check, as_of, &dob, &since, &notified, &ended, &left);

    let transfer = pupil_transfer(check, raw);

    if check.has(Rule::Schema) {
        return None;
    }
    Some(Pupil {
        file: check.file.to_string(),
        what_helps: plain(&raw.what_helps),
        transfer,
        given: given?,
        family: family?,
        preferred: plain(&raw.name.value.preferred),
        dob: dob?.value,
        upn: text(&raw.upn),
        upn_line: raw.upn.as_ref().map_or(0, |u| u.line),
        year_group: raw.year_group.as_ref().map(|y| y.value),
        class: plain(&raw.class),
        status: status?,
        since: since?,
        parents_notified: notified,
        primary_need: primary,
        secondary_need: secondary,
        ended: ended.map(|e| e.value),
        summary: plain(&sen.summary),
        strengths: plain(&sen.strengths),
        flags: raw
            .flags
            .as_ref()
            .map(|f| Flags {
                looked_after: f.looked_after.unwrap_or(false),
                eal: f.eal.unwrap_or(false),
                pupil_premium: f.pupil_premium.unwrap_or(false),
                medical_plan: f.medical_plan.unwrap_or(false),
            })
            .unwrap_or_default(),
        contacts,
        left,
    })
}

/// Names become letter headings, salutations and file names: one line each (records.md).
fn pupil_names_on_one_line(check: &mut FileCheck, raw: &RawPupil) {
    // Names become letter headings, salutations and file names: one line each (records.md).
    let name = &raw.name;
    one_line(
        check,
        "given",
        &name.value.given.value,
        name.value.given.line,
        name.value.given.col,
    );
    one_line(
        check,
        "family",
        &name.value.family.value,
        name.value.family.line,
        name.value.family.col,
    );
    if let Some(p) = &name.value.preferred {
        one_line(check, "preferred", p, name.line, name.col);
    }
    for c in raw.contacts.iter().flatten() {
        if let Some(n) = &c.value.name {
            one_line(check, "name", &n.value, n.line, n.col);
        }
    }
}

/// `upn` (rule `upn`) and `year_group`.
fn pupil_upn_and_year(check: &mut FileCheck, raw: &RawPupil) {
    if let Some(upn) = &raw.upn
        && let Err(msg) = check_upn(upn.value.trim())
    {
        check.report(
            Rule::Upn,
            upn.line,
            upn.col,
            msg,
            Some("copy the UPN again from the school's MIS".into()),
        );
    }
    if let Some(y) = &raw.year_group
        && !(0..=14).contains(&y.value)
    {
        check.schema(
            y,
            format!("`year_group` {} is outside 0 (Reception) to 14", y.value),
            "write the NC year the pupil is taught in, 0 to 14",
        );
    }
}

/// The census rules of records.md: the needs a status asks for, and the needs that cannot
/// stand together.
fn pupil_census(
    check: &mut FileCheck,
    raw: &RawPupil,
    status: Option<Status>,
    primary: Option<Need>,
    secondary: Option<Need>,
    ended: &Option<Day>,
) {
    let sen = &raw.sen.value;
    // The census rules of records.md.
    if let Some(st) = status {
        let at = (raw.sen.line, raw.sen.col);
        if matches!(st, Status::K | Status::E) && primary.is_none() && sen.primary_need.is_none() {
            check.report(
                Rule::Schema,
                at.0,
                at.1,
                format!("status `{}` needs a `primary_need`", st.code()),
                Some("add `primary_need:` with a School Census SEN type code such as SPLD".into()),
            );
        }
        if st == Status::E
            && primary == Some(Need::Nsa)
            && let Some(p) = &sen.primary_need
        {
            {
                check.schema(
                    p,
                    "`NSA` cannot be the need of a pupil with an EHC plan".into(),
                    "record the assessed type of need",
                );
            }
        }
        if st == Status::N && ended.is_none() && sen.ended.is_none() {
            check.report(
                Rule::Schema,
                at.0,
                at.1,
                "status `N` needs `ended`: the date the pupil came off the register".into(),
                Some("add `ended:` with the date".into()),
            );
        }
        if matches!(st, Status::K | Status::E)
            && let Some(e) = &sen.ended
        {
            check.schema(
                e,
                format!(
                    "a pupil with status `{}` is on the register and cannot have `ended`",
                    st.code()
                ),
                "remove `ended`, or change the status to `N`",
            );
        }
    }
    if let Some(s) = secondary
        && let Some(raw_s) = &sen.secondary_need
    {
        {
            if s == Need::Nsa {
                check.schema(
                    raw_s,
                    "`NSA` cannot be a secondary need".into(),
                    "remove `secondary_need` or give an assessed type of need",
                );
            } else if Some(s) == primary {
                check.schema(
                    raw_s,
                    "`secondary_need` is the same as `primary_need`".into(),
                    "remove it, or give a different need",
                );
            }
        }
    }
}

/// `contacts`, with letters going to those with parental responsibility unless they say.
fn pupil_contacts(check: &mut FileCheck, raw: &RawPupil) -> Vec<Contact> {
    let mut contacts = Vec::new();
    for c in raw.contacts.iter().flatten() {
        let name = check.required_text("name", &c.value.name, (c.line, c.col));
        let pr = c.value.parental_responsibility.unwrap_or(false);
        contacts.push(Contact {
            name: name.unwrap_or_default(),
            relationship: plain(&c.value.relationship),
            parental_responsibility: pr,
            email: plain(&c.value.email),
            phone: plain(&c.value.phone),
            address: c.value.address.clone().unwrap_or_default(),
            language: plain(&c.value.language),
            letters: c.value.letters.unwrap_or(pr),
        });
    }
    contacts
}

/// Dates out of order (rule `dates`).
fn pupil_dates(
    check: &mut FileCheck,
    as_of: NaiveDate,
    dob: &Option<Day>,
    since: &Option<Day>,
    notified: &Option<Day>,
    ended: &Option<Day>,
    left: &Option<Day>,
) {
    // Dates out of order (rule `dates`).
    let dob_day = dob.clone();
    if let Some(d) = &dob
        && d.value > as_of
    {
        check.dates(
            d,
            format!("date of birth {} is after {}", uk(d.value), uk(as_of)),
        );
    }
    check.order(dob_day.as_ref(), "dob", since.as_ref(), "since");
    check.order(
        since.as_ref(),
        "since",
        notified.as_ref(),
        "parents_notified",
    );
    check.order(since.as_ref(), "since", ended.as_ref(), "ended");
    check.order(dob_day.as_ref(), "dob", left.as_ref(), "left");
    if !(dob_day.is_some()
        && left
            .as_ref()
            .zip(dob_day.as_ref())
            .is_some_and(|(l, d)| l.value < d.value))
    {
        check.order(since.as_ref(), "since", left.as_ref(), "left");
    }
}

/// `transfer`: the school a leaver moved to and when their SEN record was sent.
fn pupil_transfer(check: &mut FileCheck, raw: &RawPupil) -> Option<Transfer> {
    raw.transfer.as_ref().and_then(|t| {
        if raw.left.is_none() {
            check.schema(
                t,
                "`transfer` without `left`: a pupil transfers once they have left".into(),
                "add `left:` with the date the pupil left the school",
            );
        }
        let school = check.required_text("school", &t.value.school, (t.line, t.col));
        if let Some(urn) = &t.value.urn
            && !(urn.value.len() == 6 && urn.value.bytes().all(|b| b.is_ascii_digit()))
        {
            check.schema(
                urn,
                format!("`urn` `{}` is not six digits", urn.value),
                "the URN is the new school's 6-digit Unique Reference Number",
            );
        }
        let sent = check.opt_date("sen_record_sent", &t.value.sen_record_sent);
        Some(Transfer {
            line: t.line,
            school: school?,
            urn: text(&t.value.urn),
            sen_record_sent: sent,
        })
    })
}

// ---------------------------------------------------------------------------------------
// cycles

/// The school's provision catalogue as `ref`s see it: the entries that were read whole, and
/// every id written in the catalogue, including those of entries with a problem of their own
/// (already reported on school.yaml). A `ref` to an id that is not written there at all is
/// always a finding.
#[derive(Debug, Default)]
pub struct CatalogueIds {
    pub entries: HashMap<String, Provision>,
    pub known: std::collections::HashSet<String>,
}

/// The catalogue, or `None` when there is no school.yaml to hold one.
pub type Catalogue<'a> = Option<&'a CatalogueIds>;

/// Every `id:` written in the `provisions` section of school.yaml's text, whether or not its
/// entry could be read: so a typo elsewhere in an entry never makes a `ref` to it look
/// unknown, and a `ref` to an id written nowhere is still reported.
pub fn catalogue_ids(text: &str) -> std::collections::HashSet<String> {
    let mut ids = std::collections::HashSet::new();
    let mut inside = false;
    for line in text.lines() {
        let top = line
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && c != '#');
        if top {
            inside = line.starts_with("provisions:");
        }
        if !inside {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("id:") {
            let before = rest[..at].trim_end();
            let key_start = before.is_empty()
                || before.ends_with(['-', '{', ','])
                || (top && before == "provisions:");
            let after = &rest[at + 3..];
            if key_start {
                let value: String = after
                    .trim_start()
                    .chars()
                    .take_while(|c| !matches!(c, ',' | '}' | '#'))
                    .collect();
                let value = value.trim().trim_matches(['"', '\'']).trim();
                if !value.is_empty() {
                    ids.insert(value.to_string());
                }
            }
            rest = after;
        }
    }
    ids
}

pub fn cycle(check: &mut FileCheck, raw: &RawCycle, catalogue: Catalogue) -> Option<Cycle> {
    let started = check.date("started", &raw.started);
    let assess = raw.assess.as_ref().map(|a| Assess {
        summary: plain(&a.summary),
        pupil_views: plain(&a.pupil_views),
        parent_views: plain(&a.parent_views),
        specialists: a
            .specialists
            .iter()
            .flatten()
            .map(|s| Specialist {
                role: plain(&s.role),
                date: check.opt_date("date", &s.date).map(|d| d.value),
                advice: plain(&s.advice),
            })
            .collect(),
    });
    let plan = raw.plan.as_ref().and_then(|p| plan(check, p, catalogue));
    let review = raw
        .review
        .as_ref()
        .and_then(|r| review(check, r, raw.plan.as_ref()));

    if let Some(s) = &started {
        if let Some(p) = &plan {
            check.order(Some(s), "started", p.agreed.as_ref(), "plan.agreed");
            check.order(Some(s), "started", Some(&p.review_due), "plan.review_due");
        }
        if let Some(r) = &review {
            check.order(Some(s), "started", Some(&r.date), "review.date");
        }
    }
    if let Some(r) = &review {
        check.order(
            Some(&r.date),
            "review.date",
            r.shared_with_parents.as_ref(),
            "shared_with_parents",
        );
    }
    if check.has(Rule::Schema) {
        return None;
    }
    Some(Cycle {
        file: check.file.to_string(),
        started: started?,
        assess,
        plan,
        review,
    })
}

fn plan(check: &mut FileCheck, raw: &Loc<RawPlan>, catalogue: Catalogue) -> Option<Plan> {
    let p = &raw.value;
    let agreed = check.opt_date("agreed", &p.agreed);
    let review_due = match &p.review_due {
        Some(d) => check.date("review_due", d),
        None => {
            check.report(
                Rule::Schema,
                raw.line,
                raw.col,
                "a `plan` needs `review_due`: the date it will be reviewed (6.48)".into(),
                Some("add `review_due:` to the plan".into()),
            );
            None
        }
    };
    let mut outcomes = Vec::new();
    for o in p.outcomes.iter().flatten() {
        if let Some(id) = check.required_text("id", &o.value.id, (o.line, o.col)) {
            outcomes.push(Outcome {
                id,
                outcome: plain(&o.value.outcome),
                measure: plain(&o.value.measure),
            });
        }
    }
    let mut provision = Vec::new();
    for entry in p.provision.iter().flatten() {
        if let Some(pr) = plan_provision(check, entry, catalogue) {
            provision.push(pr);
        }
    }
    Some(Plan {
        line: raw.line,
        agreed,
        agreed_with_parents: p.agreed_with_parents.unwrap_or(false),
        outcomes,
        provision,
        review_due: review_due?,
    })
}

fn plan_provision(
    check: &mut FileCheck,
    raw: &Loc<RawPlanProvision>,
    catalogue: Catalogue,
) -> Option<Provision> {
    let p = &raw.value;
    let own = p.name.is_some()
        || p.area.is_some()
        || p.staff.is_some()
        || p.group_size.is_some()
        || p.sessions_per_week.is_some()
        || p.minutes_per_session.is_some()
        || p.cost_per_hour.is_some();
    if let Some(r) = &p.reference {
        if own {
            check.schema(
                r,
                format!("provision `{}` has both `ref` and its own fields", r.value),
                "keep `ref` to use the catalogue entry, or remove it and describe the provision in place",
            );
            return None;
        }
        let cat = catalogue?;
        return match cat.entries.get(r.value.trim()) {
            Some(found) => Some(found.clone()),
            // The entry is written but has a problem of its own, reported on school.yaml.
            None if cat.known.contains(r.value.trim()) => None,
            None => {
                let mut ids: Vec<&str> = cat.known.iter().map(String::as_str).collect();
                ids.sort_unstable();
                let help = match crate::yaml::closest(r.value.trim(), &ids) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "add it to `provisions` in school.yaml, or describe it in place".into(),
                };
                check.schema(
                    r,
                    format!(
                        "`ref: {}` names no provision in the school's catalogue",
                        r.value
                    ),
                    &help,
                );
                None
            }
        };
    }
    costed(
        check,
        raw.line,
        raw.col,
        None,
        &p.name,
        p.area,
        &p.staff,
        &p.group_size,
        &p.sessions_per_week,
        &p.minutes_per_session,
        &p.cost_per_hour,
    )
}

/// A provision's name and four costing fields, all required.
#[allow(clippy::too_many_arguments)]
fn costed(
    check: &mut FileCheck,
    line: u32,
    col: u32,
    id: Option<String>,
    name: &Option<Text>,
    area: Option<Area>,
    staff: &Option<String>,
    group_size: &Option<Loc<u32>>,
    sessions: &Option<Loc<f64>>,
    minutes: &Option<Loc<f64>>,
    cost: &Option<Loc<f64>>,
) -> Option<Provision> {
    let name = check.required_text("name", name, (line, col));
    let mut need = |key: &str, present: bool| {
        if !present {
            check.report(
                Rule::Schema,
                line,
                col,
                format!("missing required key `{key}`"),
                Some(format!("add `{key}:` so the provision can be costed")),
            );
        }
    };
    need("group_size", group_size.is_some());
    need("sessions_per_week", sessions.is_some());
    need("minutes_per_session", minutes.is_some());
    need("cost_per_hour", cost.is_some());
    let in_range = costing_in_range(check, group_size, sessions, minutes, cost);
    if !in_range {
        return None;
    }
    Some(Provision {
        id,
        name: name?,
        area,
        staff: plain(staff),
        group_size: group_size.as_ref()?.value.max(1),
        sessions_per_week: sessions.as_ref()?.value,
        minutes_per_session: minutes.as_ref()?.value,
        cost_per_hour: cost.as_ref()?.value,
    })
}

/// The costing numbers within records.md's ranges, each with at most two decimal places;
/// `false` (and a finding for each) when one is not.
fn costing_in_range(
    check: &mut FileCheck,
    group_size: &Option<Loc<u32>>,
    sessions: &Option<Loc<f64>>,
    minutes: &Option<Loc<f64>>,
    cost: &Option<Loc<f64>>,
) -> bool {
    let mut in_range = true;
    if let Some(g) = group_size
        && !(1..=100).contains(&g.value)
    {
        check.schema(
            g,
            format!("`group_size` is {}, outside 1 to 100", g.value),
            "the number of pupils who share one session",
        );
        in_range = false;
    }
    for (key, n, lo, hi, help) in [
        (
            "sessions_per_week",
            sessions,
            0.0,
            50.0,
            "how many sessions a week, 0 to 50",
        ),
        (
            "minutes_per_session",
            minutes,
            1.0,
            600.0,
            "how long one session lasts, 1 to 600 minutes",
        ),
        (
            "cost_per_hour",
            cost,
            0.0,
            1000.0,
            "the staff cost of one hour in pounds, 0 to 1000, at most two decimal places",
        ),
    ] {
        let Some(n) = n else { continue };
        if !n.value.is_finite() || n.value < lo || n.value > hi {
            check.schema(
                n,
                format!("`{key}` is {}, outside {lo} to {hi}", n.value),
                help,
            );
            in_range = false;
        } else if !two_decimals(n.value) {
            check.schema(
                n,
                format!(
                    "`{key}` is {}, which has more than two decimal places",
                    n.value
                ),
                "round it to two decimal places, such as 18.50 or 0.5",
            );
            in_range = false;
        }
    }
    in_range
}

/// Whether a number has at most two decimal places as written (18.5 and 18.50 do, 18.505
/// does not). records.md bounds every costing number this way, which, with the ranges, keeps
/// the provision map's exact fractions far inside 128 bits.
fn two_decimals(x: f64) -> bool {
    let text = format!("{x}");
    text.split_once('.').is_none_or(|(_, frac)| frac.len() <= 2) && !text.contains('e')
}

fn review(
    check: &mut FileCheck,
    raw: &Loc<RawReview>,
    plan: Option<&Loc<RawPlan>>,
) -> Option<Review> {
    let r = &raw.value;
    let date = check.date("date", &r.date);
    let shared = check.opt_date("shared_with_parents", &r.shared_with_parents);
    let mut outcomes = Vec::new();
    if let Some(o) = &r.outcomes {
        let known: Vec<String> = plan
            .map(|p| {
                p.value
                    .outcomes
                    .iter()
                    .flatten()
                    .filter_map(|o| o.value.id.as_ref().map(|i| i.value.clone()))
                    .collect()
            })
            .unwrap_or_default();
        if plan.is_none() && !o.value.is_empty() {
            check.schema(
                o,
                "the review records outcomes but the cycle has no `plan`".into(),
                "add the plan with its outcomes, or remove `outcomes` from the review",
            );
        } else {
            for (id, achieved) in &o.value {
                if !known.contains(id) {
                    let ids: Vec<&str> = known.iter().map(String::as_str).collect();
                    let help = match crate::yaml::closest(id, &ids) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None if ids.is_empty() => "the plan lists no outcomes".to_string(),
                        None => format!(
                            "the plan's outcomes are {}",
                            ids.iter()
                                .map(|i| format!("`{i}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    check.schema(
                        achieved,
                        format!("outcome `{id}` is not one of the plan's outcomes"),
                        &help,
                    );
                }
                outcomes.push((id.clone(), achieved.value));
            }
        }
    }
    Some(Review {
        line: raw.line,
        date: date?,
        parents_present: r.parents_present.unwrap_or(false),
        pupil_views: plain(&r.pupil_views),
        parent_views: plain(&r.parent_views),
        outcomes,
        progress: r.progress,
        next: r.next,
        shared_with_parents: shared,
    })
}

// ---------------------------------------------------------------------------------------
// meetings, ehcp.yaml, annual reviews

pub fn meeting(check: &mut FileCheck, raw: &RawMeeting) -> Option<Meeting> {
    let date = check.date("date", &raw.date);
    let shared = check.opt_date("shared_with_parents", &raw.shared_with_parents);
    check.order(
        date.as_ref(),
        "date",
        shared.as_ref(),
        "shared_with_parents",
    );
    if check.has(Rule::Schema) {
        return None;
    }
    Some(Meeting {
        file: check.file.to_string(),
        date: date?,
        parents_present: raw.parents_present.unwrap_or(false),
        pupil_present: raw.pupil_present.unwrap_or(false),
        led_by: plain(&raw.led_by),
        purpose: plain(&raw.purpose),
        notes: plain(&raw.notes),
        agreed: plain(&raw.agreed),
        shared_with_parents: shared,
    })
}

pub fn ehcp(check: &mut FileCheck, raw: &RawEhcp) -> Option<Ehcp> {
    let la = check.required_text(
        "local_authority",
        &Some(raw.local_authority.clone()),
        (1, 1),
    );
    let issued = check.opt_date("issued", &raw.issued);
    let assessment = raw.assessment.as_ref().map(|a| {
        let v = &a.value;
        let requested = check.opt_date("requested", &v.requested);
        let decision = check.opt_date("decision", &v.decision);
        let draft = check.opt_date("draft", &v.draft);
        let final_plan = check.opt_date("final", &v.final_plan);
        // requested - decision - draft - final, each against the latest earlier one present.
        let chain = [
            (&requested, "requested"),
            (&decision, "decision"),
            (&draft, "draft"),
            (&final_plan, "final"),
        ];
        let mut prev: Option<(&Day, &str)> = None;
        for (d, key) in chain {
            if let Some(d) = d {
                if let Some((p, pkey)) = prev {
                    check.order(Some(p), pkey, Some(d), key);
                }
                prev = Some((d, key));
            }
        }
        Assessment {
            line: a.line,
            requested,
            decision,
            decision_outcome: v.decision_outcome,
            draft,
            final_plan,
        }
    });
    let la_officer = raw.la_officer.as_ref().and_then(|o| {
        let v = &o.value;
        let name = check.required_text("name", &v.name, (o.line, o.col));
        if let Some(n) = &v.name {
            one_line(check, "name", &n.value, n.line, n.col);
        }
        Some(Invitee {
            role: InvitedRole::LaOfficer,
            name: name?,
            email: plain(&v.email),
            phone: plain(&v.phone),
            address: v.address.clone().unwrap_or_default(),
        })
    });
    if check.has(Rule::Schema) {
        return None;
    }
    Some(Ehcp {
        file: check.file.to_string(),
        local_authority: la?,
        assessment,
        issued,
        la_officer,
    })
}

pub fn annual_review(check: &mut FileCheck, raw: &RawAnnualReview) -> Option<AnnualReview> {
    let meeting = check.date("meeting", &raw.meeting);
    let invitations = check.opt_date("invitations_sent", &raw.invitations_sent);
    let advice_requested = check.opt_date("advice_requested", &raw.advice_requested);
    let advice_circulated = check.opt_date("advice_circulated", &raw.advice_circulated);
    let report = check.opt_date("report_sent", &raw.report_sent);
    let decision = check.opt_date("la_decision", &raw.la_decision);
    // What prepares a meeting cannot come after it (records.md).
    for (key, d) in [
        ("invitations_sent", &invitations),
        ("advice_requested", &advice_requested),
        ("advice_circulated", &advice_circulated),
    ] {
        if let (Some(m), Some(i)) = (&meeting, d)
            && i.value > m.value
        {
            check.dates(
                i,
                format!(
                    "`{key}` ({}) is after the `meeting` ({})",
                    uk(i.value),
                    uk(m.value)
                ),
            );
        }
    }
    let invited = invited(check, raw);
    check.order(meeting.as_ref(), "meeting", report.as_ref(), "report_sent");
    check.order(
        meeting.as_ref(),
        "meeting",
        decision.as_ref(),
        "la_decision",
    );
    if check.has(Rule::Schema) {
        return None;
    }
    Some(AnnualReview {
        file: check.file.to_string(),
        meeting: meeting?,
        invitations_sent: invitations,
        invited,
        advice_requested,
        advice_circulated,
        parents_present: raw.parents_present.unwrap_or(false),
        pupil_views: plain(&raw.pupil_views),
        preparing_for_adulthood: plain(&raw.preparing_for_adulthood),
        report_sent: report,
        la_decision: decision,
        la_outcome: raw.la_outcome,
    })
}

/// `invited`: everyone invited to the annual review, each with a name and a role.
fn invited(check: &mut FileCheck, raw: &RawAnnualReview) -> Vec<Invitee> {
    let mut invited = Vec::new();
    for p in raw.invited.iter().flat_map(|l| l.value.iter()) {
        let v = &p.value;
        let name = check.required_text("name", &v.name, (p.line, p.col));
        if let Some(n) = &v.name {
            one_line(check, "name", &n.value, n.line, n.col);
        }
        let role = match &v.role {
            Some(r) => Some(r.value),
            None => {
                check.report(
                    Rule::Schema,
                    p.line,
                    p.col,
                    "missing required key `role`".into(),
                    Some(
                        "add `role:` with one of parent, school, la-officer, health, social-care, other"
                            .into(),
                    ),
                );
                None
            }
        };
        if let (Some(role), Some(name)) = (role, name) {
            invited.push(Invitee {
                role,
                name,
                email: plain(&v.email),
                phone: plain(&v.phone),
                address: v.address.clone().unwrap_or_default(),
            });
        }
    }
    invited
}

// ---------------------------------------------------------------------------------------
// school.yaml

pub fn school(
    check: &mut FileCheck,
    raw: &RawSchoolFile,
    bad: &mut SchoolBad,
    skipped: &[&str],
) -> School {
    let mut school = School::default();
    let before = |c: &FileCheck| c.findings.len();

    school_key(check, raw, skipped, &mut school);

    // `senco`
    let n = before(check);
    school_senco(check, raw, &mut school);
    bad.senco |= check.findings.len() > n;

    school.local_offer = text(&raw.local_offer);
    school.iass = raw.iass.as_ref().map(|i| Iass {
        name: plain(&i.value.name),
        phone: plain(&i.value.phone),
        email: plain(&i.value.email),
        website: plain(&i.value.website),
    });

    // `terms` and `settings`: a problem here silences every rule.
    let n = before(check);
    school_terms(check, raw, &mut school);
    school_settings(check, raw, &mut school);
    bad.all |= check.findings.len() > n;

    // `provisions`
    let n = before(check);
    school_provisions(check, raw, &mut school);
    bad.provisions |= check.findings.len() > n;

    // `information_report`: blank sections are `incomplete` findings of the rule, not schema.
    let n = before(check);
    school_information_report(check, raw, &mut school);
    bad.information_report |= check.findings.len() > n;
    school
}

/// `school` (required): the school's name, URN and contacts.
fn school_key(check: &mut FileCheck, raw: &RawSchoolFile, skipped: &[&str], school: &mut School) {
    // `school` (required)
    match &raw.school {
        Some(s) => {
            let v = &s.value;
            school.name = check
                .required_text("name", &v.name, (s.line, s.col))
                .unwrap_or_default();
            if let Some(urn) = &v.urn
                && !(urn.value.len() == 6 && urn.value.bytes().all(|b| b.is_ascii_digit()))
            {
                check.schema(
                    urn,
                    format!("`urn` `{}` is not six digits", urn.value),
                    "the URN is the school's 6-digit Unique Reference Number",
                );
            }
            school.urn = text(&v.urn);
            school.local_authority = plain(&v.local_authority);
            school.phase = v.phase;
            school.address = v.address.clone().unwrap_or_default();
            school.phone = plain(&v.phone);
            school.website = plain(&v.website);
            school.pupils_on_roll = match &v.pupils_on_roll {
                Some(n) if n.value == 0 => {
                    check.schema(
                        n,
                        "`pupils_on_roll` is 0".into(),
                        "give every pupil on the school's roll, or leave the key out",
                    );
                    None
                }
                n => n.as_ref().map(|n| n.value),
            };
        }
        None if !skipped.contains(&"school") => {
            check.report(
                Rule::Schema,
                1,
                1,
                "missing required key `school`".into(),
                Some("add `school:` with the school's `name`".into()),
            );
        }
        None => {}
    }
}

/// `senco`: the SENCO, their appointment and qualification.
fn school_senco(check: &mut FileCheck, raw: &RawSchoolFile, school: &mut School) {
    if let Some(s) = &raw.senco {
        let v = &s.value;
        let appointed = match &v.appointed {
            Some(a) => check.date("appointed", a),
            None => {
                check.report(
                    Rule::Schema,
                    s.line,
                    s.col,
                    "missing required key `appointed`".into(),
                    Some("add `appointed:` with the date the SENCO took up the role".into()),
                );
                None
            }
        };
        let award = check.opt_date("national_award", &v.national_award);
        let mut qualification = award.map(|a| Qualification {
            kind: QualificationKind::Nasenco,
            started: None,
            achieved: Some(a),
        });
        if let Some(q) = &v.qualification {
            if let Some(a) = &v.national_award {
                check.schema(
                    a,
                    "both `national_award` and `qualification` are given".into(),
                    "keep `qualification` (national_award: D is the older way to write {kind: nasenco, achieved: D})",
                );
            }
            let started = check.opt_date("started", &q.value.started);
            let achieved = check.opt_date("achieved", &q.value.achieved);
            check.order(started.as_ref(), "started", achieved.as_ref(), "achieved");
            match &q.value.kind {
                Some(k) => {
                    qualification = Some(Qualification {
                        kind: k.value,
                        started: started.map(|d| d.value),
                        achieved,
                    });
                }
                None => check.report(
                    Rule::Schema,
                    q.line,
                    q.col,
                    "missing required key `kind`".into(),
                    Some("add `kind: npq-senco` (the NPQ for SENCOs) or `kind: nasenco` (the National Award)".into()),
                ),
            }
        }
        school.senco = Some(Senco {
            line: s.line,
            name: plain(&v.name),
            email: plain(&v.email),
            phone: plain(&v.phone),
            qualified_teacher: v.qualified_teacher.unwrap_or(false),
            appointed,
            previously_senco_months: v.previously_senco_months.unwrap_or(0),
            qualification,
        });
    }
}

/// `terms`, sorted by their start.
fn school_terms(check: &mut FileCheck, raw: &RawSchoolFile, school: &mut School) {
    for t in raw.terms.iter().flat_map(|t| t.value.iter()) {
        let v = &t.value;
        let name = check.required_text("name", &v.name, (t.line, t.col));
        let start = match &v.start {
            Some(d) => check.date("start", d),
            None => {
                check.report(
                    Rule::Schema,
                    t.line,
                    t.col,
                    "missing required key `start`".into(),
                    Some("add `start:` with the term's first day".into()),
                );
                None
            }
        };
        let end = match &v.end {
            Some(d) => check.date("end", d),
            None => {
                check.report(
                    Rule::Schema,
                    t.line,
                    t.col,
                    "missing required key `end`".into(),
                    Some("add `end:` with the term's last day".into()),
                );
                None
            }
        };
        check.order(start.as_ref(), "start", end.as_ref(), "end");
        if let (Some(name), Some(start), Some(end)) = (name, start, end) {
            school.terms.push(Term {
                name,
                start: start.value,
                end: end.value,
            });
        }
    }
    school.terms.sort_by_key(|t| t.start);
}

/// `settings`, with the defaults of records.md where a key is left out.
fn school_settings(check: &mut FileCheck, raw: &RawSchoolFile, school: &mut School) {
    if let Some(s) = &raw.settings {
        let v = &s.value;
        let d = Settings::default();
        school.settings = Settings {
            due_within_days: v.due_within_days.unwrap_or(d.due_within_days),
            new_cycle_within_days: v.new_cycle_within_days.unwrap_or(d.new_cycle_within_days),
            share_record_within_days: v
                .share_record_within_days
                .unwrap_or(d.share_record_within_days),
            transfer_years: v.transfer_years.as_ref().map_or(d.transfer_years, |x| {
                x.iter().map(|y| i64::from(*y)).collect()
            }),
            suppress_below: match &v.suppress_below {
                // A threshold of 0 or 1 would publish every count: "fewer than 1" hides nothing.
                Some(n) if !(2..=100).contains(&n.value) => {
                    check.schema(
                        n,
                        format!("`suppress_below` is {}, outside 2 to 100", n.value),
                        "published counts under this are hidden; 5 is usual, and it must be at least 2",
                    );
                    d.suppress_below
                }
                Some(n) => n.value,
                None => d.suppress_below,
            },
            one_letter_per_address: v.one_letter_per_address.unwrap_or(d.one_letter_per_address),
            records_begin: v
                .records_begin
                .as_ref()
                .and_then(|b| check.date("records_begin", b))
                .map(|b| b.value),
            advice_wanted_days_before: match &v.advice_wanted_days_before {
                Some(n) if !(1..=90).contains(&n.value) => {
                    check.schema(
                        n,
                        format!(
                            "`advice_wanted_days_before` is {}, outside 1 to 90",
                            n.value
                        ),
                        "advice is asked for this many days before the meeting; 21 is usual",
                    );
                    d.advice_wanted_days_before
                }
                Some(n) => n.value,
                None => d.advice_wanted_days_before,
            },
        };
    }
}

/// `provisions`: the catalogue, each id once.
fn school_provisions(check: &mut FileCheck, raw: &RawSchoolFile, school: &mut School) {
    let mut seen: HashMap<String, u32> = HashMap::new();
    for p in raw.provisions.iter().flat_map(|p| p.value.iter()) {
        let v = &p.value;
        let id = check.required_text("id", &v.id, (p.line, p.col));
        if let (Some(id), Some(raw_id)) = (&id, &v.id)
            && let Some(first) = seen.insert(id.clone(), raw_id.line)
        {
            {
                check.schema(
                    raw_id,
                    format!("provision id `{id}` is used twice (first on line {first})"),
                    "give each catalogue entry its own id",
                );
            }
        }
        if let Some(pr) = costed(
            check,
            p.line,
            p.col,
            id,
            &v.name,
            v.area,
            &v.staff,
            &v.group_size,
            &v.sessions_per_week,
            &v.minutes_per_session,
            &v.cost_per_hour,
        ) {
            school.provisions.push(pr);
        }
    }
}

/// `information_report`: each statutory section's text and line (blank ones are the
/// rule's `incomplete` findings, not schema).
fn school_information_report(check: &mut FileCheck, raw: &RawSchoolFile, school: &mut School) {
    if let Some(r) = &raw.information_report {
        school.information_report.line = r.line;
        school.information_report.published = check.opt_date("published", &r.value.published);
        let s = r.value.sections.as_ref();
        let all = s.map(|s| s.value.in_order());
        for (i, _) in SECTIONS.iter().enumerate() {
            let raw_text = all.as_ref().and_then(|a| a[i]);
            school
                .information_report
                .sections
                .push(raw_text.and_then(|t| plain(&Some(t.value.clone()))));
            school
                .information_report
                .section_lines
                .push(raw_text.map_or(s.map_or(r.line, |s| s.line), |t| t.line));
        }
    } else {
        school.information_report.sections = vec![None; SECTIONS.len()];
        school.information_report.section_lines = vec![0; SECTIONS.len()];
    }
}

/// Pupil ids: lowercase ASCII letters and digits, in groups joined by single '-', at most
/// [`MAX_PUPIL_ID`] characters, not a [`reserved_name`] (records.md 0.3).
pub fn valid_pupil_id(id: &str) -> bool {
    pupil_id_problem(id).is_none()
}

/// The longest pupil id (records.md 0.3): a path through it stays well within what every
/// operating system and zip tool holds.
pub const MAX_PUPIL_ID: usize = 60;

/// A name Windows keeps for a device (`con`, `prn`, `aux`, `nul`, `com1` to `com9`, `lpt1`
/// to `lpt9`), which no folder there can have (records.md 0.3).
pub fn reserved_name(id: &str) -> bool {
    let id = id.to_ascii_lowercase();
    matches!(id.as_str(), "con" | "prn" | "aux" | "nul")
        || ((id.starts_with("com") || id.starts_with("lpt"))
            && id.len() == 4
            && matches!(id.as_bytes()[3], b'1'..=b'9'))
}

/// `id` cut to at most `max` characters, at a '-' where one falls in the second half, with
/// no '-' at the end.
pub fn shortened_id(id: &str, max: usize) -> String {
    if id.len() <= max {
        return id.to_string();
    }
    let mut end = max.min(id.len());
    while !id.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &id[..end];
    let cut = match cut.rfind('-') {
        Some(i) if i >= max / 2 => &cut[..i],
        _ => cut,
    };
    cut.trim_end_matches('-').to_string()
}

/// Why `id` cannot be a pupil id, as the end of a sentence, or `None` when it can:
/// lowercase ASCII letters and digits in groups joined by single '-', at most
/// [`MAX_PUPIL_ID`] characters, and not a [`reserved_name`].
pub fn pupil_id_problem(id: &str) -> Option<String> {
    let shaped = !id.is_empty()
        && id.split('-').all(|g| {
            !g.is_empty()
                && g.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if !shaped {
        Some("an id is lowercase letters and digits, in groups joined by single '-'".into())
    } else if id.len() > MAX_PUPIL_ID {
        Some(format!(
            "it is {} characters long, and an id is at most {MAX_PUPIL_ID}",
            id.len()
        ))
    } else if reserved_name(id) {
        Some(format!(
            "`{id}` is a name Windows keeps for a device, so no Windows machine could hold the folder"
        ))
    } else {
        None
    }
}

/// The checks of one pupil folder that read more than one file: the folder's name, that it
/// has a pupil.yaml, that status `E` has a plan with `issued`, and that no annual review is
/// before the plan. Marks the files they make unusable in `out.bad`.
pub fn folder_across(
    out: &mut PupilFolder,
    has_pupil_file: bool,
    ehcp_file: Option<&str>,
) -> Vec<Finding> {
    let id = out.id.clone();
    let mut findings = Vec::new();
    folder_name(&id, &mut findings);
    if !has_pupil_file {
        findings.push(
            Finding::new(
                Rule::Schema,
                Kind::Invalid,
                format!("pupil folder `pupils/{id}` has no pupil.yaml"),
            )
            .pupil(&id)
            .at(format!("pupils/{id}/pupil.yaml"), None)
            .help(format!(
                "add pupils/{id}/pupil.yaml (`sen new pupil {id} ...` writes one)"
            )),
        );
        out.bad.pupil = true;
    }

    ehcp_issued(out, ehcp_file, &id, &mut findings);
    reviews_before_issue(out, &id, &mut findings);
    findings
}

/// A pupil folder whose name is not a pupil id: the finding, with a name to rename it to.
fn folder_name(id: &str, findings: &mut Vec<Finding>) {
    let id = id.to_string();
    if !valid_pupil_id(&id) {
        let shaped: String = id
            .to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let mut suggestion = shortened_id(&shaped, MAX_PUPIL_ID);
        if reserved_name(&suggestion) {
            suggestion.push_str("-2");
        }
        let message = if shaped != id {
            format!(
                "pupil folder name `pupils/{id}` is not lowercase letters and digits joined by single '-'"
            )
        } else if id.len() > MAX_PUPIL_ID {
            format!(
                "pupil folder name `pupils/{id}` is {} characters long: a pupil id is at most {MAX_PUPIL_ID}, so the records can be copied to any machine",
                id.len()
            )
        } else {
            format!(
                "pupil folder name `pupils/{id}` is a name Windows keeps for a device: no Windows machine could hold the folder"
            )
        };
        let mut f = Finding::new(Rule::Schema, Kind::Invalid, message).pupil(&id);
        f.help = Some(format!("rename the folder, for example to `{suggestion}`"));
        findings.push(f);
    }
}

/// Status E needs ehcp.yaml with `issued`.
fn ehcp_issued(
    out: &mut PupilFolder,
    ehcp_file: Option<&str>,
    id: &str,
    findings: &mut Vec<Finding>,
) {
    // Status E needs ehcp.yaml with `issued`.
    if let Some(p) = &out.pupil
        && p.status == Status::E
    {
        let issued = out.ehcp.as_ref().and_then(|e| e.issued.clone());
        if issued.is_none() && !out.bad.ehcp {
            let (file, msg) = match &ehcp_file {
                Some(f) => (
                    f.to_string(),
                    "status `E` needs `issued`: the date the EHC plan was first issued".to_string(),
                ),
                None => (
                    p.file.clone(),
                    "status `E` (EHC plan) needs pupils/ID/ehcp.yaml with `issued`".to_string(),
                ),
            };
            let on_ehcp = ehcp_file.is_some();
            findings.push(
                Finding::new(Rule::Schema, Kind::Invalid, msg)
                    .pupil(id)
                    .at(file, Some(1))
                    .help(
                        "record the plan in ehcp.yaml with its `local_authority` and `issued` date",
                    ),
            );
            if on_ehcp {
                out.bad.ehcp = true;
            } else {
                out.bad.pupil = true;
                out.bad.pupil_shape = true;
            }
        }
    }
}

/// An annual review before the plan was issued (whatever the status now).
fn reviews_before_issue(out: &mut PupilFolder, id: &str, findings: &mut Vec<Finding>) {
    // An annual review before the plan was issued (whatever the status now).
    if let Some(issued) = out.ehcp.as_ref().and_then(|e| e.issued.clone()) {
        for ar in &out.annual_reviews {
            if ar.meeting.value < issued.value {
                findings.push(
                    Finding::new(
                        Rule::Dates,
                        Kind::Invalid,
                        format!(
                            "annual review `meeting` ({}) is before the plan was issued ({})",
                            uk(ar.meeting.value),
                            uk(issued.value)
                        ),
                    )
                    .pupil(id)
                    .at(&ar.file, Some(ar.meeting.line)),
                );
                out.bad.annual_reviews = true;
            }
        }
    }
}

/// Across pupils: two or more pupils with one UPN: one finding for each, naming the other files.
pub fn duplicate_upns(records: &Records) -> Vec<Finding> {
    let mut by_upn: HashMap<&str, Vec<(&str, &Pupil)>> = HashMap::new();
    for (id, p) in records
        .pupils
        .iter()
        .filter_map(|f| f.pupil.as_ref().map(|p| (f.id.as_str(), p)))
    {
        if let Some(u) = &p.upn {
            by_upn.entry(u.trim()).or_default().push((id, p));
        }
    }
    let mut out = Vec::new();
    for (upn, pupils) in by_upn {
        if pupils.len() < 2 {
            continue;
        }
        for (id, p) in &pupils {
            let others: Vec<&str> = pupils
                .iter()
                .filter(|(_, o)| o.file != p.file)
                .map(|(_, o)| o.file.as_str())
                .collect();
            out.push(
                Finding::new(
                    Rule::Upn,
                    Kind::Invalid,
                    format!("UPN `{upn}` is also the UPN in {}", others.join(", ")),
                )
                .pupil(*id)
                .at(&p.file, Some(p.upn_line))
                .help("each pupil has their own UPN: check both against the school's MIS"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pupil_ids_are_lowercase_groups_joined_by_single_hyphens() {
        assert!(valid_pupil_id("amara-okafor"));
        assert!(valid_pupil_id("leo2"));
        assert!(!valid_pupil_id("Amara-Okafor"));
        assert!(!valid_pupil_id("amara--okafor"));
        assert!(!valid_pupil_id("-amara"));
        assert!(!valid_pupil_id("amara_okafor"));
    }

    #[test]
    fn published_upns_are_valid() {
        for upn in [
            "H801200001001",
            "G80120000101A",
            "B801200005001",
            "A950000178301",
            "P207000016049",
        ] {
            assert_eq!(check_upn(upn), Ok(()), "{upn}");
        }
    }

    #[test]
    fn wrong_check_letter_names_the_expected_one() {
        let e = check_upn("Z801200001001").unwrap_err();
        assert!(e.contains("expected `H`"), "{e}");
        for upn in ["B207000016049", "Q207000016049"] {
            assert!(check_upn(upn).unwrap_err().contains("expected `P`"));
        }
    }

    #[test]
    fn misshapen_upns_are_refused() {
        assert!(check_upn("H80120000100").is_err());
        assert!(check_upn("H8012000010I1").is_err());
        assert!(check_upn("H80120000100I").is_err());
    }
}
