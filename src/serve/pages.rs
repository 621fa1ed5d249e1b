//! The pages that show the records: home (the to-do list), the register, a pupil, a file.
//! Each reads the records kept in [`Model`](super::frame::Model) and renders a template of
//! templates/serve/ with HTML autoescape. Record text reaches a page only through a
//! template variable (escaped) or through sen's own document builders, which escape it.

use std::path::Path;

use clap::ValueEnum;
use serde::Serialize;

use super::frame::{
    body_of, frame, href, not_found_in, page_ctx, pupil_name, pupil_of, record_path, server_error,
};
use super::{Req, Resp, State, query_string};
use crate::cli::{LetterKind, ReportKind};
use crate::findings::{Finding, Kind};
use crate::load::Loaded;
use crate::render;
use crate::reports::table;
use crate::rules;

/// Pupils (groups of the to-do list) or register rows on one page.
const PAGE_SIZE: usize = 100;

#[derive(Serialize)]
struct Item {
    kind: &'static str,
    /// "Overdue by 12 days", "Due in 3 days", "To correct" ...
    when: String,
    due: Option<String>,
    /// The finding in plain words ([`rules::words::describe`]).
    words: String,
    /// What `sen check` says, which names the record: "In the records", or for a record to
    /// correct, "What to correct".
    detail_label: &'static str,
    message: String,
    help: Option<String>,
    /// "SEND Code of Practice 6.43, 6.48".
    why: String,
    file: Option<String>,
    line: Option<u32>,
    file_href: Option<String>,
    /// The form that resolves it, as (label, address).
    action: Option<(&'static str, String)>,
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

/// A kind of finding as the to-do list names it: "3 to correct", "2 due soon".
fn kind_words(k: Kind) -> &'static str {
    match k {
        Kind::Invalid => "to correct",
        Kind::Overdue => "overdue",
        Kind::Late => "done late",
        Kind::Due => "due soon",
        Kind::Incomplete => "incomplete",
        Kind::Advice => "advice",
    }
}

/// One finding for the to-do list; `name` is the name the pupil is known by (`None` for
/// the school's own duties).
fn item(f: &Finding, name: Option<&str>) -> Item {
    let when = match (f.kind, f.days) {
        (Kind::Overdue, Some(d)) => format!("Overdue by {}", days(d)),
        (Kind::Overdue, None) => "Overdue".into(),
        (Kind::Due, Some(0)) => "Due today".into(),
        (Kind::Due, Some(d)) => format!("Due in {}", days(d)),
        (Kind::Late, Some(d)) => format!("Done {} late", days(d)),
        (Kind::Invalid, _) => "To correct".into(),
        (Kind::Incomplete, _) => "Incomplete".into(),
        (Kind::Advice, _) => "Advice".into(),
        (k, _) => k.id().to_string(),
    };
    let words = match (f.kind, name) {
        (Kind::Invalid, None) => {
            "Part of the school's records could not be read, so what it holds is missing here."
                .to_string()
        }
        (_, name) => rules::words::describe(f, name.unwrap_or("the school")),
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
        words,
        detail_label: if f.kind == Kind::Invalid {
            "What to correct"
        } else {
            "In the records"
        },
        message: f.message.clone(),
        help: f.help.clone(),
        why,
        file_href: file.as_ref().map(|p| {
            let anchor = f.line.map(|l| format!("#L{l}")).unwrap_or_default();
            format!("/files/{}{anchor}", href(p))
        }),
        file,
        line: f.line,
        action: super::record::action_for(f),
    }
}

/// The name a pupil is known by ("Amara"), or their folder's name.
fn known_as(loaded: &Loaded, id: &str) -> String {
    pupil_of(loaded, id).map_or_else(|| id.to_string(), |p| p.known_as().to_string())
}

/// One page of a list: which page, how many, and the links to the pages either side
/// (the request's own filters kept).
#[derive(Serialize)]
struct Pager {
    page: usize,
    pages: usize,
    /// The first and last shown, counting from 1 ("Showing 101 to 200 of 278").
    from: usize,
    to: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
}

impl Pager {
    fn new(req: &Req, base: &str, total: usize) -> Pager {
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let page = req
            .query_value("page")
            .and_then(|p| p.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, pages);
        let link = |p: usize| {
            let mut pairs: Vec<(String, String)> = req
                .query
                .iter()
                .filter(|(k, v)| k != "page" && !v.is_empty())
                .cloned()
                .collect();
            pairs.push(("page".into(), p.to_string()));
            format!("{base}?{}", query_string(&pairs))
        };
        Pager {
            page,
            pages,
            from: ((page - 1) * PAGE_SIZE + 1).min(total),
            to: (page * PAGE_SIZE).min(total),
            total,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }

    /// The items of this page.
    fn take<T>(&self, all: impl IntoIterator<Item = T>) -> Vec<T> {
        all.into_iter()
            .skip((self.page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .collect()
    }
}

/// The findings grouped by pupil (and the school's own), each group where
/// its most urgent finding falls: `findings` are in `sen check`'s order.
fn group_findings(findings: &[Finding]) -> Vec<(Option<&str>, Vec<&Finding>)> {
    let mut groups: Vec<(Option<&str>, Vec<&Finding>)> = Vec::new();
    let mut index: std::collections::HashMap<Option<&str>, usize> = Default::default();
    for f in findings {
        let i = *index.entry(f.pupil.as_deref()).or_insert_with(|| {
            groups.push((f.pupil.as_deref(), Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(f);
    }
    groups
}

pub(super) fn home(state: &State, req: &Req, loaded: &Loaded, findings: &[Finding]) -> Resp {
    let kind = req
        .query_value("kind")
        .and_then(|k| Kind::ALL.into_iter().find(|x| x.id() == k));
    let q = req.query_value("q").filter(|v| !v.trim().is_empty());
    let needle = q.as_ref().map(|s| s.trim().to_lowercase());
    let mut groups = group_findings(findings);
    let everyone = groups.iter().filter(|(p, _)| p.is_some()).count();
    if let Some(k) = kind {
        for (_, items) in &mut groups {
            items.retain(|f| f.kind == k);
        }
        groups.retain(|(_, items)| !items.is_empty());
    }
    if let Some(n) = &needle {
        groups.retain(|(p, _)| {
            p.is_some_and(|p| {
                p.to_lowercase().contains(n) || pupil_name(loaded, p).to_lowercase().contains(n)
            })
        });
    }
    let shown_total = groups.len();
    let pager = Pager::new(req, "/", shown_total);
    let groups: Vec<Group> = pager
        .take(groups)
        .into_iter()
        .map(|(p, items)| Group {
            id: p.map(str::to_string),
            name: p.map_or_else(|| "The school".to_string(), |p| pupil_name(loaded, p)),
            href: p.map(|p| format!("/pupils/{}", href(p))),
            items: {
                let name = p.map(|p| known_as(loaded, p));
                items.iter().map(|f| item(f, name.as_deref())).collect()
            },
        })
        .collect();
    let on_register = crate::commands::pupils_on_register(loaded, state.as_of);
    let count = |k: Kind| findings.iter().filter(|f| f.kind == k).count();
    let summary: Vec<(&str, &str, usize)> = Kind::ALL
        .iter()
        .map(|k| (k.id(), kind_words(*k), count(*k)))
        .collect();
    state.pages.render(
        "home.html",
        page_ctx! {
            frame => frame(state, loaded, findings, "home"),
            groups, summary, on_register, everyone, shown_total, pager,
            kind => kind.map(|k| k.id()),
            kind_label => kind.map(kind_words),
            q,
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

/// The register's filters, as the request gives them (empty means any).
#[derive(Serialize)]
struct RegisterFilter {
    q: Option<String>,
    class: Option<String>,
    year: Option<String>,
    status: Option<String>,
    /// A broad area of need (6.28-6.35), by its words.
    area: Option<String>,
    need: Option<String>,
}

impl RegisterFilter {
    fn of(req: &Req) -> RegisterFilter {
        let want = |k: &str| req.query_value(k).filter(|v| !v.trim().is_empty());
        RegisterFilter {
            q: want("q"),
            class: want("class"),
            year: want("year"),
            status: want("status"),
            area: want("area"),
            need: want("need"),
        }
    }

    fn keeps(&self, r: &crate::views::RegisterRow) -> bool {
        let q = self.q.as_ref().map(|s| s.trim().to_lowercase());
        self.class
            .as_ref()
            .is_none_or(|c| r.class.as_ref() == Some(c))
            && self.year.as_ref().is_none_or(|y| r.year.to_string() == *y)
            && self.status.as_ref().is_none_or(|s| r.status == s)
            && self
                .need
                .as_ref()
                .is_none_or(|n| needs(r).any(|x| x.code == n))
            && self
                .area
                .as_ref()
                .is_none_or(|a| needs(r).any(|x| x.area == a))
            && q.is_none_or(|q| {
                r.name.to_lowercase().contains(&q) || r.known_as.to_lowercase().contains(&q)
            })
    }
}

fn needs(r: &crate::views::RegisterRow) -> impl Iterator<Item = &crate::views::NeedView> {
    [&r.primary_need, &r.secondary_need].into_iter().flatten()
}

/// The choices of the register's filters: the classes, NC years, areas and needs of its rows.
#[derive(Serialize)]
struct RegisterChoices<'a> {
    classes: Vec<&'a str>,
    years: Vec<i64>,
    areas: Vec<&'static str>,
    needs: Vec<(&'static str, &'static str)>,
}

impl<'a> RegisterChoices<'a> {
    fn of(rows: &'a [crate::views::RegisterRow]) -> RegisterChoices<'a> {
        let mut classes: Vec<&str> = rows.iter().filter_map(|r| r.class.as_deref()).collect();
        classes.sort();
        classes.dedup();
        let mut years: Vec<i64> = rows.iter().map(|r| r.year).collect();
        years.sort();
        years.dedup();
        let mut areas: Vec<&str> = rows.iter().flat_map(needs).map(|n| n.area).collect();
        let mut needs: Vec<(&str, &str)> = rows
            .iter()
            .flat_map(needs)
            .map(|n| (n.code, n.label))
            .collect();
        needs.sort();
        needs.dedup();
        areas.sort();
        areas.dedup();
        RegisterChoices {
            classes,
            years,
            areas,
            needs,
        }
    }
}

/// Pupils with a folder who are not on the register on the day, with the day they left.
fn off_register(state: &State, loaded: &Loaded) -> Vec<OffRow> {
    loaded
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
        .collect()
}

pub(super) fn register(state: &State, req: &Req, loaded: &Loaded, findings: &[Finding]) -> Resp {
    let view = match crate::reports::register(loaded, findings, state.as_of, "name", &[]) {
        Ok(v) => v,
        Err(e) => return server_error(&e.to_string()),
    };
    let filter = RegisterFilter::of(req);
    let rows: Vec<_> = view.pupils.iter().filter(|r| filter.keeps(r)).collect();
    let total = rows.len();
    let pager = Pager::new(req, "/register", total);
    // Those off the register are listed on the first page of the whole register only.
    let whole = [
        &filter.q,
        &filter.class,
        &filter.year,
        &filter.status,
        &filter.area,
        &filter.need,
    ]
    .iter()
    .all(|v| v.is_none());
    let off = if whole && pager.page == 1 {
        off_register(state, loaded)
    } else {
        Vec::new()
    };
    state.pages.render(
        "register.html",
        page_ctx! {
            frame => frame(state, loaded, findings, "register"),
            rows => pager.take(rows),
            total,
            all => view.total,
            sen_support => view.sen_support,
            ehc_plan => view.ehc_plan,
            pager,
            choices => RegisterChoices::of(&view.pupils),
            filter,
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
    /// Where it is edited as text.
    edit: String,
    /// The forms that record into it, as (label, address).
    record: Vec<(&'static str, String)>,
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
                record: super::record::forms_for(&rel),
                href: format!("/files/{}", href(&rel)),
                edit: format!("/text/{}", href(&rel)),
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

pub(super) fn pupil(
    state: &State,
    req: &Req,
    loaded: &Loaded,
    findings: &[Finding],
    renderer: Result<&render::Renderer, &str>,
    id: &str,
) -> Resp {
    let Some(folder) = loaded.records.pupils.iter().find(|f| f.id == id) else {
        return not_found_in(state, loaded, findings);
    };
    let known = known_as(loaded, id);
    let items: Vec<Item> = {
        let mut mine: Vec<Finding> = findings
            .iter()
            .filter(|f| f.pupil.as_deref() == Some(id))
            .cloned()
            .collect();
        crate::findings::sort(&mut mine);
        mine.iter().map(|f| item(f, Some(&known))).collect()
    };
    // After a form wrote a file of this pupil's: that file's findings now.
    let written = req.query_value("written").filter(|rel| {
        rel.starts_with(&format!("pupils/{id}/")) && record_path(&state.root, rel).is_some()
    });
    let written_items: Vec<Item> = written.as_ref().map_or_else(Vec::new, |rel| {
        let mut now: Vec<Finding> = findings
            .iter()
            .filter(|f| f.file.as_deref() == Some(rel.as_str()))
            .cloned()
            .collect();
        crate::findings::sort(&mut now);
        now.iter().map(|f| item(f, Some(&known))).collect()
    });
    let name = pupil_name(loaded, id);
    let (record, passport) = match &folder.pupil {
        Some(_) => match renderer {
            Ok(r) => (
                pupil_record(state, loaded, r, id),
                pupil_passport(state, loaded, r, id),
            ),
            Err(e) => (Err(e.to_string()), Err(String::new())),
        },
        None => (Err("pupil.yaml could not be read, so the record cannot be shown: correct it first (see above)".to_string()), Err(String::new())),
    };
    let letters: Vec<(&str, &str)> = LetterKind::value_variants()
        .iter()
        .map(|k| (k.id(), k.title()))
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
            history => super::history::pupil_history(&state.root, id),
            offer => super::history::offer(state),
            written, written_items,
            has_ehcp => folder.ehcp.is_some() || state.root.join(format!("pupils/{id}/ehcp.yaml")).exists(),
        },
    )
}

/// The pupil's whole record, as `sen report pupil` renders it.
fn pupil_record(
    state: &State,
    loaded: &Loaded,
    renderer: &render::Renderer,
    id: &str,
) -> Result<String, String> {
    pupil_page(state, loaded, renderer, ReportKind::Pupil, id)
}

fn pupil_passport(
    state: &State,
    loaded: &Loaded,
    renderer: &render::Renderer,
    id: &str,
) -> Result<String, String> {
    pupil_page(state, loaded, renderer, ReportKind::Passport, id)
}

/// One pupil's record or passport, made as `sen report` makes it (the one table of
/// reports), as the body of a page.
fn pupil_page(
    state: &State,
    loaded: &Loaded,
    renderer: &render::Renderer,
    kind: ReportKind,
    id: &str,
) -> Result<String, String> {
    let ask = table::Ask {
        pupils: vec![id.to_string()],
        ..Default::default()
    };
    let input = table::Input {
        loaded,
        findings: None,
        renderer,
        as_of: state.as_of,
        ask: &ask,
    };
    let doc = table::make(kind, &input).map_err(|e| format!("{e:#}"))?;
    Ok(body_of(&doc.html()))
}

// ---------------------------------------------------------------- a record file as text

#[derive(Serialize)]
struct Line {
    n: usize,
    text: String,
    notes: Vec<String>,
}

pub(super) fn file(
    state: &State,
    req: &Req,
    loaded: &Loaded,
    findings: &[Finding],
    rel: &str,
) -> Resp {
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
            saved => req.query_value("saved"),
            edit => super::text::editable(state, rel).then(|| format!("/text/{}", href(rel))),
            offer => super::history::offer(state),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::frame::Model;

    fn oakfield() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/oakfield");
        for e in walkdir::WalkDir::new(&from) {
            let e = e.unwrap();
            let dest = dir.path().join(e.path().strip_prefix(&from).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(e.path(), &dest).unwrap();
            }
        }
        dir
    }

    #[test]
    fn the_renderer_is_built_again_only_when_the_records_or_the_templates_change() {
        let dir = oakfield();
        let root = dir.path();
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut model = Model::new();
        let passport = |model: &mut Model| {
            let (loaded, _, r) = model.refresh_with_renderer(root, as_of);
            pupil_passport_for(loaded, r.expect("templates compile"), as_of)
        };
        let first = passport(&mut model);
        for _ in 0..3 {
            assert_eq!(passport(&mut model), first);
        }
        assert_eq!(model.renderers_built, 1, "built again with nothing changed");
        // A school's own template: shown on the next page.
        std::fs::create_dir(root.join("templates")).unwrap();
        std::fs::write(
            root.join("templates/passport.md.j2"),
            "# Own passport for {{ p.pupil.known_as }}\n",
        )
        .unwrap();
        let own = passport(&mut model);
        assert!(own.starts_with("# Own passport for Amy"), "{own}");
        assert!(!first.contains("Own passport"));
        assert_eq!(model.renderers_built, 2);
        // A record changed: built again (the records' generation is part of its key).
        let pupil = root.join("pupils/amara-okafor/pupil.yaml");
        let text = std::fs::read_to_string(&pupil).unwrap();
        std::fs::write(&pupil, format!("{text}# a note\n")).unwrap();
        passport(&mut model);
        assert_eq!(model.renderers_built, 3);
        passport(&mut model);
        assert_eq!(model.renderers_built, 3);
    }

    /// Amara's passport through `renderer`, as the pupil page shows it.
    fn pupil_passport_for(
        loaded: &Loaded,
        renderer: &render::Renderer,
        as_of: chrono::NaiveDate,
    ) -> String {
        let ids = ["amara-okafor".to_string()];
        let view = crate::reports::story::passports(
            &loaded.records,
            crate::reports::story::Whom::Ids(&ids),
            as_of,
        )
        .unwrap();
        view.pages()
            .map(|p| renderer.render("passport.md.j2", &p).unwrap())
            .collect()
    }
}
