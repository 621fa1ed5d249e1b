//! `sen letter`: letters to parents for each duty to tell them (6.43, 6.48, 6.53, 6.56,
//! 6.71), one per contact who receives letters, each holding its own pupil's details only.
//!
//! Every letter of a run is planned and rendered before any is written: a missing fact or a
//! broken template stops the run with nothing written. What differs from one kind of letter
//! to the next is one row of [`kinds::KINDS`].

pub mod kinds;

use std::collections::{BTreeSet, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use chrono::NaiveDate;
use rayon::prelude::*;

pub use self::kinds::LetterKind;
use self::kinds::{Found, KINDS, Subject, To, latest_reviewed};
use crate::cli::{LetterArgs, OutputFormat};
use crate::dates::uk;
use crate::docx;
use crate::findings::{Finding, Kind};
use crate::model::{Contact, Records};
use crate::render::{self, Renderer};
use crate::rules::asof::review_at;
use crate::settings::{Ctx, parse_date};
use crate::views::{
    AdviceView, ContactView, LetterView, PupilView, SchoolView, iso, progress_label,
};

/// Which record a letter is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// The one cli.md names for the kind (the open cycle, the latest review or meeting, the
    /// next annual review).
    Current,
    /// The record in this file (relative to the records root), as a finding names it.
    File(String),
}

/// One letter asked for: a kind, a pupil and the record it is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Request {
    pub pupil: String,
    pub kind: LetterKindOrd,
    pub target: Target,
}

/// [`LetterKind`] with an order (its row in [`KINDS`]), so requests sort and deduplicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LetterKindOrd(u8);

impl LetterKindOrd {
    pub fn of(k: LetterKind) -> Self {
        LetterKindOrd(KINDS.iter().position(|s| s.kind == k).unwrap_or(0) as u8)
    }
    pub fn kind(self) -> LetterKind {
        KINDS[usize::from(self.0)].kind
    }
}

/// A letter ready to render.
struct Planned {
    pupil: String,
    kind: LetterKind,
    contact_slug: String,
    view: LetterView,
}

/// What the command line says about the meeting and where the letters go, checked.
struct Options {
    to_stdout: bool,
    out_dir: PathBuf,
    meeting_date: Option<NaiveDate>,
    meeting_time: Option<String>,
    meeting_place: Option<String>,
}

pub fn run(args: &LetterArgs, ctx: &Ctx) -> Result<i32> {
    let root = ctx.root()?.to_path_buf();
    let opts = options(args, &root)?;
    let (records, requests) = requests(args, ctx, &root)?;

    let renderer = Renderer::new(Some(&root), None)?;
    let (mut planned, unserved) = plan(&records, &requests, ctx.as_of, opts.meeting_date)?;
    for l in &mut planned {
        l.view.meeting_time.clone_from(&opts.meeting_time);
        l.view.meeting_place.clone_from(&opts.meeting_place);
    }
    // Named pupils: all or nothing, so a SENCO never posts half a batch by mistake. `--due`:
    // every letter that can be written is, and each pupil that cannot be served is named
    // with what to record (cli.md).
    if !unserved.is_empty() && !args.due {
        bail!(
            "{}\n  help: nothing was written; record what is missing and run again",
            unserved.join("\n")
        );
    }
    for u in &unserved {
        eprintln!("error: {u}");
    }
    for w in short_notice(&planned, ctx.as_of) {
        eprintln!("warning: {w}");
    }
    let status = i32::from(!unserved.is_empty());
    if planned.is_empty() {
        eprintln!(
            "no letters to write{}",
            if args.due && unserved.is_empty() {
                ": no current finding calls for one"
            } else {
                ""
            }
        );
        return Ok(status);
    }

    // Render everything before writing anything.
    let rendered: Vec<Result<String>> = planned
        .par_iter()
        .map(|l| renderer.render(&format!("{}.md.j2", l.kind.id()), &l.view))
        .collect();
    let markdowns = rendered.into_iter().collect::<Result<Vec<String>>>()?;
    // The logo is read once, before anything is written: a bad one (too large, a link,
    // unreadable) is one warning, and the letters are written without it.
    let stationery = match args.format {
        OutputFormat::Html => render::Stationery::of(&root).unwrap_or_else(|e| {
            eprintln!("warning: {}", render::without_logo(&e));
            render::Stationery::default()
        }),
        _ => render::Stationery::default(),
    };
    warn_advice_late(&planned, &records, ctx.as_of);
    warn_translation(&planned);

    let out = Output {
        letters: &planned,
        markdowns: &markdowns,
        stationery: &stationery,
        format: args.format,
    };
    if opts.to_stdout {
        return out.print().map(|()| status);
    }
    let date = iso(ctx.as_of);
    let paths = letter_paths(&opts.out_dir, &planned, &date, out.ext());
    out.write(&root, &paths, args.force)?;
    Ok(status)
}

