//! One pupil's story: `sen report pupil ID` (the whole SEN record over a period, for an EHC
//! needs assessment request, the next school, an inspector or a parent who asks) and `sen
//! report passport` (a one-page profile for every adult who works with the pupil, 6.49).
//!
//! Both read the records as they stood on the as-of date through the rules' view
//! ([`crate::rules::asof`]); the costs are the provision map's own lines for the pupil, so
//! they agree with `sen report provision-map` to the penny; the findings are `sen check`'s.
//! Neither names another pupil: group provision is described by its size only.

use anyhow::{Result, bail};
use chrono::NaiveDate;
use minijinja::Value;
use serde::Serialize;

use crate::reports::page::{self, Built, Input, Insert, Inserts, PageView};

use crate::chart::{BarChart, Scale, Series};
use crate::dates;
use crate::findings::Kind;
use crate::load::Loaded;
use crate::model::{DecisionOutcome, Progress, Pupil, PupilFolder, Records};
use crate::records::LaOutcome;
use crate::reports::costs::provision_map;
use crate::rules::{self, DutyState, Options, asof};
use crate::views::{
    CostLine, CycleView, MeetingView, NeedView, ProvisionView, PupilView, SchoolView, iso,
};

/// A contact as the pupil's record names them: who, not how to reach them.
#[derive(Debug, Clone, Serialize)]
pub struct ContactName {
    pub name: String,
    pub relationship: Option<String>,
    pub parental_responsibility: bool,
}

/// Advice from a specialist in a cycle's assessment (6.58-6.59).
#[derive(Debug, Clone, Serialize)]
pub struct SpecialistView {
    pub role: Option<String>,
    pub date: Option<String>,
    pub advice: Option<String>,
}

/// A cycle in the pupil's history, as it stood on the as-of date.
#[derive(Debug, Clone, Serialize)]
pub struct CycleStory {
    #[serde(flatten)]
    pub cycle: CycleView,
    pub specialists: Vec<SpecialistView>,
    /// The next step the review decided, in words.
    pub next_step: Option<&'static str>,
}

/// The EHC needs assessment and plan, as they stood on the as-of date.
#[derive(Debug, Clone, Serialize)]
pub struct EhcStory {
    pub local_authority: String,
    pub requested: Option<String>,
    pub decision: Option<String>,
    /// "to assess", "not to assess".
    pub decision_outcome: Option<&'static str>,
    pub final_plan: Option<String>,
    pub issued: Option<String>,
}

/// An EHC plan annual review, held or scheduled.
#[derive(Debug, Clone, Serialize)]
pub struct AnnualReviewStory {
    pub meeting: String,
    pub held: bool,
    pub invitations_sent: Option<String>,
    pub parents_present: bool,
    pub pupil_views: Option<String>,
    pub preparing_for_adulthood: Option<String>,
    pub report_sent: Option<String>,
    pub la_decision: Option<String>,
    /// "maintain the plan", "amend the plan", "cease the plan".
    pub la_outcome: Option<&'static str>,
}

/// One entry of the history, in date order. `kind` says which of the other fields is set:
/// `register`, `notified`, `cycle`, `meeting`, `ehc-requested`, `ehc-decision`, `ehc-issued`,
/// `annual-review`, `left`.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub date: String,
    pub kind: &'static str,
    pub cycle: Option<CycleStory>,
    pub meeting: Option<MeetingView>,
    pub annual_review: Option<AnnualReviewStory>,
}

/// Outcomes and progress at one review in the period.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewRow {
    pub date: String,
    pub outcomes: u32,
    pub achieved: u32,
    pub partly: u32,
    pub not_achieved: u32,
    pub not_judged: u32,
    /// "good progress", ...
    pub progress: &'static str,
}

