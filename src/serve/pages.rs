//! The pages: each route reads the records kept in [`Model`] (or, in [`super::documents`],
//! runs the command the command line would) and renders a template of
//! templates/serve/ with HTML autoescape. Record text reaches a page only through a
//! template variable (escaped) or through sen's own document builders, which escape it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::ValueEnum;
use minijinja::Environment;
use serde::Serialize;

use super::{Req, Resp, State, documents, percent_encode, query_string};
use crate::cli::LetterKind;
use crate::findings::{Finding, Kind};
use crate::load::{Loaded, cache::Cache};
use crate::render;
use crate::rules::{self, Options};

/// A template's context: `key => value` or a variable by its own name, each serialized.
macro_rules! page_ctx {
    ($($key:ident $(=> $value:expr)?),* $(,)?) => {{
        let mut m = serde_json::Map::new();
        $(
            m.insert(
                stringify!($key).to_string(),
                serde_json::to_value(page_ctx!(@v $key $(, $value)?)).unwrap_or_default(),
            );
        )*
        serde_json::Value::Object(m)
    }};
    (@v $key:ident) => { &$key };
    (@v $key:ident, $value:expr) => { &$value };
}

pub(super) use page_ctx;

/// The records kept between requests and the findings evaluated on them.
pub struct Model {
    cache: Cache,
    findings: Vec<Finding>,
    generation: u64,
}

impl Model {
    pub fn new() -> Model {
        Model {
            cache: Cache::new(),
            findings: Vec::new(),
            generation: u64::MAX,
        }
    }

    /// Bring the records up to date (re-reading only what changed) and evaluate the rules
    /// again only when something did.
    pub fn refresh(&mut self, root: &Path, as_of: chrono::NaiveDate) -> (&Loaded, &[Finding]) {
        self.cache.refresh(root, as_of);
        let loaded = self.cache.loaded().expect("refreshed");
        if self.generation != self.cache.generation() {
            let window = loaded.records.school.settings.due_within_days;
            self.findings =
                rules::evaluate(&loaded.records, &loaded.findings, Options { as_of, window });
            self.generation = self.cache.generation();
        }
        (loaded, &self.findings)
    }
}

impl Default for Model {
    fn default() -> Self {
        Model::new()
    }
}

/// The page templates and static files, embedded in the binary.
pub struct Pages {
    env: Environment<'static>,
}

const TEMPLATES: [(&str, &str); 11] = [
    (
        "layout.html",
        include_str!("../../templates/serve/layout.html"),
    ),
    ("home.html", include_str!("../../templates/serve/home.html")),
    (
        "register.html",
        include_str!("../../templates/serve/register.html"),
    ),
    (
        "pupil.html",
        include_str!("../../templates/serve/pupil.html"),
    ),
    ("file.html", include_str!("../../templates/serve/file.html")),
    (
        "reports.html",
        include_str!("../../templates/serve/reports.html"),
    ),
    (
        "document.html",
        include_str!("../../templates/serve/document.html"),
    ),
    (
        "letters.html",
        include_str!("../../templates/serve/letters.html"),
    ),
    ("mis.html", include_str!("../../templates/serve/mis.html")),
    ("done.html", include_str!("../../templates/serve/done.html")),
    (
        "message.html",
        include_str!("../../templates/serve/message.html"),
    ),
];

const CSS: &str = include_str!("../../templates/serve/sen.css");
const JS: &str = include_str!("../../templates/serve/sen.js");

/// Register rows on one page.
const PAGE_SIZE: usize = 100;

impl Pages {
    pub fn new() -> Result<Pages> {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, src) in TEMPLATES {
            env.add_template(name, src)
                .map_err(|e| render::template_error(&e))?;
        }
        env.add_filter("uk_date", render::uk_date);
        env.add_filter("q", |s: String| percent_encode(&s));
        Ok(Pages { env })
    }

    pub(super) fn render<S: Serialize>(&self, name: &str, ctx: S) -> Resp {
        match self
            .env
            .get_template(name)
            .and_then(|t| t.render(minijinja::Value::from(minijinja::value::Serde(&ctx))))
        {
            Ok(body) => Resp::html(200, body),
            Err(e) => server_error(&format!("{}", render::template_error(&e))),
        }
    }
}

