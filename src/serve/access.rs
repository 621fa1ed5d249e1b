//! Who may use the server, checked before any route runs: the `Host` (against DNS
//! rebinding), the session token (once in the URL, then an HttpOnly, SameSite=Strict
//! cookie), and for anything but GET and HEAD a same-origin POST carrying the anti-forgery
//! token. Every response, refusals included, leaves through [`secure`], which adds the
//! headers that keep the page from loading anything from elsewhere or being framed.

use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::{Req, Resp};

/// The Content-Security-Policy of every page: nothing from elsewhere, no inline script or
/// style, no framing, forms post only back here.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The name of the form field that carries the anti-forgery token.
pub const FORM_FIELD: &str = "csrf";

/// The secrets of one run of `sen serve`.
pub struct Keys {
    /// The session token, hex: what the printed URL carries and the cookie holds.
    pub token: String,
    /// The port, part of the cookie's name (cookies are not kept apart by port) and of the
    /// only `Host`s accepted.
    pub port: u16,
}

impl Keys {
    /// A fresh token of 32 random bytes from the operating system.
    pub fn new(port: u16) -> anyhow::Result<Keys> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| anyhow::anyhow!("cannot get random bytes from the system: {e}"))?;
        Ok(Keys {
            token: crate::write::hex(&bytes),
            port,
        })
    }

    pub fn cookie_name(&self) -> String {
        format!("sen-{}", self.port)
    }

    /// The anti-forgery token every form carries: HMAC-SHA256 of a fixed label under the
    /// session token, so it proves the page came from this server in this session and says
    /// nothing about the token itself.
    pub fn form_token(&self) -> String {
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(self.token.as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(b"sen serve form");
        crate::write::hex(&mac.finalize().into_bytes())
    }

    /// The two `Host` values this server answers to.
    fn hosts(&self) -> [String; 2] {
        [
            format!("127.0.0.1:{}", self.port),
            format!("localhost:{}", self.port),
        ]
    }
}

