//! `sen report`: the SEN information report (public, 6.79-6.81), the SEN register and the
//! costed provision map (6.76-6.77), each rendered from a template to Markdown or HTML.

use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::cli::{OutputFormat, ReportArgs, ReportKind};
use crate::dates;
use crate::docx;
use crate::findings::Kind;
use crate::load::Loaded;
use crate::render::{self, Renderer};
use crate::reports::{self, inspection, oversight, story};
use crate::settings::{Ctx, parse_date};

pub fn run(args: &ReportArgs, ctx: &Ctx) -> Result<i32> {
    let root = ctx.root()?.to_path_buf();
    if let Some(out) = render::out_file(args.out.as_deref()) {
        render::check_output_path(Some(&root), out)?;
    }
    let renderer = Renderer::new(Some(&root), args.template.as_deref())?;
    let mut parts = None;
    // Documents of several pages, each starting on a new page (passports).
    let mut pages: Option<Vec<String>> = None;
    // The inspection report: pages of Markdown, and of HTML parts (charts kept).
    let mut inspection_pages: Option<(Vec<String>, Vec<Vec<render::Part>>)> = None;
    let (markdown, title) = match args.kind {
        ReportKind::Effectiveness | ReportKind::Governors => {
            let loaded = crate::load::load(&root, ctx.as_of);
            warn_invalid(&loaded);
            warn_left_out(&loaded);
            let (from, to) = period(args, ctx.as_of)?;
            let doc = if args.kind == ReportKind::Effectiveness {
                oversight::effectiveness_report(&loaded, ctx.as_of, from, to)
            } else {
                oversight::governors_report(&loaded, ctx.as_of, from, to)
            };
            parts = Some(doc.parts);
            (doc.markdown, doc.title)
        }
        ReportKind::Pupil => {
            let [id] = args.pupils.as_slice() else {
                bail!("give one pupil: `sen report pupil ID` (the folder name under pupils/)");
            };
            let loaded = crate::load::load(&root, ctx.as_of);
            warn_invalid(&loaded);
            let (default_from, default_to) = story::default_period(&loaded.records, ctx.as_of);
            let (from, to) = period_or(args, default_from, default_to)?;
            let doc = pupil_document(&loaded, &renderer, id, ctx.as_of, from, to)?;
            parts = Some(doc.parts);
            (doc.markdown, doc.title)
        }
        ReportKind::Inspection => {
            let loaded = crate::load::load(&root, ctx.as_of);
            warn_invalid(&loaded);
            let mut seen = std::collections::BTreeSet::new();
            let ids: Vec<&String> = args.pupils.iter().filter(|p| seen.insert(*p)).collect();
            for id in &ids {
                known_pupil(&loaded, id)?;
            }
            let (from, to) = period(args, ctx.as_of)?;
            let school = inspection::school_part(&loaded, ctx.as_of, from, to);
            // Each pupil as `sen report pupil` gives them, over that report's own period.
            let (pupil_from, pupil_to) = story::default_period(&loaded.records, ctx.as_of);
            let mut markdowns = vec![school.markdown];
            let mut html = vec![school.parts];
            for id in ids {
                let doc = pupil_document(&loaded, &renderer, id, ctx.as_of, pupil_from, pupil_to)?;
                markdowns.push(doc.markdown);
                html.push(doc.parts);
            }
            let title = format!("Special educational needs: {}", loaded.records.school.name);
            inspection_pages = Some((markdowns.clone(), html));
            (markdowns.join(PAGE_BREAK), title)
        }
        ReportKind::Passport => {
            let loaded = crate::load::load(&root, ctx.as_of);
            warn_invalid(&loaded);
            let whom = match (&args.class, args.year.as_slice(), args.pupils.as_slice()) {
                (Some(c), [], []) => story::Whom::Class(c),
                (None, [_, ..], []) => story::Whom::Years(&args.year),
                (None, [], [_, ..]) => story::Whom::Ids(&args.pupils),
                _ => bail!(
                    "give the pupils, or `--class CLASS`, or `--year N`: `sen report passport amara-okafor` or `sen report passport --class \"5 Willow\"`"
                ),
            };
            let view = story::passports(&loaded.records, whom, ctx.as_of)?;
            let title = match view.pupils.as_slice() {
                [one] => format!("Pupil passport: {}", one.pupil.full_name),
                _ => format!("Pupil passports: {}", view.school.name),
            };
            let rendered = view
                .pages()
                .map(|page| renderer.render("passport.md.j2", &page))
                .collect::<Result<Vec<String>>>()?;
            pages = Some(rendered.clone());
            (rendered.join("\n---\n\n"), title)
        }
        ReportKind::Information => {
            let loaded = crate::load::load(&root, ctx.as_of);
            warn_invalid(&loaded);
            warn_left_out(&loaded);
            let view = reports::information(&loaded.records, ctx.as_of)?;
            let title = format!("SEN information report: {}", view.school.name);
            (renderer.render("information.md.j2", &view)?, title)
        }
        ReportKind::Register => {
            let (loaded, findings, _) = crate::commands::evaluate(ctx, None)?;
            warn_invalid(&loaded);
            warn_left_out(&loaded);
            let view = reports::register(&loaded, &findings, ctx.as_of, &args.sort, &args.year)?;
            let title = format!("SEN register: {}", view.school.name);
            (renderer.render("register.md.j2", &view)?, title)
        }
        ReportKind::ProvisionMap => {
            let loaded = crate::load::load(&root, ctx.as_of);
            warn_invalid(&loaded);
            warn_left_out(&loaded);
            let (from, to) = period(args, ctx.as_of)?;
            let view = reports::provision_map(&loaded.records, ctx.as_of, from, to);
            let title = format!("Provision map: {}", view.school.name);
            (renderer.render("provision-map.md.j2", &view)?, title)
        }
    };
    // The wide reports print landscape.
    let layout = match args.kind {
        ReportKind::Register | ReportKind::ProvisionMap => render::Layout::Landscape,
        _ => render::Layout::Portrait,
    };
    let bytes = match (args.format, inspection_pages) {
        (OutputFormat::Markdown, _) => markdown.into_bytes(),
        (OutputFormat::Html, Some((_, html))) => render::html_pages(&title, &html).into_bytes(),
        (OutputFormat::Docx, Some((mds, _))) => {
            let pages: Vec<&str> = mds.iter().map(String::as_str).collect();
            docx::document(&pages, layout, Some(&title))?
        }
        (OutputFormat::Html, None) => match (&parts, &pages) {
            (Some(parts), _) => render::html_report(&title, parts, layout),
            (None, Some(pages)) => {
                let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
                render::html_document(&title, &pages)
            }
            (None, None) => {
                render::html_report(&title, &[render::Part::Markdown(markdown)], layout)
            }
        }
        .into_bytes(),
        // The Markdown carries every figure the charts show, as tables.
        // The charts go in as pictures, where the HTML page draws them.
        (OutputFormat::Docx, None) => match (&parts, &pages) {
            (_, Some(pages)) => {
                let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
                docx::document(&pages, layout, Some(&title))?
            }
            (Some(parts), None) => docx::document_parts(parts, layout, Some(&title))?,
            (None, None) => docx::document(&[&markdown], layout, Some(&title))?,
        },
    };
    render::emit(Some(&root), args.out.as_deref(), args.format, &bytes)?;
    Ok(0)
}

