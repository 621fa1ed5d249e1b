//! What every page of `sen serve` is made of: the records kept between requests
//! ([`Model`]), the page templates ([`Pages`]), the layout's frame, safe links, and the
//! messages (not found, read-only, an error). Each page module uses these; none of them is
//! a page, so no page module is imported back.

use std::path::{Path, PathBuf};

use anyhow::Result;
use minijinja::Environment;
use serde::Serialize;

use super::{Resp, State, percent_encode};
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
    /// The renderer of the pupil pages' record and passport, with what it was built from.
    renderer: Option<(RendererKey, Result<render::Renderer, String>)>,
    /// How many renderers were built (each compiles every template): for the tests.
    pub(super) renderers_built: u64,
}

/// What a renderer was built from: the records' generation and the school's `templates/`
/// folder (each name, size and time), so an edited template shows on the next page.
type RendererKey = (
    u64,
    Vec<(std::ffi::OsString, u64, Option<std::time::SystemTime>)>,
);

fn templates_stamp(root: &Path) -> Vec<(std::ffi::OsString, u64, Option<std::time::SystemTime>)> {
    let dir = root.join("templates");
    let mut out = Vec::new();
    if let Ok(m) = std::fs::symlink_metadata(&dir) {
        out.push((".".into(), m.len(), m.modified().ok()));
    }
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        if let Ok(m) = e.metadata() {
            out.push((e.file_name(), m.len(), m.modified().ok()));
        }
    }
    out.sort();
    out
}

impl Model {
    pub fn new() -> Model {
        Model {
            cache: Cache::new(),
            findings: Vec::new(),
            generation: u64::MAX,
            renderer: None,
            renderers_built: 0,
        }
    }

    /// Bring the records up to date (re-reading only what changed) and evaluate the rules
    /// again only when something did. The findings are in `sen check`'s order.
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

    /// [`Model::refresh`], and the renderer of the school's templates: built again only when
    /// the records or a file under `templates/` changed, not on every page.
    pub fn refresh_with_renderer(
        &mut self,
        root: &Path,
        as_of: chrono::NaiveDate,
    ) -> (&Loaded, &[Finding], Result<&render::Renderer, &str>) {
        self.refresh(root, as_of);
        let key = (self.generation, templates_stamp(root));
        if self.renderer.as_ref().is_some_and(|(k, _)| *k != key) {
            self.renderer = None;
        }
        let built = &mut self.renderers_built;
        let (_, renderer) = self.renderer.get_or_insert_with(|| {
            *built += 1;
            let r = render::Renderer::new(Some(root), None)
                .map(render::Renderer::for_server)
                .map_err(|e| format!("{e:#}"));
            (key, r)
        });
        let loaded = self.cache.loaded().expect("refreshed");
        (
            loaded,
            &self.findings,
            renderer.as_ref().map_err(String::as_str),
        )
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

const TEMPLATES: [(&str, &str); 17] = [
    (
        "record.html",
        include_str!("../../templates/serve/record.html"),
    ),
    (
        "layout.html",
        include_str!("../../templates/serve/layout.html"),
    ),
    ("home.html", include_str!("../../templates/serve/home.html")),
    (
        "pager.html",
        include_str!("../../templates/serve/pager.html"),
    ),
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
    (
        "create.html",
        include_str!("../../templates/serve/create.html"),
    ),
    ("text.html", include_str!("../../templates/serve/text.html")),
    (
        "recorded.html",
        include_str!("../../templates/serve/recorded.html"),
    ),
    (
        "history-offer.html",
        include_str!("../../templates/serve/history-offer.html"),
    ),
];

pub(super) const CSS: &str = include_str!("../../templates/serve/sen.css");
pub(super) const JS: &str = include_str!("../../templates/serve/sen.js");

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

pub(super) fn with_model<T>(state: &State, page: impl FnOnce(&Loaded, &[Finding]) -> T) -> T {
    let mut model = lock_model(state);
    let (loaded, findings) = model.refresh(&state.root, state.as_of);
    page(loaded, findings)
}

pub(super) fn lock_model(state: &State) -> std::sync::MutexGuard<'_, Model> {
    match state.model.lock() {
        Ok(m) => m,
        // A page that failed while holding the records leaves them to be read afresh.
        Err(poisoned) => {
            let mut m = poisoned.into_inner();
            *m = Model::new();
            m
        }
    }
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

/// The pupil of folder `id`, if pupil.yaml could be read (the folders are sorted by name).
pub(super) fn pupil_of<'a>(loaded: &'a Loaded, id: &str) -> Option<&'a crate::model::Pupil> {
    let pupils = &loaded.records.pupils;
    pupils
        .binary_search_by(|f| f.id.as_str().cmp(id))
        .ok()
        .and_then(|i| pupils[i].pupil.as_ref())
}

pub(super) fn pupil_name(loaded: &Loaded, id: &str) -> String {
    pupil_of(loaded, id).map_or_else(
        || id.to_string(),
        |p| format!("{} {}", p.known_as(), p.family),
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

/// The body of one of sen's own printable HTML documents, to show inside a page.
pub(super) fn body_of(html: &str) -> String {
    let start = html.find("<body>").map_or(0, |i| i + 6);
    let end = html.rfind("</body>").unwrap_or(html.len());
    html[start..end.max(start)]
        .replace("<main", "<div class=\"doc-page\"")
        .replace("</main>", "</div>")
}

/// A record file under the root, reached without a link: `None` for anything else.
pub(super) fn record_path(root: &Path, rel: &str) -> Option<PathBuf> {
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
