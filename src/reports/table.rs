//! Every report in one table: its kind, the view built from the loaded records, the template
//! that turns the view into Markdown, its page layout and the words `sen serve` lists it
//! with. `sen report` and `sen serve` both make a report through [`make`]: the records are
//! loaded once by the caller, the view is built, the template rendered, and the charts put
//! where the template placed them.
//!
//! A chart (or any piece the template cannot write itself, such as the governors' sections
//! the inspection report takes) is an [`Insert`]: the view holds a marker for it, the
//! template prints the marker where the chart goes, and [`render_page`] puts the chart there
//! in the HTML and Word output and nothing there in the Markdown.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use chrono::NaiveDate;
use minijinja::Value;

use crate::cli::{OutputFormat, ReportKind};
use crate::docx;
use crate::findings::Finding;
use crate::load::Loaded;
use crate::render::{self, Layout, Part, Renderer};
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

/// What a reader asked for beyond the kind: `sen report`'s arguments, or a page's query.
#[derive(Debug, Clone, Default)]
pub struct Ask {
    pub pupils: Vec<String>,
    pub class: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Register: `year`, `class` or `name` (empty: `year`).
    pub sort: String,
    pub years: Vec<i64>,
}

/// What a view builder reads: the records loaded once by the caller, and what was asked.
pub struct Input<'a> {
    pub loaded: &'a Loaded,
    /// `sen check`'s findings when the caller has them (the server does); a report that
    /// needs them evaluates the rules itself otherwise.
    pub findings: Option<&'a [Finding]>,
    /// For a report that takes another report's rendered sections (the inspection report).
    pub renderer: &'a Renderer,
    pub as_of: NaiveDate,
    pub ask: &'a Ask,
}

/// A report's views, one a page, and its title.
pub struct Built {
    pub title: String,
    pub pages: Vec<PageView>,
}

impl Built {
    /// A report of one page without inserts.
    pub fn one<S: serde::Serialize>(title: String, template: &'static str, view: &S) -> Built {
        Built {
            title,
            pages: vec![PageView {
                template,
                view: Value::from(minijinja::value::Serde(view)),
                inserts: Inserts::default(),
            }],
        }
    }
}

/// One page: the template, the view it is rendered with, and the pieces placed by marker.
pub struct PageView {
    pub template: &'static str,
    pub view: Value,
    pub inserts: Inserts,
}

/// What goes where the template prints an insert's marker.
#[derive(Debug, Clone, Default)]
pub struct Insert {
    /// Text for the Markdown output (a chart has none: its figures are in the tables).
    pub markdown: String,
    /// What the HTML and Word outputs get.
    pub pieces: Vec<Piece>,
}

/// A piece of an insert for the HTML and Word outputs.
#[derive(Debug, Clone)]
pub enum Piece {
    /// Markdown that continues the text around it.
    Text(String),
    /// A part of its own (a chart, or the sentence said instead of a withheld chart).
    Own(Part),
}

impl Insert {
    /// A chart drawn by sen.
    pub fn chart(svg: String) -> Insert {
        Insert {
            markdown: String::new(),
            pieces: vec![Piece::Own(Part::Svg(svg))],
        }
    }
    /// A chart, or where every value is withheld the sentence that says so.
    pub fn chart_or_words(chart: &crate::chart::BarChart, id: &str) -> Insert {
        if chart.nothing_shown() {
            Insert {
                markdown: String::new(),
                pieces: vec![Piece::Own(Part::Markdown(format!(
                    "{}\n\n",
                    chart.withheld_words()
                )))],
            }
        } else {
            Insert::chart(chart.svg(id))
        }
    }
}

/// A page's inserts, each known to the template by a marker no record text can hold.
#[derive(Debug, Clone)]
pub struct Inserts {
    nonce: u64,
    list: Vec<Insert>,
    markers: BTreeMap<String, Value>,
}

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

impl Default for Inserts {
    fn default() -> Inserts {
        use std::hash::{BuildHasher, RandomState};
        Inserts {
            nonce: RandomState::new().hash_one(0u8),
            list: Vec::new(),
            markers: BTreeMap::new(),
        }
    }
}

impl Inserts {
    /// Place `insert` under `name` (`{{ charts.NAME }}` in the template); `None` places
    /// nothing, and the marker prints as nothing.
    pub fn put(&mut self, name: &str, insert: Option<Insert>) {
        let marker = match insert {
            Some(i) => {
                self.list.push(i);
                format!("{OPEN}{}:{}{CLOSE}", self.nonce, self.list.len() - 1)
            }
            None => String::new(),
        };
        self.markers
            .insert(name.to_string(), Value::from_safe_string(marker));
    }
    /// The markers, for the view's `charts`.
    pub fn markers(&self) -> Value {
        Value::from(minijinja::value::Serde(&self.markers))
    }
}

/// The view `view` with the page's markers added as `charts`.
pub fn with_charts<S: serde::Serialize>(view: &S, inserts: &Inserts) -> Value {
    minijinja::context! { charts => inserts.markers(), ..Value::from(minijinja::value::Serde(view)) }
}

/// A rendered page: its Markdown, and the parts of its HTML page (Markdown and charts).
#[derive(Debug, Clone)]
pub struct Page {
    pub markdown: String,
    pub parts: Vec<Part>,
}