/// Check the command line before anything is read: where the letters go, and the meeting's
/// date, time and place, which only some kinds take.
fn options(args: &LetterArgs, root: &Path) -> Result<Options> {
    let to_stdout = args.out.as_deref().is_some_and(|p| p.as_os_str() == "-");
    let out_dir = match &args.out {
        Some(p) if !to_stdout => p.clone(),
        _ => root.join("out").join("letters"),
    };
    if !to_stdout {
        render::check_output_path(Some(root), &out_dir.join("x"))?;
    }
    let spec = args.kind.map(LetterKind::spec);
    let meeting_date = match &args.date {
        Some(t) => {
            if !spec.is_some_and(|s| s.takes_date) {
                bail!(
                    "`--date` is the meeting date of a `review-invitation`, not of other letters"
                );
            }
            Some(parse_date("--date", t)?)
        }
        None => None,
    };
    if (args.time.is_some() || args.place.is_some())
        && !spec.is_some_and(|s| s.takes_time_and_place)
    {
        bail!(
            "`--time` and `--place` are for a `review-invitation`, an `annual-review-invitation` or an `advice-request`, not for other letters"
        );
    }
    let meeting_time = args.time.as_deref().map(parse_time).transpose()?;
    let meeting_place = match args.place.as_deref().map(str::trim) {
        Some("") => bail!("`--place` is empty: say where the meeting is, or leave `--place` out"),
        Some(p) if p.chars().count() > 200 || p.contains(['\n', '\r']) => {
            bail!("`--place` must be one line of at most 200 characters")
        }
        p => p.map(str::to_string),
    };
    Ok(Options {
        to_stdout,
        out_dir,
        meeting_date,
        meeting_time,
        meeting_place,
    })
}

/// The records and the letters asked for: those the current findings call for (`--due`),
/// or one of the named kind for each named pupil.
fn requests(args: &LetterArgs, ctx: &Ctx, root: &Path) -> Result<(Records, Vec<Request>)> {
    if args.due {
        let (loaded, findings, _) = crate::commands::evaluate(ctx, None)?;
        return Ok((loaded.records, due_requests(&findings)));
    }
    let Some(kind) = args.kind else {
        bail!("name a kind of letter, or give `--due`");
    };
    if args.pupils.is_empty() {
        bail!(
            "name the pupil (a folder under pupils/), for example `sen letter {} amara-okafor`",
            kind.id()
        );
    }
    for p in &args.pupils {
        crate::load::safe_pupil_id(p).map_err(anyhow::Error::msg)?;
    }
    let loaded = crate::load::load(root, ctx.as_of);
    let mut seen = BTreeSet::new();
    let requests = args
        .pupils
        .iter()
        .filter(|p| seen.insert(p.as_str()))
        .map(|p| Request {
            pupil: p.clone(),
            kind: LetterKindOrd::of(kind),
            target: Target::Current,
        })
        .collect();
    Ok((loaded.records, requests))
}

