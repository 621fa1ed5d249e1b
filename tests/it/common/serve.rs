//! A running `sen serve` for the tests: started on a copy of the records with `--no-open`,
//! its one line read for the address, stopped when dropped; and a plain HTTP/1.1 client
//! over a TCP socket, so every header sent (Host, Origin, Cookie) is the test's own.

#![allow(dead_code)] // each test file uses its own subset

use std::collections::{BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Server {
    child: Child,
    pub port: u16,
    pub token: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body with the character references templates write (`&#x2f;` for `/`) read.
    pub fn unescaped(&self) -> String {
        unescape(&self.text())
    }
}

/// Start `sen serve` over `root` as on `as_of`, with `extra` arguments.
pub fn start(root: &Path, as_of: &str, extra: &[&str]) -> Server {
    start_with_env(root, as_of, extra, &[])
}

/// [`start`] with these environment variables set (`Some`) or removed (`None`).
pub fn start_with_env(
    root: &Path,
    as_of: &str,
    extra: &[&str],
    env: &[(&str, Option<&str>)],
) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sen"));
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let mut child = cmd
        .args(["--records"])
        .arg(root)
        .args(["--as-of", as_of, "serve", "--no-open"])
        .args(extra)
        .env_remove("SEN_RECORDS")
        .env_remove("SEN_AS_OF")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sen serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the address line");
    let line = line.trim_end().to_string();
    let rest = line
        .strip_prefix("sen serve: http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    let (port, token) = rest.split_once("/?token=").expect("token in the address");
    Server {
        child,
        port: port.parse().expect("port"),
        token: token.to_string(),
    }
}

impl Server {
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn cookie(&self) -> String {
        format!("sen-{}={}", self.port, self.token)
    }

    /// A request with exactly these headers (and Content-Length for a body).
    pub fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        request(self.port, method, path, headers, body)
    }

    /// A GET as the signed-in browser sends it.
    pub fn get(&self, path: &str) -> Reply {
        let cookie = self.cookie();
        self.raw(
            "GET",
            path,
            &[("Host", &self.host()), ("Cookie", &cookie)],
            b"",
        )
    }

    /// A form POST as a page of this server sends it.
    pub fn post(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        let cookie = self.cookie();
        let body = encode(form);
        self.raw(
            "POST",
            path,
            &[
                ("Host", &self.host()),
                ("Cookie", &cookie),
                ("Origin", &self.origin()),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body.as_bytes(),
        )
    }

    /// The anti-forgery token a page carries.
    pub fn csrf(&self, page: &str) -> String {
        let text = self.get(page).unescaped();
        let at = text
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("{page} has no form"));
        let rest = &text[at + 19..];
        rest[..rest.find('"').expect("end")].to_string()
    }

    /// Every page reachable from home by following links on this server (GET only), with
    /// its reply.
    pub fn crawl(&self, limit: usize) -> Vec<(String, Reply)> {
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from(["/".to_string()]);
        let mut out = Vec::new();
        while let Some(path) = queue.pop_front() {
            if !seen.insert(path.clone()) || out.len() >= limit {
                continue;
            }
            let reply = self.get(&path);
            if reply
                .header("content-type")
                .is_some_and(|c| c.starts_with("text/html"))
            {
                for link in attrs(&reply.text(), "href") {
                    let link = link.split('#').next().unwrap_or("").to_string();
                    if link.starts_with('/') && !link.starts_with("//") && !seen.contains(&link) {
                        queue.push_back(link);
                    }
                }
            }
            out.push((path, reply));
        }
        out
    }
}

/// One HTTP/1.1 request to 127.0.0.1:PORT with exactly these headers (and Content-Length
/// for a body).
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(120))).ok();
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("send");
    s.write_all(body).expect("send body");
    // Read to the end of the body Content-Length gives (a WebDriver server keeps the
    // connection open), else to the end of the stream.
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        if let Some(split) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..split]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if let Some(len) = len
                && buf.len() >= split + 4 + len
            {
                break;
            }
        }
        let n = s.read(&mut chunk).expect("read");
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    parse(&buf)
}

/// The values of every `NAME="..."` attribute in an HTML text.
pub fn attrs(html: &str, name: &str) -> Vec<String> {
    let pat = format!("{name}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&pat) {
        let after = &rest[i + pat.len()..];
        let Some(end) = after.find('"') else { break };
        out.push(unescape(&after[..end]));
        rest = &after[end..];
    }
    out
}

/// The character references an escaped attribute or text may hold.
pub fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

pub fn encode(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", esc(k), esc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn esc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn parse(buf: &[u8]) -> Reply {
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = buf[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        body = unchunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn unchunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&b[..eol])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
    out
}