pub(super) fn server_error(why: &str) -> Resp {
    eprintln!("sen serve: {why}");
    Resp::html(
        500,
        format!(
            "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Something went wrong</title></head><body><h1>Something went wrong</h1><p>{}</p></body></html>",
            render::escape_html(why)
        ),
    )
}

/// What every page's layout needs.
#[derive(Serialize)]
pub(super) struct Frame {
    school: String,
    as_of: String,
    csrf: String,
    read_only: bool,
    /// Which item of the navigation is this page.
    nav: &'static str,
    counts: Counts,
}

#[derive(Serialize, Default)]
struct Counts {
    overdue: usize,
    due: usize,
    invalid: usize,
}

pub(super) fn frame(
    state: &State,
    loaded: &Loaded,
    findings: &[Finding],
    nav: &'static str,
) -> Frame {
    Frame {
        school: loaded.records.school.name.clone(),
        as_of: render::iso(state.as_of),
        csrf: state.keys.form_token(),
        read_only: state.read_only,
        nav,
        counts: Counts {
            overdue: findings.iter().filter(|f| f.kind == Kind::Overdue).count(),
            due: findings.iter().filter(|f| f.kind == Kind::Due).count(),
            invalid: findings.iter().filter(|f| f.kind == Kind::Invalid).count(),
        },
    }
}

/// A path made safe for an `href`: each segment percent-encoded.
pub fn href(path: &str) -> String {
    path.split('/')
        .map(percent_encode)
        .collect::<Vec<_>>()
        .join("/")
}

/// The routes.
pub fn route(state: &State, req: &Req) -> Resp {
    let path = req.path.as_str();
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let post = req.method == "POST";
    match (post, segs.as_slice()) {
        (false, ["static", "sen.css"]) => Resp::new(200, "text/css; charset=utf-8", CSS.into()),
        (false, ["static", "sen.js"]) => {
            Resp::new(200, "text/javascript; charset=utf-8", JS.into())
        }
        (false, [""]) => with_model(state, |l, f| home(state, l, f)),
        (false, ["register"]) => with_model(state, |l, f| register(state, req, l, f)),
        (false, ["pupils", id]) => with_model(state, |l, f| pupil(state, l, f, id)),
        (false, ["pupils", id, "record.html" | "record.docx"]) => {
            let format = if segs[2].ends_with("docx") {
                "docx"
            } else {
                "html"
            };
            documents::pupil_document(state, crate::cli::ReportKind::Pupil, id, format)
        }
        (false, ["pupils", id, "passport.html" | "passport.docx"]) => {
            let format = if segs[2].ends_with("docx") {
                "docx"
            } else {
                "html"
            };
            documents::pupil_document(state, crate::cli::ReportKind::Passport, id, format)
        }
        (false, ["pupils", id, "letters", name]) => documents::pupil_letter(state, id, name),
        (false, ["files", ..]) => {
            let rel = path.trim_start_matches("/files/");
            with_model(state, |l, f| file(state, l, f, rel))
        }
        (false, ["reports"]) => with_model(state, |l, f| documents::reports(state, l, f)),
        (false, ["reports", name]) => documents::report(state, req, name),
        (false, ["letters"]) => with_model(state, |l, f| documents::letters(state, l, f)),
        (true, ["letters", "due"]) => documents::write_due(state, req),
        (false, ["out", "letters", pupil, name]) => documents::written_letter(state, pupil, name),
        (false, ["calendar.ics"]) => documents::calendar(state),
        (false, ["import"]) => with_model(state, |l, f| documents::mis_form(state, l, f, "import")),
        (false, ["census"]) => with_model(state, |l, f| documents::mis_form(state, l, f, "census")),
        (true, ["import"]) => documents::mis_run(state, req, "import"),
        (true, ["census"]) => documents::mis_run(state, req, "census"),
        _ => not_found(state),
    }
}