/// Advice asked for with less time than the school gives itself (cli.md): said once per
/// review, so the SENCO can ring round rather than post.
fn warn_advice_late(planned: &[Planned], records: &Records, as_of: NaiveDate) {
    let mut warned = BTreeSet::new();
    for l in planned {
        if let (Some(a), Some(ar)) = (&l.view.advice, &l.view.annual_review)
            && a.urgent
            && warned.insert((l.pupil.clone(), ar.meeting.clone()))
        {
            let meeting = parse_iso(&ar.meeting);
            eprintln!(
                "warning: the annual review of `{}` on {} is {} days away, less than the {} days advice is asked for in: the letters ask for it as soon as possible{}",
                l.pupil,
                uk(meeting),
                (meeting - as_of).num_days(),
                records.school.settings.advice_wanted_days_before,
                if a.circulate_by < l.view.date {
                    ", and it can no longer be circulated two weeks before the meeting".to_string()
                } else {
                    format!(", to circulate it by {}", uk(parse_iso(&a.circulate_by)))
                },
            );
        }
    }
}

/// A letter to a contact who reads another language is written in English: said for each.
fn warn_translation(planned: &[Planned]) {
    for l in planned {
        if l.view.contact.needs_translation {
            eprintln!(
                "warning: {} ({} of `{}`) reads {}: the {} letter needs translating",
                l.view.contact.name,
                l.view.contact.relationship.as_deref().unwrap_or("contact"),
                l.pupil,
                l.view
                    .contact
                    .language
                    .as_deref()
                    .unwrap_or("another language"),
                l.kind.id()
            );
        }
    }
}

/// The rendered letters of a run, ready to print or write in the format asked for.
struct Output<'a> {
    letters: &'a [Planned],
    markdowns: &'a [String],
    stationery: &'a render::Stationery,
    format: OutputFormat,
}

