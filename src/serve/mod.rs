//! `sen serve`: the records in a web browser on this machine only. A small synchronous
//! HTTP server ([`tiny_http`]) on 127.0.0.1; every request passes [`access::check`] before
//! any route ([`routes::route`]) and every response leaves through [`access::secure`]. The
//! records are kept between requests ([`crate::load::cache`]) and re-read per pupil folder
//! when a file changes. What the command line writes (letters, imports) is written by
//! running the same command ([`child`]), so it is the same code with the same safety.

pub mod access;
pub mod child;
mod create;
mod documents;
pub mod frame;
pub mod history;
pub mod pages;
pub mod record;
mod routes;
mod text;

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use chrono::NaiveDate;

use crate::settings::Ctx;

pub use crate::cli::ServeArgs;

/// The largest request body read (an MIS export pasted or uploaded).
const MAX_BODY: u64 = 8 * 1024 * 1024;

/// One request, as the routes see it.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    /// The path, percent-decoded, without the query.
    pub path: String,
    pub query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    form: Vec<(String, String)>,
}

impl Req {
    pub fn new(method: &str, url: &str, headers: Vec<(String, String)>, body: Vec<u8>) -> Req {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let is_form = headers.iter().any(|(k, v)| {
            k.eq_ignore_ascii_case("content-type")
                && v.to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
        }) || !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
        let form = if is_form {
            parse_pairs(&String::from_utf8_lossy(&body))
        } else {
            Vec::new()
        };
        Req {
            method: method.to_ascii_uppercase(),
            path: percent_decode(path),
            query: parse_pairs(query),
            headers,
            body,
            form,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn query_value(&self, name: &str) -> Option<String> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    pub fn form_value(&self, name: &str) -> Option<String> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("cookie"))
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }

    /// This request's path and query without one parameter (the token), for the redirect.
    pub fn path_without(&self, name: &str) -> String {
        let rest: Vec<(String, String)> = self
            .query
            .iter()
            .filter(|(k, _)| k != name)
            .cloned()
            .collect();
        let path = if self.path.starts_with('/') && !self.path.starts_with("//") {
            frame::href(&self.path)
        } else {
            "/".to_string()
        };
        if rest.is_empty() {
            path
        } else {
            format!("{path}?{}", query_string(&rest))
        }
    }
}

/// One response, before the security headers are added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// A Content-Security-Policy other than [`access::CSP`] (sen's printable documents).
    pub csp: Option<String>,
}

impl Resp {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Resp {
        Resp {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
            csp: None,
        }
    }

    pub fn html(status: u16, body: String) -> Resp {
        Resp::new(status, "text/html; charset=utf-8", body.into_bytes())
    }

    pub fn redirect(to: &str) -> Resp {
        let mut r = Resp::new(303, "text/plain; charset=utf-8", Vec::new());
        r.headers.push(("Location".into(), to.into()));
        r
    }