/// Equal, in a time that does not depend on where two strings of the same length differ.
pub fn same(a: &str, b: &str) -> bool {
    // Hashing first makes the lengths equal too, so nothing about the length leaks either.
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    let diff = a.iter().zip(b.iter()).fold(0u8, |d, (x, y)| d | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// What a request may do once let in.
#[derive(Debug, PartialEq, Eq)]
pub enum Let {
    /// Go on to the route.
    In,
    /// Answer this instead (a refusal, or the redirect that trades the URL's token for the
    /// cookie).
    Answer(Resp),
}

/// The access check every request passes before any route.
pub fn check(keys: &Keys, req: &Req) -> Let {
    let host = req.header("host").unwrap_or_default();
    if !keys
        .hosts()
        .iter()
        .any(|h| h.eq_ignore_ascii_case(host.trim()))
    {
        return Let::Answer(refuse(
            "This address is not the one sen serve gave. Open the link sen printed when it started.",
        ));
    }
    let in_url = req.query_value("token");
    let in_cookie = req.cookie(&keys.cookie_name());
    if let Some(t) = &in_url {
        if !same(t, &keys.token) {
            return Let::Answer(refuse(NO_TOKEN));
        }
        if req.method != "GET" && req.method != "HEAD" {
            return Let::Answer(refuse(NO_TOKEN));
        }
        // The token leaves the address bar (and the history) at once.
        let mut resp = Resp::redirect(&req.path_without("token"));
        resp.headers.push((
            "Set-Cookie".into(),
            format!(
                "{}={}; HttpOnly; SameSite=Strict; Path=/",
                keys.cookie_name(),
                keys.token
            ),
        ));
        return Let::Answer(resp);
    }
    match in_cookie {
        Some(c) if same(&c, &keys.token) => {}
        _ => return Let::Answer(refuse(NO_TOKEN)),
    }
    match req.method.as_str() {
        "GET" | "HEAD" => Let::In,
        "POST" => {
            if !same_origin(keys, req) {
                return Let::Answer(refuse(
                    "This form did not come from a sen page, so it was refused and nothing was written.",
                ));
            }
            match req.form_value(FORM_FIELD) {
                Some(t) if same(&t, &keys.form_token()) => Let::In,
                _ => Let::Answer(refuse(
                    "This form has no valid anti-forgery token, so it was refused and nothing was written. Reload the page and try again.",
                )),
            }
        }
        _ => Let::Answer(refuse("sen serve answers GET and POST only.")),
    }
}

const NO_TOKEN: &str = "This page needs the link sen printed when it started (it carries a key). Open that link again, or start sen serve again.";

/// The request comes from a page of this server: its `Origin` is this server's, or (a
/// browser that sends none, or `null`) `Sec-Fetch-Site` says same-origin, or (neither) its
/// `Referer` is a page of this server.
fn same_origin(keys: &Keys, req: &Req) -> bool {
    let origins = keys.hosts().map(|h| format!("http://{h}"));
    let host = req.header("host").unwrap_or_default().to_ascii_lowercase();
    let own = format!("http://{}", host.trim());
    // Under `Referrer-Policy: no-referrer` a browser sends `Origin: null` even for a form
    // posted from this server's own page; `Sec-Fetch-Site`, which no page can set, decides
    // then.
    if let Some(origin) = req.header("origin").map(|o| o.trim().to_ascii_lowercase())
        && origin != "null"
    {
        return origin == own && origins.contains(&origin);
    }
    if let Some(site) = req.header("sec-fetch-site") {
        return site.trim().eq_ignore_ascii_case("same-origin");
    }
    match req.header("referer") {
        Some(r) => {
            let r = r.trim().to_ascii_lowercase();
            r.starts_with(&format!("{own}/"))
        }
        None => false,
    }
}

/// A refusal: 403, a sentence, and no record data.
pub fn refuse(why: &str) -> Resp {
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Not allowed</title></head><body><h1>Not allowed</h1><p>{}</p></body></html>\n",
        crate::render::escape_html(why)
    );
    Resp::html(403, body)
}

/// Add the security headers to a response (every response leaves through here).
pub fn secure(resp: &mut Resp) {
    let csp = match &resp.csp {
        Some(c) => c.clone(),
        None => CSP.to_string(),
    };
    for (name, value) in [
        ("Content-Security-Policy", csp.as_str()),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
    ] {
        resp.headers.push((name.into(), value.into()));
    }
}

/// The policy for one of sen's own printable documents (a report or a letter), whose print
/// stylesheet is inline: only those exact styles are let in, by their hashes.
pub fn document_csp(html: &str) -> String {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<style>") {
        let after = &rest[i + 7..];
        let Some(end) = after.find("</style>") else {
            break;
        };
        hashes.push(sha256_source(&after[..end]));
        rest = &after[end..];
    }
    // Letters name their page per letter in a style attribute.
    let mut attrs = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(" style=\"") {
        let after = &rest[i + 8..];
        let Some(end) = after.find('"') else {
            break;
        };
        attrs.push(sha256_source(&after[..end]));
        rest = &after[end..];
    }
    let mut style = String::from("style-src");
    for h in &hashes {
        style.push_str(&format!(" '{h}'"));
    }
    if !attrs.is_empty() {
        style.push_str(" 'unsafe-hashes'");
        for h in &attrs {
            style.push_str(&format!(" '{h}'"));
        }
    }
    if hashes.is_empty() && attrs.is_empty() {
        style.push_str(" 'none'");
    }
    format!(
        "default-src 'none'; {style}; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    )
}

fn sha256_source(s: &str) -> String {
    use base64::Engine;
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys {
            token: "ab".repeat(32),
            port: 4321,
        }
    }

    fn req(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> Req {
        Req::new(
            method,
            url,
            headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body.as_bytes().to_vec(),
        )
    }

    fn status(l: Let) -> u16 {
        match l {
            Let::In => 0,
            Let::Answer(r) => r.status,
        }
    }

    #[test]
    fn the_token_in_the_url_becomes_a_strict_http_only_cookie_and_leaves_the_address() {
        let k = keys();
        let url = format!("/register?class=5W&token={}", k.token);
        let Let::Answer(r) = check(&k, &req("GET", &url, &[("Host", "127.0.0.1:4321")], "")) else {
            panic!("no redirect");
        };
        assert_eq!(r.status, 303);
        assert_eq!(r.header("location"), Some("/register?class=5W"));
        let cookie = r.header("set-cookie").unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        assert!(cookie.contains("Path=/"));
    }

    #[test]
    fn a_foreign_host_or_a_missing_or_wrong_token_is_refused() {
        let k = keys();
        let cookie = format!("sen-4321={}", k.token);
        let ok = [("Host", "127.0.0.1:4321"), ("Cookie", cookie.as_str())];
        assert_eq!(status(check(&k, &req("GET", "/", &ok, ""))), 0);
        for host in [
            "evil.example:4321",
            "127.0.0.1:80",
            "127.0.0.1",
            "localhost.evil:4321",
        ] {
            let h = [("Host", host), ("Cookie", cookie.as_str())];
            assert_eq!(status(check(&k, &req("GET", "/", &h, ""))), 403, "{host}");
        }
        assert_eq!(
            status(check(
                &k,
                &req("GET", "/", &[("Host", "localhost:4321")], "")
            )),
            403
        );
        let wrong = format!("sen-4321={}", "cd".repeat(32));
        let h = [("Host", "localhost:4321"), ("Cookie", wrong.as_str())];
        assert_eq!(status(check(&k, &req("GET", "/", &h, ""))), 403);
        let h = [("Host", "localhost:4321")];
        assert_eq!(status(check(&k, &req("GET", "/?token=00", &h, ""))), 403);
    }

    #[test]
    fn a_post_needs_this_origin_and_the_anti_forgery_token() {
        let k = keys();
        let cookie = format!("sen-4321={}", k.token);
        let good = format!("csrf={}", k.form_token());
        let post = |extra: &[(&str, &str)], body: &str| {
            let mut h = vec![("Host", "127.0.0.1:4321"), ("Cookie", cookie.as_str())];
            h.extend_from_slice(extra);
            status(check(&k, &req("POST", "/letters/due", &h, body)))
        };
        assert_eq!(post(&[("Origin", "http://127.0.0.1:4321")], &good), 0);
        assert_eq!(post(&[("Sec-Fetch-Site", "same-origin")], &good), 0);
        assert_eq!(
            post(&[("Referer", "http://127.0.0.1:4321/letters")], &good),
            0
        );
        assert_eq!(post(&[("Origin", "http://evil.example")], &good), 403);
        assert_eq!(post(&[("Origin", "null")], &good), 403);
        let null_same = [("Origin", "null"), ("Sec-Fetch-Site", "same-origin")];
        assert_eq!(post(&null_same, &good), 0);
        let null_cross = [("Origin", "null"), ("Sec-Fetch-Site", "cross-site")];
        assert_eq!(post(&null_cross, &good), 403);
        let evil_same = [
            ("Origin", "http://evil.example"),
            ("Sec-Fetch-Site", "same-origin"),
        ];
        assert_eq!(post(&evil_same, &good), 403);
        assert_eq!(post(&[("Origin", "http://localhost:4321")], &good), 403);
        assert_eq!(post(&[("Sec-Fetch-Site", "cross-site")], &good), 403);
        assert_eq!(post(&[("Referer", "http://127.0.0.1:43210/x")], &good), 403);
        assert_eq!(post(&[], &good), 403);
        let o = [("Origin", "http://127.0.0.1:4321")];
        assert_eq!(post(&o, ""), 403);
        assert_eq!(post(&o, "csrf=00"), 403);
        assert_eq!(post(&o, &format!("csrf={}", k.token)), 403);
        let h = [("Host", "127.0.0.1:4321"), ("Cookie", cookie.as_str())];
        assert_eq!(status(check(&k, &req("PUT", "/", &h, &good))), 403);
        assert_eq!(status(check(&k, &req("DELETE", "/", &h, &good))), 403);
    }

    #[test]
    fn a_document_policy_lets_in_only_its_own_inline_styles() {
        let html = "<html><head><style>\nbody{}\n</style></head><body><main style=\"page: l0\">x</main></body></html>";
        let csp = document_csp(html);
        assert!(csp.contains("'sha256-"), "{csp}");
        assert!(csp.contains("'unsafe-hashes'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("default-src 'none'"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }
}