impl Output<'_> {
    fn ext(&self) -> &'static str {
        match self.format {
            OutputFormat::Markdown => "md",
            OutputFormat::Html => "html",
            OutputFormat::Docx => "docx",
        }
    }

    /// One letter's title, for its HTML page.
    fn title(l: &Planned) -> String {
        format!(
            "{}: letter to {} about {}",
            l.view.school.name, l.view.contact.name, l.view.pupil.known_as
        )
    }

    /// `--out -`: every letter in one document on standard output.
    fn print(&self) -> Result<()> {
        let planned = self.letters;
        let heading = match planned {
            [one] => Self::title(one),
            [first, ..] if planned.iter().all(|l| l.pupil == first.pupil) => format!(
                "{}: {} letters about {}",
                first.view.school.name,
                planned.len(),
                first.view.pupil.known_as
            ),
            [first, ..] => format!("{}: {} letters", first.view.school.name, planned.len()),
            [] => String::new(),
        };
        let bytes = match self.format {
            // One printable document, each letter on its own page.
            OutputFormat::Html => {
                let letters: Vec<render::Letter> = planned
                    .iter()
                    .zip(self.markdowns)
                    .map(|(l, md)| render::Letter {
                        markdown: md,
                        pupil: &l.view.pupil.full_name,
                    })
                    .collect();
                render::html_letters(&heading, &letters, self.stationery).into_bytes()
            }
            OutputFormat::Docx => {
                let mds: Vec<&str> = self.markdowns.iter().map(String::as_str).collect();
                let same_pupil = planned.iter().all(|l| l.pupil == planned[0].pupil);
                let foot = same_pupil.then(|| planned[0].view.pupil.full_name.clone());
                docx::document(&mds, render::Layout::Letter, foot.as_deref())?
            }
            OutputFormat::Markdown => self
                .markdowns
                .iter()
                .map(|md| render::strip_marks(md))
                .collect::<Vec<_>>()
                .join("\n---\n\n")
                .into_bytes(),
        };
        match render::emit(None, None, self.format, &bytes) {
            // A reader that went away ends the listing, never changes the verdict.
            Err(e) if crate::diagnostics::is_broken_pipe(&e) => Ok(()),
            other => other,
        }
    }

    /// Each letter as the bytes of its own file.
    fn files(&self) -> Result<Vec<Vec<u8>>> {
        Ok(match self.format {
            OutputFormat::Markdown => self
                .markdowns
                .iter()
                .map(|md| render::strip_marks(md).into_bytes())
                .collect(),
            OutputFormat::Html => self
                .letters
                .iter()
                .zip(self.markdowns)
                .map(|(l, md)| {
                    let letter = render::Letter {
                        markdown: md,
                        pupil: &l.view.pupil.full_name,
                    };
                    render::html_letters(&Self::title(l), &[letter], self.stationery).into_bytes()
                })
                .collect(),
            // From page 2 a letter names its pupil, so a loose page finds its way back.
            OutputFormat::Docx => self
                .letters
                .iter()
                .zip(self.markdowns)
                .map(|(l, md)| {
                    docx::document(&[md], render::Layout::Letter, Some(&l.view.pupil.full_name))
                })
                .collect::<Result<_>>()?,
        })
    }

    /// Write each letter to its path, listing the paths written; a letter already there is
    /// kept unless `force`.
    fn write(&self, root: &Path, paths: &[PathBuf], force: bool) -> Result<()> {
        let texts = self.files()?;
        // Every path is checked before the first letter is written: no link on the way into
        // the records, nothing inside them but under out/.
        for path in paths {
            render::check_output_path(Some(root), path)?;
            render::check_no_link_into(Some(root), path)?;
        }
        // Written side by side (each letter is flushed to disk, which is most of its time),
        // then listed in order: `Some(true)` written, `Some(false)` left as it was.
        let written: Vec<Result<bool>> = paths
            .par_iter()
            .zip(&texts)
            .map(|(path, text)| {
                if path.exists() && !force {
                    return Ok(false);
                }
                render::write_private(Some(root), path, text).map(|()| true)
            })
            .collect();
        let mut skipped = 0usize;
        let mut failed = 0usize;
        // The listing of paths may stop (`sen letter --due | head`); the writing never does.
        let mut listing = true;
        let mut out = std::io::stdout().lock();
        for (path, w) in paths.iter().zip(written) {
            match w {
                Ok(true) => {
                    if listing && writeln!(out, "{}", path.display()).is_err() {
                        listing = false;
                    }
                }
                Ok(false) => {
                    eprintln!(
                        "warning: {} exists: not overwritten (give `--force` to replace it)",
                        path.display()
                    );
                    skipped += 1;
                }
                // One letter that cannot be written does not stop the others: each failure
                // is said in order, and the command fails once all are done.
                Err(e) => {
                    eprintln!("error: {e:#}");
                    failed += 1;
                }
            }
        }
        if skipped > 0 {
            eprintln!(
                "{skipped} {} already written; nothing was overwritten",
                if skipped == 1 {
                    "letter was"
                } else {
                    "letters were"
                }
            );
        }
        if failed > 0 {
            bail!(
                "{failed} {} could not be written (above); every other letter was",
                if failed == 1 { "letter" } else { "letters" }
            );
        }
        Ok(())
    }
}

/// The longest contact part of a letter's file name, in characters: with the kind and the
/// date, a name stays well inside every file system's limit (255 bytes) and readable.
const MAX_SLUG: usize = 40;

