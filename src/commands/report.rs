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
use crate::reports::{self, oversight, story};
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
    let (markdown, title) = match args.kind {
        ReportKind::Effectiveness | ReportKind::Governors => {
            let loaded = crate::load::load(&root, ctx.as_of);
            warn_invalid(&loaded);
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
            let (view, chart) = story::pupil_report(&loaded, id, ctx.as_of, from, to)?;
            let title = format!("SEN record: {}", view.pupil.full_name);
            let markdown = renderer.render("pupil.md.j2", &view)?;
            if let Some(svg) = chart {
                // The chart goes after the table of reviews it draws.
                let (before, after) = match markdown.find("\n## Provision") {
                    Some(i) => markdown.split_at(i),
                    None => (markdown.as_str(), ""),
                };
                parts = Some(vec![
                    render::Part::Markdown(before.to_string()),
                    render::Part::Svg(svg),
                    render::Part::Markdown(after.to_string()),
                ]);
            }
            (markdown, title)
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
            let view = reports::information(&loaded.records, ctx.as_of)?;
            let title = format!("SEN information report: {}", view.school.name);
            (renderer.render("information.md.j2", &view)?, title)
        }
        ReportKind::Register => {
            let (loaded, findings, _) = crate::commands::evaluate(ctx, None)?;
            warn_invalid(&loaded);
            let view = reports::register(&loaded, &findings, ctx.as_of, &args.sort, &args.year)?;
            let title = format!("SEN register: {}", view.school.name);
            (renderer.render("register.md.j2", &view)?, title)
        }
        ReportKind::ProvisionMap => {
            let loaded = crate::load::load(&root, ctx.as_of);
            warn_invalid(&loaded);
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
    let bytes = match args.format {
        OutputFormat::Markdown => markdown.into_bytes(),
        OutputFormat::Html => match (&parts, &pages) {
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
        OutputFormat::Docx => match (&parts, &pages) {
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
