//! Every report in one table: its kind, the view built from the loaded records, the template
//! that turns the view into Markdown, its page layout and the words `sen serve` lists it
//! with. `sen report` and `sen serve` both make a report through [`make`]: the records are
//! loaded once by the caller, the view is built, the template rendered, and the charts put
//! where the template placed them.
//!
//! What a report is made of (the views, the charts as inserts, the document) is in
//! [`super::page`], which the report modules use without the table.

use anyhow::{Result, bail};

use crate::cli::ReportKind;
use crate::load::Loaded;
use crate::render::{Layout, Renderer};
use crate::reports::{self, inspection, oversight, story};

/// One report of the table.
pub struct Report {
    pub kind: ReportKind,
    /// How `sen serve` lists it, and what it is for.
    pub name: &'static str,
    pub about: &'static str,
    /// The template of its (first) page, under templates/.
    pub template: &'static str,
    pub layout: Layout,
    /// Whether it names on standard error the pupils every report leaves out.
    pub left_out_warning: bool,
    /// The view (or views: one a page) built from the loaded records.
    pub build: fn(&Input) -> Result<Built>,
}

/// Every report, in the order `sen report --help` and `sen serve` list them.
pub const TABLE: &[Report] = &[
    Report {
        kind: ReportKind::Information,
        name: "SEN information report",
        about: "The statutory report for the school's website. It names no child.",
        template: "information.md.j2",
        layout: Layout::Portrait,
        left_out_warning: true,
        build: reports::information_page,
    },
    Report {
        kind: ReportKind::Register,
        name: "SEN register",
        about: "Every pupil on the register. Confidential.",
        template: "register.md.j2",
        layout: Layout::Landscape,
        left_out_warning: true,
        build: reports::register_page,
    },
    Report {
        kind: ReportKind::ProvisionMap,
        name: "Provision map",
        about: "What support costs, pupil by pupil. Confidential.",
        template: "provision-map.md.j2",
        layout: Layout::Landscape,
        left_out_warning: true,
        build: reports::costs::provision_map_page,
    },
    Report {
        kind: ReportKind::Effectiveness,
        name: "Effectiveness of provision",
        about: "How pupils progressed with each kind of support. Names no pupil.",
        template: "effectiveness.md.j2",
        layout: Layout::Portrait,
        left_out_warning: true,
        build: oversight::effectiveness_page,
    },
    Report {
        kind: ReportKind::Governors,
        name: "Governors' report",
        about: "For the governing board: small numbers are not shown.",
        template: "governors.md.j2",
        layout: Layout::Portrait,
        left_out_warning: true,
        build: oversight::governors_page,
    },
    Report {
        kind: ReportKind::Pupil,
        name: "A pupil's record",
        about: "Open from the pupil's page.",
        template: "pupil.md.j2",
        layout: Layout::Portrait,
        left_out_warning: false,
        build: story::pupil_page,
    },
    Report {
        kind: ReportKind::Passport,
        name: "Pupil passports",
        about: "One page per pupil for staff.",
        template: "passport.md.j2",
        layout: Layout::Portrait,
        left_out_warning: false,
        build: story::passport_pages,
    },
    Report {
        kind: ReportKind::Inspection,
        name: "For an inspection",
        about: "The school's SEN work in one document; a pupil's record is added from their page.",
        template: "inspection.md.j2",
        layout: Layout::Portrait,
        left_out_warning: false,
        build: inspection::inspection_pages,
    },
];

/// The table's row for `kind`.
pub fn entry(kind: ReportKind) -> &'static Report {
    TABLE
        .iter()
        .find(|r| r.kind == kind)
        .expect("every report kind is in the table (tested)")
}

pub use super::page::{
    Ask, Built, Document, Input, Insert, Inserts, PAGE_BREAK, Page, PageView, Piece, period,
    period_or, render_page, with_charts,
};

/// What the reader should know about the records a report is made from (invalid files,
/// pupils left out), in the words `sen report` prints on standard error before the report.
pub fn warnings(kind: ReportKind, loaded: &Loaded) -> Vec<String> {
    let mut out: Vec<String> = invalid_warning(loaded).into_iter().collect();
    if entry(kind).left_out_warning {
        out.extend(left_out_warning(loaded));
    }
    out
}