/// One distinct file for every letter: `DIR/PUPIL/KIND-DATE-CONTACT.EXT`, where two letters
/// that would share a name (two contacts called alike, two records of one kind) get `-2`,
/// `-3`, checked against every name already given, ignoring case, so no letter is ever lost
/// or overwritten within a run, even on a file system that ignores case.
fn letter_paths(out_dir: &Path, planned: &[Planned], date: &str, ext: &str) -> Vec<PathBuf> {
    let mut taken: HashSet<(String, String)> = HashSet::new();
    let mut paths = Vec::with_capacity(planned.len());
    for l in planned {
        let base = format!("{}-{date}-{}", l.kind.id(), l.contact_slug);
        let mut n = 1u32;
        let name = loop {
            let name = if n == 1 {
                format!("{base}.{ext}")
            } else {
                format!("{base}-{n}.{ext}")
            };
            if taken.insert((l.pupil.clone(), name.to_lowercase())) {
                break name;
            }
            n += 1;
        };
        paths.push(out_dir.join(&l.pupil).join(name));
    }
    paths
}

/// The letters the current findings call for: `notification`, `record-shared` (a review
/// or meeting record, as the finding's file says) and `annual-review-notice`, when
/// `overdue` or `due`, and `cycle-review` and `annual-review-advice` when `due` (an
/// invitation to the review; the advice requests, unless already asked for). Which finding
/// calls for which kind is the `due` column of [`KINDS`].
pub fn due_requests(findings: &[Finding]) -> Vec<Request> {
    let mut out: BTreeSet<Request> = BTreeSet::new();
    for f in findings {
        if !matches!(f.kind, Kind::Overdue | Kind::Due) {
            continue;
        }
        let Some(pupil) = &f.pupil else { continue };
        let Some(spec) = KINDS.iter().find(|s| (s.due)(f)) else {
            continue;
        };
        // One notification, and one invitation to the open cycle's review, per pupil.
        let target = if spec.one_per_pupil {
            Target::Current
        } else {
            f.file.clone().map_or(Target::Current, Target::File)
        };
        out.insert(Request {
            pupil: pupil.clone(),
            kind: LetterKindOrd::of(spec.kind),
            target,
        });
    }
    out.into_iter().collect()
}

/// A warning for each annual review invited to with under two weeks' notice: reg 20(3) asks
/// for the invitations at least two weeks before the meeting, and the letter promises advice
/// two weeks before it. The letter is still written (a late invitation beats none).
fn short_notice(planned: &[Planned], as_of: NaiveDate) -> Vec<String> {
    let mut seen = BTreeSet::new();
    planned
        .iter()
        // The invitations only: an advice request warns in its own words.
        .filter(|l| l.kind == LetterKind::AnnualReviewInvitation)
        .filter_map(|l| {
            let a = l.view.annual_review.as_ref()?;
            let meeting = crate::dates::parse(&a.meeting)?;
            let days = crate::dates::days_between(as_of, meeting);
            (days < 14 && seen.insert((l.pupil.clone(), a.meeting.clone()))).then(|| {
                format!(
                    "the annual review of `{}` meets on {}, only {days} {} away: reg 20(3) asks for two weeks' notice to everyone invited, and the letter promises the advice two weeks before; the letter is written, but think about moving the meeting",
                    l.pupil,
                    crate::dates::uk(meeting),
                    if days == 1 { "day" } else { "days" }
                )
            })
        })
        .collect()
}

/// What school.yaml still lacks for letters and the information report, in plain words with
/// the key to fill: `sen check` lists it at the end of its table, and `sen letter` refuses
/// to write without the facts every letter needs (see [`plan`]). Empty when all is there.
pub fn school_lacks(school: &crate::model::School) -> Vec<String> {
    let mut out = Vec::new();
    if school.address.is_empty() {
        out.push(
            "the school's postal address, for the letterhead: `school.address`, a list of lines"
                .into(),
        );
    }
    if school.phone.is_none() {
        out.push("the school's phone number, for the letterhead: `school.phone`".into());
    }
    if !school.senco.as_ref().is_some_and(|s| s.can_be_reached()) {
        out.push(
            "how parents reach the SENCO: `senco.name` with `senco.email` or `senco.phone`".into(),
        );
    }
    let iass = school.iass.clone().unwrap_or_default();
    if iass.name.is_none() {
        out.push("the local Information, Advice and Support Service (6.39), which every letter names: `iass.name`".into());
    }
    if !iass_reachable(&iass) {
        out.push(
            "how parents reach that service: `iass.phone` or `iass.website` (or `iass.email`)"
                .into(),
        );
    }
    if school.local_offer.is_none() {
        out.push("the web address of the local authority's local offer (6.81), which every letter and the information report give: `local_offer`".into());
    }
    if school.website.is_none() {
        out.push(
            "the school's website, where the information report is published: `school.website`"
                .into(),
        );
    }
    out
}