/// Between the pages of a Markdown document of several (passports, the inspection report):
/// a thematic break, which Word and print turn into a new page.
const PAGE_BREAK: &str = "\n---\n\n";

/// A pupil's SEN record (`sen report pupil`): its Markdown, its HTML parts (the progress
/// chart after the table of reviews it draws) and its title.
pub fn pupil_document(
    loaded: &Loaded,
    renderer: &Renderer,
    id: &str,
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<PupilDocument> {
    let (view, chart) = story::pupil_report(loaded, id, as_of, from, to)?;
    let title = format!("SEN record: {}", view.pupil.full_name);
    let markdown = renderer.render("pupil.md.j2", &view)?;
    let parts = match chart {
        Some(svg) => {
            // The chart goes after the table of reviews it draws.
            let (before, after) = match markdown.find("\n## Provision") {
                Some(i) => markdown.split_at(i),
                None => (markdown.as_str(), ""),
            };
            vec![
                render::Part::Markdown(before.to_string()),
                render::Part::Svg(svg),
                render::Part::Markdown(after.to_string()),
            ]
        }
        None => vec![render::Part::Markdown(markdown.clone())],
    };
    Ok(PupilDocument {
        markdown,
        parts,
        title,
    })
}

/// One pupil's record as a document.
pub struct PupilDocument {
    pub markdown: String,
    pub parts: Vec<render::Part>,
    pub title: String,
}

/// A pupil id the inspection report can use: a folder under pupils/, else an error that
/// suggests the nearest.
fn known_pupil(loaded: &Loaded, id: &str) -> Result<()> {
    crate::load::safe_pupil_id(id).map_err(anyhow::Error::msg)?;
    if loaded.records.pupils.iter().any(|f| f.id == id) {
        return Ok(());
    }
    let ids: Vec<&str> = loaded
        .records
        .pupils
        .iter()
        .map(|f| f.id.as_str())
        .collect();
    match crate::yaml::closest(id, &ids) {
        Some(near) => bail!("no pupil `{id}` under pupils/: did you mean `{near}`?"),
        None => bail!(
            "no pupil `{id}` under pupils/: give the folder name of each pupil (see the register)"
        ),
    }
}

/// The period of `--from` and `--to` (default: the academic year up to as-of).
fn period(args: &ReportArgs, as_of: NaiveDate) -> Result<(NaiveDate, NaiveDate)> {
    period_or(args, dates::academic_year_start(as_of), as_of)
}

/// The period of `--from` and `--to`, each defaulting as given.
fn period_or(
    args: &ReportArgs,
    default_from: NaiveDate,
    default_to: NaiveDate,
) -> Result<(NaiveDate, NaiveDate)> {
    let from = match &args.from {
        Some(t) => parse_date("--from", t)?,
        None => default_from,
    };
    let to = match &args.to {
        Some(t) => parse_date("--to", t)?,
        None => default_to,
    };
    if to < from {
        bail!(
            "the period ends ({}) before it starts ({}): give `--from` on or before `--to`",
            dates::uk(to),
            dates::uk(from)
        );
    }
    Ok((from, to))
}

/// Every report counts the same pupils ([`reports::published::counted`]) and names on
/// standard error the ones it left out, and why: the pupil's id and the kind of problem only.
fn warn_left_out(loaded: &Loaded) {
    let out = reports::published::left_out(loaded);
    if out.is_empty() {
        return;
    }
    let mut text = format!(
        "warning: {} left out of this report (every report leaves them out) until pupil.yaml has no `yaml` or `schema` finding:",
        if out.len() == 1 {
            "1 pupil is".to_string()
        } else {
            format!("{} pupils are", out.len())
        }
    );
    for (id, why) in &out {
        let id = crate::yaml::printable(id).replace('\n', "\\n");
        text.push_str(&format!("\n  - {id}: {why}"));
    }
    text.push_str("\n  help: run `sen check` to see each finding");
    eprintln!("{text}");
}

/// A report built on records that did not all load says so: what could not be read is
/// missing from it.
fn warn_invalid(loaded: &Loaded) {
    let bad: std::collections::BTreeSet<&str> = loaded
        .findings
        .iter()
        .filter(|f| f.kind == Kind::Invalid)
        .filter_map(|f| f.file.as_deref())
        .collect();
    if !bad.is_empty() {
        eprintln!(
            "warning: {} record {} invalid and may be missing from this report: run `sen check`",
            bad.len(),
            if bad.len() == 1 {
                "file is"
            } else {
                "files are"
            }
        );
    }
}