pub(super) fn with_model(state: &State, page: impl FnOnce(&Loaded, &[Finding]) -> Resp) -> Resp {
    with_records(state, page)
}

/// Run `f` over the records brought up to date (any result, not only a page).
pub(super) fn with_records<T>(state: &State, f: impl FnOnce(&Loaded, &[Finding]) -> T) -> T {
    let mut model = match state.model.lock() {
        Ok(m) => m,
        // A page that failed while holding the records leaves them to be read afresh.
        Err(poisoned) => {
            let mut m = poisoned.into_inner();
            *m = Model::new();
            m
        }
    };
    let (loaded, findings) = model.refresh(&state.root, state.as_of);
    f(loaded, findings)
}

pub(super) fn not_found(state: &State) -> Resp {
    let mut r = message(
        state,
        "Not found",
        "There is no such page. Use the links at the top to find your way.",
    );
    r.status = 404;
    r
}

pub(super) fn message(state: &State, title: &str, text: &str) -> Resp {
    with_model(state, |l, f| {
        state.pages.render(
            "message.html",
            page_ctx! { frame => frame(state, l, f, ""), title, text },
        )
    })
}

// ---------------------------------------------------------------- home: the to-do list

#[derive(Serialize)]
struct Item {
    kind: &'static str,
    /// "Overdue by 12 days", "Due in 3 days", "Invalid" ...
    when: String,
    due: Option<String>,
    message: String,
    help: Option<String>,
    /// "SEND Code of Practice 6.43, 6.48".
    why: String,
    file: Option<String>,
    line: Option<u32>,
    file_href: Option<String>,
}

#[derive(Serialize)]
struct Group {
    id: Option<String>,
    name: String,
    href: Option<String>,
    items: Vec<Item>,
}

fn days(d: i64) -> String {
    if d == 1 {
        "1 day".into()
    } else {
        format!("{d} days")
    }
}

fn item(f: &Finding) -> Item {
    let when = match (f.kind, f.days) {
        (Kind::Overdue, Some(d)) => format!("Overdue by {}", days(d)),
        (Kind::Overdue, None) => "Overdue".into(),
        (Kind::Due, Some(0)) => "Due today".into(),
        (Kind::Due, Some(d)) => format!("Due in {}", days(d)),
        (Kind::Late, Some(d)) => format!("Done {} late", days(d)),
        (Kind::Invalid, _) => "Needs correcting".into(),
        (Kind::Incomplete, _) => "Incomplete".into(),
        (Kind::Advice, _) => "Advice".into(),
        (k, _) => k.id().to_string(),
    };
    let paragraphs = f.rule.paragraphs();
    let why = if paragraphs.is_empty() {
        "The records must be readable for sen to check them".to_string()
    } else {
        format!("SEND Code of Practice {}", paragraphs.join(", "))
    };
    let file = f.file.clone().or_else(|| match &f.pupil {
        Some(p) => Some(format!("pupils/{p}/pupil.yaml")),
        None => Some("school.yaml".into()),
    });
    Item {
        kind: f.kind.id(),
        when,
        due: f.due.map(render::iso),
        message: f.message.clone(),
        help: f.help.clone(),
        why,
        file_href: file.as_ref().map(|p| {
            let anchor = f.line.map(|l| format!("#L{l}")).unwrap_or_default();
            format!("/files/{}{anchor}", href(p))
        }),
        file,
        line: f.line,
    }
}

pub(super) fn pupil_name(loaded: &Loaded, id: &str) -> String {
    loaded
        .records
        .pupils
        .iter()
        .find(|f| f.id == id)
        .and_then(|f| f.pupil.as_ref())
        .map_or_else(
            || id.to_string(),
            |p| format!("{} {}", p.known_as(), p.family),
        )
}