/// The IASS can be reached: it has a phone, a website or an email.
fn iass_reachable(iass: &crate::model::Iass) -> bool {
    iass.phone.is_some() || iass.website.is_some() || iass.email.is_some()
}

/// Build every letter's view: the letters that can be written, and for each request that
/// cannot, what to record. A fact every letter needs (the SENCO, the IASS, the local offer)
/// fails the whole run.
fn plan(
    records: &Records,
    requests: &[Request],
    as_of: NaiveDate,
    meeting_date: Option<NaiveDate>,
) -> Result<(Vec<Planned>, Vec<String>)> {
    let mut errors: Vec<String> = Vec::new();
    let school = SchoolView::of(&records.school);
    if !records
        .school
        .senco
        .as_ref()
        .is_some_and(|s| s.can_be_reached())
    {
        errors.push("school.yaml has no `senco` with a `name` and an `email` or `phone`: every letter says how to reach the SENCO".into());
    }
    if school.iass.name.is_none() {
        errors.push("school.yaml has no `iass` with its `name`: every letter says how to reach the Information, Advice and Support Service (6.39)".into());
    } else if !iass_reachable(&records.school.iass.clone().unwrap_or_default()) {
        errors.push("school.yaml's `iass` has only its name: every letter tells parents how to reach the Information, Advice and Support Service (6.39); record its `phone` or `website`".into());
    }
    if school.local_offer.is_none() {
        errors.push(
            "school.yaml has no `local_offer`: every letter gives the local offer link".into(),
        );
    }
    if !errors.is_empty() {
        // Facts every letter needs: no letter can be written at all.
        bail!(
            "{}\n  help: nothing was written; record what is missing and run again",
            errors.join("\n")
        );
    }
    let mut planned = Vec::new();
    let mut unserved = Vec::new();
    for r in requests {
        match plan_one(records, &school, r, as_of, meeting_date) {
            Ok(mut p) => planned.append(&mut p),
            Err(e) => unserved.push(e),
        }
    }
    Ok((planned, unserved))
}

/// What every letter of one request shares: its kind, the school, the pupil, the date and
/// the records its kind found.
struct Common<'a> {
    id: &'a str,
    kind: LetterKind,
    school: &'a SchoolView,
    pupil: PupilView,
    as_of: NaiveDate,
    found: Found,
}

impl Common<'_> {
    /// One letter to `contact`, its file named with `contact_slug`.
    fn letter(
        &self,
        contact: ContactView,
        contact_slug: String,
        one_address: bool,
        advice: Option<AdviceView>,
    ) -> Planned {
        Planned {
            pupil: self.id.to_string(),
            kind: self.kind,
            contact_slug,
            view: LetterView {
                kind: self.kind.id(),
                date: iso(self.as_of),
                school: self.school.clone(),
                contact,
                pupil: self.pupil.clone(),
                cycle: self.found.cycle.clone(),
                meeting: self.found.meeting.clone(),
                annual_review: self.found.annual_review.clone(),
                meeting_date: self.found.meeting_date.clone(),
                meeting_time: None,
                meeting_place: None,
                one_address,
                advice,
            },
        }
    }
}