/// Render one page and put its inserts where their markers stand. An insert the template
/// did not place (a school's template written before the chart was) goes at the end.
pub fn render_page(renderer: &Renderer, page: &PageView) -> Result<Page> {
    let text = renderer.render(page.template, &page.view)?;
    let ins = &page.inserts;
    let mut out = Splitter::default();
    let mut placed = vec![false; ins.list.len()];
    let mut rest = text.as_str();
    while let Some(i) = rest.find(OPEN) {
        out.text(&rest[..i]);
        let after = &rest[i + OPEN.len_utf8()..];
        let which = after.find(CLOSE).and_then(|end| {
            let (nonce, n) = after[..end].split_once(':')?;
            let n: usize = n.parse().ok()?;
            (nonce.parse() == Ok(ins.nonce) && n < ins.list.len()).then_some((n, end))
        });
        match which {
            Some((n, end)) => {
                out.insert(&ins.list[n]);
                placed[n] = true;
                rest = &after[end + CLOSE.len_utf8()..];
            }
            None => {
                out.text(&rest[i..i + OPEN.len_utf8()]);
                rest = after;
            }
        }
    }
    out.text(rest);
    for (insert, _) in ins.list.iter().zip(&placed).filter(|(_, p)| !**p) {
        out.insert(insert);
    }
    Ok(out.done())
}

/// Builds a [`Page`]: text goes to both outputs, inserts as they say.
#[derive(Default)]
struct Splitter {
    markdown: String,
    chunk: String,
    parts: Vec<Part>,
}

impl Splitter {
    fn text(&mut self, t: &str) {
        self.markdown.push_str(t);
        self.chunk.push_str(t);
    }
    fn insert(&mut self, insert: &Insert) {
        self.markdown.push_str(&insert.markdown);
        for piece in &insert.pieces {
            match piece {
                Piece::Text(t) => self.chunk.push_str(t),
                Piece::Own(p) => {
                    self.parts
                        .push(Part::Markdown(std::mem::take(&mut self.chunk)));
                    self.parts.push(p.clone());
                }
            }
        }
    }
    fn done(mut self) -> Page {
        self.parts.push(Part::Markdown(self.chunk));
        Page {
            markdown: self.markdown,
            parts: self.parts,
        }
    }
}

/// A report made: its title, layout and pages.
pub struct Document {
    pub title: String,
    pub layout: Layout,
    pub pages: Vec<Page>,
}

/// Between the pages of a Markdown document of several (passports, the inspection report):
/// a thematic break, which Word and print turn into a new page.
pub const PAGE_BREAK: &str = "\n---\n\n";

impl Document {
    pub fn markdown(&self) -> String {
        let pages: Vec<&str> = self.pages.iter().map(|p| p.markdown.as_str()).collect();
        pages.join(PAGE_BREAK)
    }
    /// The printable page: one page with its charts, or several each starting a new page.
    pub fn html(&self) -> String {
        match self.pages.as_slice() {
            [one] => render::html_report(&self.title, &one.parts, self.layout),
            pages => {
                let parts: Vec<Vec<Part>> = pages.iter().map(|p| p.parts.clone()).collect();
                render::html_pages(&self.title, &parts)
            }
        }
    }
    /// The Word document: one page with its charts as pictures, or several pages of their
    /// Markdown (which carries every figure the charts show, as tables).
    pub fn docx(&self) -> Result<Vec<u8>> {
        match self.pages.as_slice() {
            [one] => docx::document_parts(&one.parts, self.layout, Some(&self.title)),
            pages => {
                let mds: Vec<&str> = pages.iter().map(|p| p.markdown.as_str()).collect();
                docx::document(&mds, self.layout, Some(&self.title))
            }
        }
    }
    pub fn bytes(&self, format: OutputFormat) -> Result<Vec<u8>> {
        Ok(match format {
            OutputFormat::Markdown => self.markdown().into_bytes(),
            OutputFormat::Html => self.html().into_bytes(),
            OutputFormat::Docx => self.docx()?,
        })
    }
}

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

/// The period of `--from` and `--to` (default: the academic year up to as-of).
pub fn period(ask: &Ask, as_of: NaiveDate) -> Result<(NaiveDate, NaiveDate)> {
    period_or(ask, crate::dates::academic_year_start(as_of), as_of)
}

/// The period of `--from` and `--to`, each defaulting as given.
pub fn period_or(
    ask: &Ask,
    default_from: NaiveDate,
    default_to: NaiveDate,
) -> Result<(NaiveDate, NaiveDate)> {
    let from = match &ask.from {
        Some(t) => crate::settings::parse_date("--from", t)?,
        None => default_from,
    };
    let to = match &ask.to {
        Some(t) => crate::settings::parse_date("--to", t)?,
        None => default_to,
    };
    if to < from {
        bail!(
            "the period ends ({}) before it starts ({}): give `--from` on or before `--to`",
            crate::dates::uk(to),
            crate::dates::uk(from)
        );
    }
    Ok((from, to))
}

/// Every report counts the same pupils ([`reports::published::counted`]) and names the ones
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
    use clap::ValueEnum;

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