fn home(state: &State, loaded: &Loaded, findings: &[Finding]) -> Resp {
    // Most urgent first, as `sen check` lists them.
    let mut sorted: Vec<Finding> = findings.to_vec();
    crate::findings::sort(&mut sorted);
    // Grouped by pupil, each group where its most urgent finding falls.
    let mut groups: Vec<Group> = Vec::new();
    let mut index: BTreeMap<Option<String>, usize> = BTreeMap::new();
    for f in &sorted {
        let i = *index.entry(f.pupil.clone()).or_insert_with(|| {
            groups.push(Group {
                id: f.pupil.clone(),
                name: f
                    .pupil
                    .as_deref()
                    .map_or_else(|| "The school".to_string(), |p| pupil_name(loaded, p)),
                href: f.pupil.as_deref().map(|p| format!("/pupils/{}", href(p))),
                items: Vec::new(),
            });
            groups.len() - 1
        });
        groups[i].items.push(item(f));
    }
    let on_register = crate::commands::pupils_on_register(loaded, state.as_of);
    let count = |k: Kind| findings.iter().filter(|f| f.kind == k).count();
    let summary: Vec<(&str, usize)> = Kind::ALL.iter().map(|k| (k.id(), count(*k))).collect();
    state.pages.render(
        "home.html",
        page_ctx! {
            frame => frame(state, loaded, findings, "home"),
            groups,
            summary,
            on_register,
        },
    )
}

// ---------------------------------------------------------------- the register

#[derive(Serialize)]
struct OffRow {
    id: String,
    name: String,
    status: String,
    left: Option<String>,
}

fn register(state: &State, req: &Req, loaded: &Loaded, findings: &[Finding]) -> Resp {
    let view = match crate::reports::register(loaded, findings, state.as_of, "name", &[]) {
        Ok(v) => v,
        Err(e) => return server_error(&e.to_string()),
    };
    let want = |k: &str| req.query_value(k).filter(|v| !v.is_empty());
    let (class, year, status, need) = (want("class"), want("year"), want("status"), want("need"));
    let q = want("q").map(|s| s.to_lowercase());
    let mut classes: Vec<String> = view.pupils.iter().filter_map(|r| r.class.clone()).collect();
    classes.sort();
    classes.dedup();
    let mut years: Vec<i64> = view.pupils.iter().map(|r| r.year).collect();
    years.sort();
    years.dedup();
    let mut needs: Vec<(&str, &str)> = view
        .pupils
        .iter()
        .flat_map(|r| [&r.primary_need, &r.secondary_need])
        .flatten()
        .map(|n| (n.code, n.label))
        .collect();
    needs.sort();
    needs.dedup();
    let rows: Vec<_> = view
        .pupils
        .iter()
        .filter(|r| class.as_ref().is_none_or(|c| r.class.as_ref() == Some(c)))
        .filter(|r| year.as_ref().is_none_or(|y| r.year.to_string() == *y))
        .filter(|r| status.as_ref().is_none_or(|s| r.status == s))
        .filter(|r| {
            need.as_ref().is_none_or(|n| {
                [&r.primary_need, &r.secondary_need]
                    .into_iter()
                    .flatten()
                    .any(|x| x.code == n)
            })
        })
        .filter(|r| {
            q.as_ref().is_none_or(|q| {
                r.name.to_lowercase().contains(q) || r.known_as.to_lowercase().contains(q)
            })
        })
        .collect();
    let total = rows.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = req
        .query_value("page")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let shown: Vec<_> = rows
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    let link = |p: usize| {
        let mut pairs: Vec<(String, String)> = req
            .query
            .iter()
            .filter(|(k, v)| k != "page" && !v.is_empty())
            .cloned()
            .collect();
        pairs.push(("page".into(), p.to_string()));
        format!("/register?{}", query_string(&pairs))
    };
    let prev = (page > 1).then(|| link(page - 1));
    let next = (page < pages).then(|| link(page + 1));
    let off: Vec<OffRow> = loaded
        .records
        .pupils
        .iter()
        .filter_map(|f| f.pupil.as_ref().map(|p| (f, p)))
        .filter(|(_, p)| !rules::on_register(p, state.as_of))
        .map(|(f, p)| OffRow {
            id: f.id.clone(),
            name: crate::reports::register_name(p),
            status: p.status.label().to_string(),
            left: p.left.as_ref().map(|d| render::iso(d.value)),
        })
        .collect();
    state.pages.render(
        "register.html",
        page_ctx! {
            frame => frame(state, loaded, findings, "register"),
            rows => shown,
            total,
            all => view.total,
            sen_support => view.sen_support,
            ehc_plan => view.ehc_plan,
            page, pages, prev, next,
            classes, years, needs,
            class, year, status, need, q => want("q"),
            off,
        },
    )
}