/// The letters of one request: find the pupil, the record its kind needs (the `records`
/// column of [`KINDS`]), then address one letter to each reader (the `to` column).
fn plan_one(
    records: &Records,
    school: &SchoolView,
    r: &Request,
    as_of: NaiveDate,
    meeting_date: Option<NaiveDate>,
) -> Result<Vec<Planned>, String> {
    let id = r.pupil.as_str();
    let spec = r.kind.kind().spec();
    let Some(folder) = records.pupils.iter().find(|f| f.id == id) else {
        return Err(format!(
            "no pupil `{id}`: there is no folder pupils/{id}{}",
            crate::commands::did_you_mean(records, id)
        ));
    };
    let Some(pupil) = folder.pupil.as_ref().filter(|_| !folder.bad.pupil) else {
        return Err(format!(
            "pupils/{id}/pupil.yaml cannot be read: run `sen check` and correct it first"
        ));
    };
    let subject = Subject {
        id,
        folder,
        pupil,
        target: &r.target,
        as_of,
        meeting_date,
        day: uk(as_of),
    };
    let Some(found) = (spec.records)(&subject)? else {
        return Ok(Vec::new());
    };
    let common = Common {
        id,
        kind: spec.kind,
        school,
        pupil: PupilView::of(id, pupil, as_of),
        as_of,
        found,
    };
    match spec.to {
        To::Advisers => Ok(to_advisers(records, &folder.cycles, common)),
        To::Parents => to_parents(records, pupil, &common),
    }
}

/// One advice request to each person asked, saying by when.
fn to_advisers(
    records: &Records,
    cycles: &[crate::model::Cycle],
    mut common: Common,
) -> Vec<Planned> {
    let Some(meeting) = common.found.advice_meeting else {
        return Vec::new();
    };
    let as_of = common.as_of;
    let before = i64::from(records.school.settings.advice_wanted_days_before);
    let last = latest_reviewed(cycles, as_of).and_then(|c| review_at(c, as_of));
    let people = std::mem::take(&mut common.found.advisers);
    people
        .into_iter()
        .map(|(role, contact)| {
            let advice = AdviceView {
                role,
                wanted_by: iso(crate::dates::add_days(meeting, -before)),
                urgent: crate::dates::add_days(meeting, -before) < as_of,
                circulate_by: iso(crate::dates::add_days(meeting, -14)),
                by_email: contact.email.is_some(),
                progress_label: last.map(|r| progress_label(r.progress)),
                progress_date: last.map(|r| iso(r.date.value)),
            };
            let name = slug(crate::views::name_without_note(&contact.name));
            common.letter(contact, name, false, Some(advice))
        })
        .collect()
}

/// One letter to each contact who receives letters, or to each household of them
/// (`settings.one_letter_per_address`).
fn to_parents(
    records: &Records,
    pupil: &crate::model::Pupil,
    common: &Common,
) -> Result<Vec<Planned>, String> {
    let contacts: Vec<_> = pupil.contacts.iter().filter(|c| c.letters).collect();
    if contacts.is_empty() {
        return Err(format!(
            "pupils/{}/pupil.yaml has no contact who receives letters: add a contact with `parental_responsibility: true` or `letters: true`",
            common.id
        ));
    }
    let one_address = contacts.len() == 1
        || contacts
            .iter()
            .all(|c| same_address(&c.address, &contacts[0].address));
    let addressees: Vec<ContactView> = if records.school.settings.one_letter_per_address {
        households(&contacts)
            .iter()
            .map(|h| ContactView::household(h))
            .collect()
    } else {
        contacts.iter().map(|c| ContactView::of(c)).collect()
    };
    Ok(addressees
        .into_iter()
        .map(|contact| {
            let name = slug(&contact.name);
            common.letter(contact, name, one_address, None)
        })
        .collect())
}

fn parse_iso(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

/// Two postal addresses are the same when their lines match, ignoring case, spacing and
/// punctuation at the line ends ("14 Acorn Close," and "14 acorn close"). An address not
/// recorded matches nothing, not even another one not recorded.
fn same_address(a: &[String], b: &[String]) -> bool {
    let norm = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                l.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .trim_matches(|c: char| c == ',' || c == '.')
                    .to_lowercase()
            })
            .filter(|l| !l.is_empty())
            .collect()
    };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

