//! What every report is made of, whichever it is: what the reader asked ([`Ask`]), what a
//! view builder reads ([`Input`]), the views a page each ([`Built`], [`PageView`]), the
//! pieces a template cannot write itself ([`Insert`]: charts), and the rendered
//! [`Document`]. The report modules build with these; [`super::table`] lists the reports and
//! makes them, so the modules never need the table.
//!
//! A chart (or any piece the template cannot write itself, such as the governors' sections
//! the inspection report takes) is an [`Insert`]: the view holds a marker for it, the
//! template prints the marker where the chart goes, and [`render_page`] puts the chart there
//! in the HTML and Word output and nothing there in the Markdown.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use chrono::NaiveDate;
use minijinja::Value;

use crate::cli::OutputFormat;
use crate::docx;
use crate::findings::Finding;
use crate::load::Loaded;
use crate::render::{self, Layout, Part, Renderer};

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