// ---------------------------------------------------------------- a pupil

#[derive(Serialize)]
struct FileRow {
    rel: String,
    /// The path inside the pupil's folder.
    short: String,
    href: String,
}

/// The record files of one pupil's folder, as the loader places them (no link followed).
fn pupil_files(root: &Path, id: &str) -> Vec<FileRow> {
    let dir = root.join("pupils").join(id);
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(&dir)
        .follow_links(false)
        .sort_by_file_name()
        .max_depth(2)
        .into_iter()
        .flatten()
    {
        if !e.file_type().is_file() {
            continue;
        }
        let Ok(rel) = e.path().strip_prefix(root) else {
            continue;
        };
        let rel: Vec<String> = rel.iter().map(crate::load::lossless).collect();
        let rel = rel.join("/");
        if crate::load::record_kind(&rel).is_some() {
            out.push(FileRow {
                href: format!("/files/{}", href(&rel)),
                short: rel
                    .strip_prefix(&format!("pupils/{id}/"))
                    .unwrap_or(&rel)
                    .to_string(),
                rel,
            });
        }
    }
    out
}

fn pupil(state: &State, loaded: &Loaded, findings: &[Finding], id: &str) -> Resp {
    let Some(folder) = loaded.records.pupils.iter().find(|f| f.id == id) else {
        return not_found_in(state, loaded, findings);
    };
    let items: Vec<Item> = {
        let mut mine: Vec<Finding> = findings
            .iter()
            .filter(|f| f.pupil.as_deref() == Some(id))
            .cloned()
            .collect();
        crate::findings::sort(&mut mine);
        mine.iter().map(item).collect()
    };
    let name = pupil_name(loaded, id);
    let (record, passport) = match &folder.pupil {
        Some(_) => (pupil_record(state, loaded, id), pupil_passport(state, loaded, id)),
        None => (Err("pupil.yaml could not be read, so the record cannot be shown: correct it first (see above)".to_string()), Err(String::new())),
    };
    let letters: Vec<(&str, String)> = LetterKind::value_variants()
        .iter()
        .map(|k| (k.id(), letter_label(*k)))
        .collect();
    state.pages.render(
        "pupil.html",
        page_ctx! {
            frame => frame(state, loaded, findings, "register"),
            id, name,
            items,
            files => pupil_files(&state.root, id),
            record => record.as_ref().ok(),
            record_error => record.as_ref().err(),
            passport => passport.ok(),
            letters,
            base => format!("/pupils/{}", href(id)),
        },
    )
}

pub(super) fn not_found_in(state: &State, loaded: &Loaded, findings: &[Finding]) -> Resp {
    let mut r = state.pages.render(
        "message.html",
        page_ctx! {
            frame => frame(state, loaded, findings, ""),
            title => "No such pupil",
            text => "There is no folder for that pupil under pupils/. Find the pupil on the register.",
        },
    );
    r.status = 404;
    r
}

pub(super) fn letter_label(k: LetterKind) -> String {
    match k {
        LetterKind::Notification => "Notification of SEN support",
        LetterKind::ReviewInvitation => "Invitation to a review",
        LetterKind::ReviewRecord => "Record of the review",
        LetterKind::MeetingRecord => "Record of a meeting",
        LetterKind::AnnualReviewInvitation => "Invitation to the annual review",
        LetterKind::AdviceRequest => "Request for advice for the annual review",
    }
    .to_string()
}