/// The letter contacts grouped by address, in the order they are recorded: one letter for
/// each group (`settings.one_letter_per_address`). A contact with no address is a group of
/// their own.
fn households<'a>(contacts: &[&'a Contact]) -> Vec<Vec<&'a Contact>> {
    let mut groups: Vec<Vec<&'a Contact>> = Vec::new();
    for c in contacts {
        match groups
            .iter_mut()
            .find(|g| same_address(&g[0].address, &c.address))
        {
            Some(g) => g.push(c),
            None => groups.push(vec![c]),
        }
    }
    groups
}

/// `--time`: a 24-hour `HH:MM` (or `H:MM`), printed the British way: "9am", "3.30pm".
fn parse_time(t: &str) -> Result<String> {
    let t = t.trim();
    let parsed = t.split_once(':').and_then(|(h, m)| {
        let ok = (1..=2).contains(&h.len())
            && m.len() == 2
            && h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit());
        ok.then(|| (h.parse::<u32>().ok(), m.parse::<u32>().ok()))
    });
    match parsed {
        Some((Some(h), Some(m))) if h < 24 && m < 60 => {
            let (h12, half) = match h {
                0 => (12, "am"),
                1..=11 => (h, "am"),
                12 => (12, "pm"),
                _ => (h - 12, "pm"),
            };
            Ok(if m == 0 {
                format!("{h12}{half}")
            } else {
                format!("{h12}.{m:02}{half}")
            })
        }
        _ => bail!("`--time` `{t}` is not a time: give it as 24-hour HH:MM, for example `15:30`"),
    }
}

/// A contact's name as part of a file name: lowercase letters and digits joined by '-'.
pub fn slug(name: &str) -> String {
    // ASCII only: the same bytes on every file system (no accent composed one way on one
    // disk and another on the next), in a zip, and in an email attachment.
    let folded = deunicode::deunicode(name);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c != '\'' && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= MAX_SLUG {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "contact".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Rule;

    #[test]
    fn contact_names_become_file_name_slugs() {
        assert_eq!(slug("Mrs Grace Okafor"), "mrs-grace-okafor");
        assert_eq!(slug("  Mr O'Neill-Smith "), "mr-oneill-smith");
        assert_eq!(slug("Pani Zoë Żółć"), "pani-zoe-zolc");
        assert!(slug(&"Mrs Bartholomew-Featherstonehaugh ".repeat(20)).len() <= MAX_SLUG);
        assert_eq!(slug("Pani Zofia Kowalczyk"), "pani-zofia-kowalczyk");
        assert_eq!(slug("???"), "contact");
    }

    #[test]
    fn due_findings_ask_for_the_letter_of_the_file_they_name() {
        let f = |rule, kind, file: &str| {
            Finding::new(rule, kind, "m")
                .pupil("a")
                .at(file.to_string(), None)
        };
        let reqs = due_requests(&[
            f(
                Rule::RecordShared,
                Kind::Overdue,
                "pupils/a/meetings/m.yaml",
            ),
            f(Rule::RecordShared, Kind::Due, "pupils/a/cycles/c.yaml"),
            f(Rule::RecordShared, Kind::Late, "pupils/a/cycles/d.yaml"),
            f(Rule::Notification, Kind::Due, "pupils/a/pupil.yaml"),
            f(Rule::CycleReview, Kind::Overdue, "pupils/a/cycles/c.yaml"),
        ]);
        let kinds: Vec<LetterKind> = reqs.iter().map(|r| r.kind.kind()).collect();
        assert_eq!(
            kinds,
            vec![
                LetterKind::Notification,
                LetterKind::ReviewRecord,
                LetterKind::MeetingRecord
            ]
        );
        assert_eq!(
            reqs[1].target,
            Target::File("pupils/a/cycles/c.yaml".into())
        );
    }
}