/// Render built views into a document.
pub fn render(kind: ReportKind, renderer: &Renderer, built: &Built) -> Result<Document> {
    let pages = built
        .pages
        .iter()
        .map(|p| render_page(renderer, p))
        .collect::<Result<Vec<Page>>>()?;
    Ok(Document {
        title: built.title.clone(),
        layout: entry(kind).layout,
        pages,
    })
}

/// The one way a report is made, for `sen report` and `sen serve` alike: the view built
/// from the loaded records, then its template rendered.
pub fn make(kind: ReportKind, input: &Input) -> Result<Document> {
    let built = (entry(kind).build)(input)?;
    render(kind, input.renderer, &built)
}

/// Render built views on a thread of their own, waiting at most `limit`: past it, an error
/// (the render goes on alone until its fuel runs out; nothing waits for it). For a server,
/// whose renderer's watchdog must not end the process ([`Renderer::for_server`]).
pub fn render_within(
    kind: ReportKind,
    renderer: Renderer,
    built: Built,
    limit: std::time::Duration,
) -> Result<Document> {
    let mut names: Vec<&str> = built.pages.iter().map(|p| p.template).collect();
    names.dedup();
    let names = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(render(kind, &renderer, &built));
    });
    match rx.recv_timeout(limit) {
        Ok(doc) => doc,
        Err(_) => bail!(
            "the template {names} ran for more than {} seconds and was stopped (a loop or a list that grows without end?)\n  help: docs/templates.md lists every variable and filter a template can use",
            limit.as_secs_f64()
        ),
    }
}

/// Every report counts the same pupils ([`crate::model::PupilFolder::counted`]) and names the ones
/// it left out, and why: the pupil's id and the kind of problem only.
fn left_out_warning(loaded: &Loaded) -> Option<String> {
    let out = reports::published::left_out(loaded);
    if out.is_empty() {
        return None;
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
    Some(text)
}

/// A report built on records that did not all load says so: what could not be read is
/// missing from it.
fn invalid_warning(loaded: &Loaded) -> Option<String> {
    let bad: std::collections::BTreeSet<&str> = loaded
        .findings
        .iter()
        .filter(|f| f.kind == crate::findings::Kind::Invalid)
        .filter_map(|f| f.file.as_deref())
        .collect();
    (!bad.is_empty()).then(|| {
        format!(
            "warning: {} record {} invalid and may be missing from this report: run `sen check`",
            bad.len(),
            if bad.len() == 1 {
                "file is"
            } else {
                "files are"
            }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render;
    use clap::ValueEnum;
    use minijinja::Value;

    #[test]
    fn a_server_render_past_its_limit_is_an_error_and_the_process_goes_on() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("templates")).expect("mkdir");
        std::fs::write(
            dir.path().join("templates/information.md.j2"),
            // Far longer than the limit below, and ending on its own soon after.
            "{% for i in range(100000) %}{% endfor %}",
        )
        .expect("write");
        std::fs::write(dir.path().join("templates/register.md.j2"), "Ends.\n").expect("write");
        let built = |template| Built {
            title: "Looping".into(),
            pages: vec![PageView {
                template,
                view: Value::from(()),
                inserts: Inserts::default(),
            }],
        };
        let renderer = || {
            Renderer::new(Some(dir.path()), None)
                .expect("renderer")
                .for_server()
        };
        let limit = std::time::Duration::from_millis(1);
        let err = render_within(
            ReportKind::Information,
            renderer(),
            built("information.md.j2"),
            limit,
        )
        .err()
        .expect("stopped");
        let err = format!("{err}");
        assert!(
            err.contains("`information.md.j2` ran for more than"),
            "{err}"
        );
        // The next render, of a template that ends, is made as usual.
        let doc = render_within(
            ReportKind::Information,
            renderer(),
            built("register.md.j2"),
            std::time::Duration::from_secs(30),
        )
        .expect("rendered");
        assert_eq!(doc.markdown(), "Ends.\n");
    }

    #[test]
    fn every_report_kind_is_in_the_table_once() {
        for kind in ReportKind::value_variants() {
            let n = TABLE.iter().filter(|r| r.kind == *kind).count();
            assert_eq!(n, 1, "{kind:?} is in the table {n} times");
        }
        // `sen report --help` lists the kinds in the table's order.
        let kinds: Vec<ReportKind> = TABLE.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, ReportKind::value_variants());
        for r in TABLE {
            assert!(
                render::BUILTIN.iter().any(|(name, _)| *name == r.template),
                "{:?}: no built-in template {}",
                r.kind,
                r.template
            );
        }
    }
}