/// The body of one of sen's own printable HTML documents, to show inside a page.
pub(super) fn body_of(html: &str) -> String {
    let start = html.find("<body>").map_or(0, |i| i + 6);
    let end = html.rfind("</body>").unwrap_or(html.len());
    html[start..end.max(start)]
        .replace("<main", "<div class=\"doc-page\"")
        .replace("</main>", "</div>")
}

/// The pupil's whole record, as `sen report pupil` renders it.
fn pupil_record(state: &State, loaded: &Loaded, id: &str) -> Result<String, String> {
    let renderer = render::Renderer::new(Some(&state.root), None).map_err(|e| format!("{e:#}"))?;
    let (from, to) = crate::reports::story::default_period(&loaded.records, state.as_of);
    let (view, chart) = crate::reports::story::pupil_report(loaded, id, state.as_of, from, to)
        .map_err(|e| format!("{e:#}"))?;
    let markdown = renderer
        .render("pupil.md.j2", &view)
        .map_err(|e| format!("{e:#}"))?;
    let mut parts = vec![render::Part::Markdown(markdown)];
    if let Some(svg) = chart {
        parts.push(render::Part::Svg(svg));
    }
    let html = render::html_report("", &parts, render::Layout::Portrait);
    Ok(body_of(&html))
}

fn pupil_passport(state: &State, loaded: &Loaded, id: &str) -> Result<String, String> {
    let renderer = render::Renderer::new(Some(&state.root), None).map_err(|e| format!("{e:#}"))?;
    let ids = [id.to_string()];
    let view = crate::reports::story::passports(
        &loaded.records,
        crate::reports::story::Whom::Ids(&ids),
        state.as_of,
    )
    .map_err(|e| format!("{e:#}"))?;
    let pages = view
        .pages()
        .map(|p| renderer.render("passport.md.j2", &p))
        .collect::<Result<Vec<String>>>()
        .map_err(|e| format!("{e:#}"))?;
    let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
    Ok(body_of(&render::html_document("", &pages)))
}

// ---------------------------------------------------------------- a record file as text

#[derive(Serialize)]
struct Line {
    n: usize,
    text: String,
    notes: Vec<String>,
}

/// A record file under the root, reached without a link: `None` for anything else.
fn record_path(root: &Path, rel: &str) -> Option<PathBuf> {
    if rel.is_empty()
        || rel.contains('\\')
        || rel.split('/').any(|s| s.is_empty() || s.starts_with('.'))
        || crate::load::record_kind(rel).is_none()
    {
        return None;
    }
    let mut path = root.to_path_buf();
    for seg in rel.split('/') {
        path.push(seg);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if meta.file_type().is_symlink() {
            return None;
        }
    }
    std::fs::symlink_metadata(&path)
        .ok()
        .filter(|m| m.is_file() && m.len() <= crate::load::MAX_FILE_BYTES)
        .map(|_| path)
}

fn file(state: &State, loaded: &Loaded, findings: &[Finding], rel: &str) -> Resp {
    let rel = rel.trim_end_matches('/');
    let Some(path) = record_path(&state.root, rel) else {
        return not_found_in(state, loaded, findings);
    };
    let text = match std::fs::read(&path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => return server_error(&format!("cannot read {rel}: {e}")),
    };
    let mine: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.file.as_deref() == Some(rel))
        .collect();
    let lines: Vec<Line> = text
        .lines()
        .enumerate()
        .map(|(i, t)| Line {
            n: i + 1,
            text: crate::yaml::printable(t).into_owned(),
            notes: mine
                .iter()
                .filter(|f| f.line == Some(i as u32 + 1))
                .map(|f| f.message.clone())
                .collect(),
        })
        .collect();
    let general: Vec<String> = mine
        .iter()
        .filter(|f| f.line.is_none())
        .map(|f| f.message.clone())
        .collect();
    let pupil = rel
        .strip_prefix("pupils/")
        .and_then(|r| r.split('/').next())
        .map(|p| (format!("/pupils/{}", href(p)), pupil_name(loaded, p)));
    state.pages.render(
        "file.html",
        page_ctx! {
            frame => frame(state, loaded, findings, ""),
            rel, lines, general, pupil,
        },
    )
}