/// A finding of `sen check` about the pupil, as the record shows it.
#[derive(Debug, Clone, Serialize)]
pub struct OpenFinding {
    /// `overdue`, `due`, `incomplete`, `advice`, `invalid`.
    pub kind: &'static str,
    pub rule: &'static str,
    pub paragraphs: String,
    pub due: Option<String>,
    pub message: String,
    /// The finding in words for the reader, with no rule id ([`crate::rules::words::describe`]).
    pub words: String,
}

/// A duty done late in the period.
#[derive(Debug, Clone, Serialize)]
pub struct LateDuty {
    pub rule: &'static str,
    pub paragraphs: String,
    pub due: String,
    pub done: Option<String>,
    pub days: Option<i64>,
    /// The late duty in words for the reader ([`crate::rules::words::describe_duty`]).
    pub words: String,
}

/// Where the pupil went, and when the SEN record was sent (6.57).
#[derive(Debug, Clone, Serialize)]
pub struct TransferView {
    pub school: String,
    pub urn: Option<String>,
    pub sen_record_sent: Option<String>,
}

/// What `pupil.md.j2` sees.
#[derive(Debug, Clone, Serialize)]
pub struct PupilReportView {
    pub school: SchoolView,
    pub as_of: String,
    /// The period of the costs, the review table and the late duties (ISO).
    pub from: String,
    pub to: String,
    pub pupil: PupilView,
    pub dob: String,
    pub upn: Option<String>,
    /// On the register on the as-of date.
    pub on_register: bool,
    /// "looked after", "pupil premium", ...
    pub flags: Vec<&'static str>,
    pub contacts: Vec<ContactName>,
    pub what_helps: Option<String>,
    pub left: Option<String>,
    pub transfer: Option<TransferView>,
    pub ehc: Option<EhcStory>,
    pub history: Vec<Event>,
    pub costs: Vec<CostLine>,
    /// Sum of the cost lines (pence), as the provision map's total for the pupil.
    pub cost_total: i64,
    pub reviews: Vec<ReviewRow>,
    pub open: Vec<OpenFinding>,
    pub late: Vec<LateDuty>,
}

/// The default period of the pupil report: the three terms ending with the one containing
/// as-of (or the last before it, in a holiday), by the terms of rules.md, up to as-of.
pub fn default_period(records: &Records, as_of: NaiveDate) -> (NaiveDate, NaiveDate) {
    let school = &records.school.terms;
    let mut terms: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for back in [1, 0] {
        let day = dates::ymd(dates::academic_year_start_year(as_of) - back, 9, 1);
        terms.extend(
            rules::terms(school, day)
                .into_iter()
                .map(|t| (t.start, t.end)),
        );
    }
    terms.retain(|(start, _)| *start <= as_of);
    terms.sort();
    let first = terms.len().saturating_sub(3);
    let from = terms.get(first).map_or(as_of, |t| t.0);
    (from, as_of)
}

fn find<'a>(records: &'a Records, id: &str) -> Result<(&'a PupilFolder, &'a Pupil)> {
    let Some(folder) = records.pupils.iter().find(|f| f.id == id) else {
        match crate::commands::did_you_mean(records, id) {
            near if near.is_empty() => bail!(
                "no pupil `{id}`: give the folder name under pupils/ (see `sen check` or the register)"
            ),
            near => bail!("no pupil `{id}`{near}"),
        }
    };
    let Some(pupil) = folder.pupil.as_ref() else {
        bail!("`pupils/{id}/pupil.yaml` could not be read: run `sen check` to see why");
    };
    Ok((folder, pupil))
}

fn flags(p: &Pupil) -> Vec<&'static str> {
    let f = p.flags;
    [
        (f.looked_after, "looked after"),
        (f.eal, "English as an additional language"),
        (f.pupil_premium, "pupil premium"),
        (f.medical_plan, "medical plan"),
    ]
    .into_iter()
    .filter_map(|(on, label)| on.then_some(label))
    .collect()
}

fn next_step(n: crate::model::Next) -> &'static str {
    use crate::model::Next;
    match n {
        Next::NewCycle => "a new cycle of support",
        Next::Specialist => "advice from a specialist",
        Next::EhcRequest => "a request for an EHC needs assessment",
        Next::Exit => "support no longer needed: off the SEN register",
    }
}