    /// A file to save rather than show.
    pub fn download(content_type: &str, name: &str, body: Vec<u8>) -> Resp {
        let mut r = Resp::new(200, content_type, body);
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        r.headers.push((
            "Content-Disposition".into(),
            format!("attachment; filename=\"{safe}\""),
        ));
        r
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn parse_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

/// `%XX` decoded; what does not decode to UTF-8 is kept lossily.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (
                (b[i + 1] as char).to_digit(16),
                (b[i + 2] as char).to_digit(16),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encode a query component.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn query_string(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// What every request shares: the settings, the keys and the records kept between requests.
pub struct State {
    pub root: PathBuf,
    pub as_of: NaiveDate,
    pub keys: access::Keys,
    pub read_only: bool,
    pub model: Mutex<frame::Model>,
    pub pages: frame::Pages,
    /// This program, to run the same command the command line would.
    pub exe: PathBuf,
    /// The record files written through the server and not yet recorded in history
    /// ([`State::changed`]).
    pub changes: Mutex<Vec<history::Change>>,
}

/// Answer one request: the access check, then the route, then the security headers.
pub fn handle(state: &State, req: &Req) -> Resp {
    let mut resp = match access::check(&state.keys, req) {
        access::Let::Answer(r) => r,
        access::Let::In if writes(state, req) => read_only_refusal(state),
        access::Let::In => routes::route(state, req),
    };
    access::secure(&mut resp);
    if req.method == "HEAD" {
        resp.body.clear();
    }
    resp
}

/// The POSTs that write nothing (a census comparison), let through under `--read-only`.
/// Every other POST writes, whichever route answers it, so `--read-only` refuses it here,
/// before any route: a route added later is covered without a change.
const READ_ONLY_POSTS: [&str; 1] = ["/census"];

/// This request would write while the server is read-only.
fn writes(state: &State, req: &Req) -> bool {
    state.read_only && req.method == "POST" && !READ_ONLY_POSTS.contains(&req.path.as_str())
}

fn read_only_refusal(state: &State) -> Resp {
    let mut r = frame::message(
        state,
        "Not allowed: read-only",
        "sen serve was started read-only (with --read-only), so nothing can be written from the browser. Nothing was written. To make changes, stop sen serve and start it again without --read-only.",
    );
    r.status = 403;
    r
}

pub fn run(args: &ServeArgs, ctx: &Ctx) -> Result<i32> {
    let root = ctx.root()?.to_path_buf();
    let server = tiny_http::Server::http(("127.0.0.1", args.port.unwrap_or(0)))
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| match args.port {
            Some(p) => format!("cannot listen on 127.0.0.1:{p}: give another `--port`, or none"),
            None => "cannot listen on 127.0.0.1".to_string(),
        })?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .context("the server has no TCP port")?;
    let state = Arc::new(State {
        root,
        as_of: ctx.as_of,
        keys: access::Keys::new(port)?,
        read_only: args.read_only,
        model: Mutex::new(frame::Model::new()),
        pages: frame::Pages::new()?,
        exe: std::env::current_exe().context("cannot find the sen program itself")?,
        changes: Mutex::new(Vec::new()),
    });
    let url = format!("http://127.0.0.1:{port}/?token={}", state.keys.token);
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "sen serve: {url}")?;
        out.flush()?;
    }
    // Read the records once before the browser asks, so the first page is quick.
    if let Ok(mut m) = state.model.lock() {
        m.refresh(&state.root, state.as_of);
    }
    if !args.no_open
        && let Err(e) = open::that_detached(&url)
    {
        eprintln!("sen serve: could not open the browser ({e}): open the address above");
    }
    let server = Arc::new(server);
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let server = Arc::clone(&server);
            let state = Arc::clone(&state);
            std::thread::spawn(move || {
                while let Ok(rq) = server.recv() {
                    serve_one(&state, rq);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(0)
}

fn serve_one(state: &State, mut rq: tiny_http::Request) {
    let headers: Vec<(String, String)> = rq
        .headers()
        .iter()
        .map(|h| {
            (
                h.field.as_str().as_str().to_string(),
                h.value.as_str().to_string(),
            )
        })
        .collect();
    let method = rq.method().as_str().to_string();
    let url = rq.url().to_string();
    let mut body = Vec::new();
    let too_big = rq.body_length().is_some_and(|n| n as u64 > MAX_BODY);
    let read = std::io::Read::take(rq.as_reader(), MAX_BODY + 1).read_to_end(&mut body);
    let mut resp = if too_big || body.len() as u64 > MAX_BODY {
        let mut r = Resp::html(
            413,
            "<!DOCTYPE html><title>Too large</title><p>That is larger than 8 MB: sen reads exports up to 8 MB.</p>".into(),
        );
        access::secure(&mut r);
        r
    } else if read.is_err() {
        return;
    } else {
        handle(state, &Req::new(&method, &url, headers, body))
    };
    let mut response = tiny_http::Response::from_data(std::mem::take(&mut resp.body))
        .with_status_code(resp.status);
    for (k, v) in &resp.headers {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            response.add_header(h);
        }
    }
    let _ = rq.respond(response);
}

use std::io::Read as _;