fn progress_words(p: Progress) -> &'static str {
    match p {
        Progress::Good => "good progress",
        Progress::Expected => "expected progress",
        Progress::LessThanExpected => "less than expected",
        Progress::LittleOrNone => "little or no progress",
    }
}

/// A pupil's record (the table's builder): one pupil, over the period asked for (by
/// default from the start of the third term back).
pub fn pupil_page(input: &Input) -> Result<Built> {
    let [id] = input.ask.pupils.as_slice() else {
        bail!("give one pupil: `sen report pupil ID` (the folder name under pupils/)");
    };
    let (from, to) = default_period(&input.loaded.records, input.as_of);
    let (from, to) = page::period_or(input.ask, from, to)?;
    let page = pupil_page_view(input.loaded, id, input.as_of, from, to)?;
    Ok(Built {
        title: page.0,
        pages: vec![page.1],
    })
}

/// A pupil's record as a page of `pupil.md.j2` with its progress chart, and its title.
pub fn pupil_page_view(
    loaded: &Loaded,
    id: &str,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(String, PageView)> {
    let (view, chart) = pupil_report(loaded, id, as_of, from, to)?;
    let title = format!("SEN record: {}", view.pupil.full_name);
    let mut inserts = Inserts::default();
    inserts.put("progress", chart.map(Insert::chart));
    let page = PageView {
        template: "pupil.md.j2",
        view: page::with_charts(&view, &inserts),
        inserts,
    };
    Ok((title, page))
}

/// The passports asked for (the table's builder): the pupils named, or a class, or NC
/// years; a page each.
pub fn passport_pages(input: &Input) -> Result<Built> {
    let ask = input.ask;
    let whom = match (&ask.class, ask.years.as_slice(), ask.pupils.as_slice()) {
        (Some(c), [], []) => Whom::Class(c),
        (None, [_, ..], []) => Whom::Years(&ask.years),
        (None, [], [_, ..]) => Whom::Ids(&ask.pupils),
        _ => bail!(
            "give the pupils, or `--class CLASS`, or `--year N`: `sen report passport amara-okafor` or `sen report passport --class \"5 Willow\"`"
        ),
    };
    let view = passports(&input.loaded.records, whom, input.as_of)?;
    let title = match view.pupils.as_slice() {
        [one] => format!("Pupil passport: {}", one.pupil.full_name),
        _ => format!("Pupil passports: {}", view.school.name),
    };
    let pages = view
        .pages()
        .map(|page| PageView {
            template: "passport.md.j2",
            view: Value::from(minijinja::value::Serde(&page)),
            inserts: Inserts::default(),
        })
        .collect();
    Ok(Built { title, pages })
}

/// `sen report pupil ID`.
pub fn pupil_report(
    loaded: &Loaded,
    id: &str,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(PupilReportView, Option<String>)> {
    let records = &loaded.records;
    let (folder, p) = find(records, id)?;
    let v = asof::PupilAsOf::new(folder, p, as_of);
    let history = history(&v, as_of);
    let ehc = ehc_story(&v);
    let reviews = review_rows(&v, from, to);
    let window = records.school.settings.due_within_days;
    let open = open_findings(loaded, id, p, as_of, window);
    let late = late_duties(records, id, p, (as_of, window), (from, to));
    // Costs: the provision map's own lines for this pupil over the same period.
    let map = provision_map(records, as_of, from, to);
    let (costs, cost_total) = map
        .pupils
        .into_iter()
        .find(|c| c.id == id)
        .map_or((Vec::new(), 0), |c| (c.lines, c.total));

    let chart = progress_chart(&v, from, to);

    let view = PupilReportView {
        school: SchoolView::of(&records.school),
        as_of: iso(as_of),
        from: iso(from),
        to: iso(to),
        // A leaver's year and class as they were on leaving.
        pupil: PupilView::of(id, p, v.left.map_or(as_of, |l| l.min(as_of))),
        dob: iso(p.dob),
        upn: p.upn.clone(),
        on_register: v.on_register(as_of),
        flags: flags(p),
        contacts: p
            .contacts
            .iter()
            .map(|c| ContactName {
                name: c.name.clone(),
                relationship: c.relationship.clone(),
                parental_responsibility: c.parental_responsibility,
            })
            .collect(),
        what_helps: p.what_helps.clone(),
        left: v.left.map(iso),
        transfer: p
            .transfer
            .as_ref()
            .filter(|_| v.left.is_some())
            .map(|t| TransferView {
                school: t.school.clone(),
                urn: t.urn.clone(),
                sen_record_sent: t
                    .sen_record_sent
                    .as_ref()
                    .filter(|d| d.value <= as_of)
                    .map(|d| iso(d.value)),
            }),
        ehc,
        history,
        costs,
        cost_total,
        reviews,
        open,
        late,
    };
    Ok((view, chart))
}

/// The pupil's history: the register, the letter to parents, each cycle and meeting, the
/// EHC milestones, each annual review and leaving, in date order.
fn history(v: &asof::PupilAsOf, as_of: NaiveDate) -> Vec<Event> {
    let mut history = Vec::new();
    if v.since <= as_of {
        history.push(event(v.since, "register"));
    }
    if let Some(n) = v.parents_notified {
        history.push(event(n.value, "notified"));
    }
    for c in &v.cycles {
        history.push(cycle_event(c, as_of));
    }
    for m in &v.meetings {
        let mut e = event(m.meeting.date.value, "meeting");
        e.meeting = Some(MeetingView::of(m.meeting));
        history.push(e);
    }
    if let Some(e) = &v.ehcp {
        if let Some(a) = &e.assessment {
            if let Some(r) = a.requested {
                history.push(event(r.value, "ehc-requested"));
            }
            if let Some(d) = a.decision {
                history.push(event(d.value, "ehc-decision"));
            }
        }
        if let Some(i) = e.issued {
            history.push(event(i.value, "ehc-issued"));
        }
    }
    for r in &v.annual_reviews {
        history.push(annual_review_event(r));
    }
    if let Some(left) = v.left {
        history.push(event(left, "left"));
    }
    // Date order; on one day, the order above (the register before the letter to parents).
    history.sort_by(|a, b| a.date.cmp(&b.date));

    history
}
/// An event of the history with nothing attached yet.
fn event(date: NaiveDate, kind: &'static str) -> Event {
    Event {
        date: iso(date),
        kind,
        cycle: None,
        meeting: None,
        annual_review: None,
    }
}

/// A cycle's event: the cycle, the specialists whose advice it had by as-of, the next step.
fn cycle_event(c: &asof::CycleAsOf, as_of: NaiveDate) -> Event {
    let specialists = c
        .cycle
        .assess
        .as_ref()
        .map(|a| {
            a.specialists
                .iter()
                .filter(|s| s.date.is_none_or(|d| d <= as_of))
                .map(|s| SpecialistView {
                    role: s.role.clone(),
                    date: s.date.map(iso),
                    advice: s.advice.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut e = event(c.cycle.started.value, "cycle");
    e.cycle = Some(CycleStory {
        cycle: CycleView::of(c.cycle, as_of),
        specialists,
        next_step: c.review.as_ref().and_then(|r| r.review.next).map(next_step),
    });
    e
}

/// An annual review's event, as it stood on as-of.
fn annual_review_event(r: &asof::AnnualReviewAsOf) -> Event {
    let mut e = event(r.meeting, "annual-review");
    e.annual_review = Some(AnnualReviewStory {
        meeting: iso(r.meeting),
        held: r.held,
        invitations_sent: r.invitations_sent.map(|d| iso(d.value)),
        parents_present: r.parents_present,
        pupil_views: r.review.pupil_views.clone().filter(|_| r.held),
        preparing_for_adulthood: r.review.preparing_for_adulthood.clone().filter(|_| r.held),
        report_sent: r.report_sent.map(|d| iso(d.value)),
        la_decision: r.la_decision.map(|d| iso(d.value)),
        la_outcome: r.la_decision.and(r.review.la_outcome).map(|o| match o {
            LaOutcome::Maintain => "maintain the plan",
            LaOutcome::Amend => "amend the plan",
            LaOutcome::Cease => "cease the plan",
        }),
    });
    e
}

/// The EHC needs assessment and plan as they stood on as-of, if any.
fn ehc_story(v: &asof::PupilAsOf) -> Option<EhcStory> {
    v.ehcp.as_ref().map(|e| {
        let a = e.assessment.as_ref();
        EhcStory {
            local_authority: e.ehcp.local_authority.clone(),
            requested: a.and_then(|a| a.requested).map(|d| iso(d.value)),
            decision: a.and_then(|a| a.decision).map(|d| iso(d.value)),
            decision_outcome: a.and_then(|a| a.decision_outcome).map(|o| match o {
                DecisionOutcome::Assess => "to assess",
                DecisionOutcome::Refuse => "not to assess",
            }),
            final_plan: a.and_then(|a| a.final_plan).map(|d| iso(d.value)),
            issued: e.issued.map(|d| iso(d.value)),
        }
    })
}

/// The cycle reviews in the period, oldest first, with their outcomes by judgement.
fn review_rows(v: &asof::PupilAsOf, from: NaiveDate, to: NaiveDate) -> Vec<ReviewRow> {
    let mut reviews = Vec::new();
    for c in v.reviewed_latest_first().into_iter().rev() {
        let Some(r) = &c.review else { continue };
        if r.date < from || r.date > to {
            continue;
        }
        let mut row = ReviewRow {
            date: iso(r.date),
            outcomes: 0,
            achieved: 0,
            partly: 0,
            not_achieved: 0,
            not_judged: 0,
            progress: progress_words(r.review.progress),
        };
        for o in c.plan.map(|p| p.outcomes.as_slice()).unwrap_or_default() {
            row.outcomes += 1;
            match r.review.outcomes.iter().find(|(oid, _)| *oid == o.id) {
                Some((_, crate::model::Achieved::Achieved)) => row.achieved += 1,
                Some((_, crate::model::Achieved::Partly)) => row.partly += 1,
                Some((_, crate::model::Achieved::NotAchieved)) => row.not_achieved += 1,
                None => row.not_judged += 1,
            }
        }
        reviews.push(row);
    }
    reviews
}

/// `sen check`'s findings for the pupil on as-of, but `late`, with their words.
fn open_findings(
    loaded: &Loaded,
    id: &str,
    p: &Pupil,
    as_of: NaiveDate,
    window: u32,
) -> Vec<OpenFinding> {
    rules::evaluate(&loaded.records, &loaded.findings, Options { as_of, window })
        .into_iter()
        .filter(|f| f.pupil.as_deref() == Some(id) && f.kind != Kind::Late)
        .map(|f| OpenFinding {
            words: rules::words::describe(&f, p.known_as()),
            kind: f.kind.id(),
            rule: f.rule.id(),
            paragraphs: f.rule.paragraphs().join(", "),
            due: f.due.map(iso),
            message: f.message,
        })
        .collect()
}

/// The pupil's duties done late with a due date in the period, in due-date order.
fn late_duties(
    records: &Records,
    id: &str,
    p: &Pupil,
    (as_of, window): (NaiveDate, u32),
    (from, to): (NaiveDate, NaiveDate),
) -> Vec<LateDuty> {
    let mut late: Vec<LateDuty> = rules::duties(records, as_of, window)
        .into_iter()
        .filter(|d| {
            d.pupil.as_deref() == Some(id)
                && d.state == DutyState::Late
                && d.due.is_some_and(|due| from <= due && due <= to)
        })
        .map(|d| LateDuty {
            words: rules::words::describe_duty(d.rule, Kind::Late, d.due, d.days, p.known_as()),
            rule: d.rule.id(),
            paragraphs: d.rule.paragraphs().join(", "),
            due: d.due.map(iso).unwrap_or_default(),
            done: d.done.map(iso),
            days: d.days,
        })
        .collect();
    late.sort_by(|a, b| a.due.cmp(&b.due).then(a.rule.cmp(b.rule)));

    late
}

/// The progress levels as the chart's axis names them, least first.
const PROGRESS_LEVELS: [(Progress, &str); 4] = [
    (Progress::LittleOrNone, "little or none"),
    (Progress::LessThanExpected, "less than expected"),
    (Progress::Expected, "expected"),
    (Progress::Good, "good"),
];

/// Progress at each review in the period as a bar chart (4 = good ... 1 = little or none),
/// each bar labelled in words; none when no review falls in the period.
fn progress_chart(v: &asof::PupilAsOf, from: NaiveDate, to: NaiveDate) -> Option<String> {
    let mut rows: Vec<(NaiveDate, Progress)> = v
        .cycles
        .iter()
        .filter_map(|c| c.review.as_ref())
        .filter(|r| from <= r.date && r.date <= to)
        .map(|r| (r.date, r.review.progress))
        .collect();
    if rows.is_empty() {
        return None;
    }
    rows.sort_by_key(|(d, _)| *d);
    let score = |p: Progress| match p {
        Progress::Good => 4.0,
        Progress::Expected => 3.0,
        Progress::LessThanExpected => 2.0,
        Progress::LittleOrNone => 1.0,
    };
    let chart = BarChart {
        title: "Progress at each review".into(),
        desc: rows
            .iter()
            .map(|(d, p)| format!("{}: {}", dates::uk(*d), progress_words(*p)))
            .collect::<Vec<_>>()
            .join("; "),
        categories: rows.iter().map(|(d, _)| dates::uk(*d)).collect(),
        series: vec![Series {
            name: "Progress".into(),
            values: rows.iter().map(|(_, p)| Some(score(*p))).collect(),
            labels: rows
                .iter()
                .map(|(_, p)| progress_words(*p).to_string())
                .collect(),
        }],
        // The four levels on a fixed axis, so "good" is the full width and one review is
        // not one full-width bar whatever it says.
        scale: Scale::Fixed {
            max: 4.0,
            ticks: PROGRESS_LEVELS
                .iter()
                .map(|(p, words)| (score(*p), (*words).to_string()))
                .collect(),
        },
    };
    Some(chart.svg("progress"))
}

/// One pupil's page of `passport.md.j2`.
#[derive(Debug, Clone, Serialize)]
pub struct PassportView {
    pub pupil: PupilView,
    pub needs: Vec<NeedView>,
    pub what_helps: Option<String>,
    /// The outcomes being worked on now (the open cycle's plan).
    pub outcomes: Vec<String>,
    pub support: Vec<ProvisionView>,
    /// When the plan is next reviewed (ISO).
    pub review_due: Option<String>,
}

/// What `passport.md.j2` sees, once a pupil: the school (for who to ask), the date and
/// the pupil's page.
#[derive(Debug, Clone, Serialize)]
pub struct PassportPage<'a> {
    pub school: &'a SchoolView,
    pub as_of: &'a str,
    pub p: &'a PassportView,
}

/// The passports asked for.
#[derive(Debug, Clone, Serialize)]
pub struct PassportsView {
    pub school: SchoolView,
    pub as_of: String,
    pub pupils: Vec<PassportView>,
}

impl PassportsView {
    /// Each pupil's page, for the template.
    pub fn pages(&self) -> impl Iterator<Item = PassportPage<'_>> {
        self.pupils.iter().map(|p| PassportPage {
            school: &self.school,
            as_of: &self.as_of,
            p,
        })
    }
}

/// Why a pupil is not on the register on `as_of`, in words, or `None` when they are.
fn off_register(p: &Pupil, as_of: NaiveDate) -> Option<String> {
    if rules::on_register(p, as_of) {
        return None;
    }
    let name = p.known_as();
    Some(match &p.left {
        Some(l) if l.value <= as_of => format!("{name} left the school on {}", dates::uk(l.value)),
        _ if p.status == crate::model::Status::N => match p.ended {
            Some(e) => format!("{name} came off the register on {}", dates::uk(e)),
            None => format!("{name} is no longer on the register (status N)"),
        },
        _ => format!("{name} joins the register on {}", dates::uk(p.since.value)),
    })
}

/// Which pupils the passports are for.
pub enum Whom<'a> {
    Ids(&'a [String]),
    Class(&'a str),
    Years(&'a [i64]),
}

/// `sen report passport`: a page for each pupil asked for (in the order given), or for
/// every pupil on the register in a class or NC year, in name order.
pub fn passports(records: &Records, whom: Whom, as_of: NaiveDate) -> Result<PassportsView> {
    let mut chosen: Vec<(&PupilFolder, &Pupil)> = Vec::new();
    match whom {
        Whom::Ids(ids) => {
            for id in ids {
                let (folder, p) = find(records, id)?;
                if let Some(why) = off_register(p, as_of) {
                    bail!(
                        "no passport for `{id}`: {why}, so is not on the SEN register on {}\n  help: a passport is for the adults who work with a pupil on the register now; `sen report pupil {id}` gives the whole record",
                        dates::uk(as_of)
                    );
                }
                chosen.push((folder, p));
            }
        }
        Whom::Class(_) | Whom::Years(_) => {
            for folder in &records.pupils {
                let Some(p) = folder.pupil.as_ref() else {
                    continue;
                };
                if !rules::on_register(p, as_of) {
                    continue;
                }
                let wanted = match whom {
                    Whom::Class(c) => p
                        .class
                        .as_deref()
                        .is_some_and(|pc| pc.trim().eq_ignore_ascii_case(c.trim())),
                    Whom::Years(ys) => ys.contains(&asof::nc_year(p, as_of, as_of)),
                    Whom::Ids(_) => false,
                };
                if wanted {
                    chosen.push((folder, p));
                }
            }
            chosen.sort_by(|a, b| {
                (a.1.known_as(), &a.1.family, &a.0.id).cmp(&(b.1.known_as(), &b.1.family, &b.0.id))
            });
            if chosen.is_empty() {
                bail!(
                    "no pupil on the register on {} is in that class or year",
                    dates::uk(as_of)
                );
            }
        }
    }
    let pupils = chosen
        .into_iter()
        .map(|(folder, p)| passport_view(folder, p, as_of))
        .collect();
    Ok(PassportsView {
        school: SchoolView::of(&records.school),
        as_of: iso(as_of),
        pupils,
    })
}

/// One pupil's passport: their needs, what helps, and the open plan's outcomes and support.
fn passport_view(folder: &PupilFolder, p: &Pupil, as_of: NaiveDate) -> PassportView {
    let open = asof::open_cycle(&folder.cycles, as_of);
    let plan = open.and_then(|c| asof::plan_at(c, as_of));
    PassportView {
        pupil: PupilView::of(&folder.id, p, as_of),
        needs: p
            .primary_need
            .into_iter()
            .chain(p.secondary_need)
            .map(NeedView::of)
            .collect(),
        what_helps: p.what_helps.clone(),
        outcomes: plan
            .map(|pl| {
                pl.outcomes
                    .iter()
                    .filter_map(|o| o.outcome.clone())
                    .collect()
            })
            .unwrap_or_default(),
        support: plan
            .map(|pl| pl.provision.iter().map(ProvisionView::of).collect())
            .unwrap_or_default(),
        review_due: plan.map(|pl| iso(pl.review_due.value)),
    }
}
