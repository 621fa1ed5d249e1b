//! The loader never panics, whatever the bytes. The fast, deterministic half of the fuzzing
//! (the long run is `fuzz/run.sh`, a cargo-fuzz target over the same `sen::fuzz::fuzz_one`):
//! every crash the fuzzer ever found (tests/fixtures/fuzz/), every fixture and example record
//! as it is, and a few thousand seeded mutations of them (bit flips, cut and repeated
//! spans, spliced YAML fragments, truncations).

use std::path::{Path, PathBuf};

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            files_under(&path, out);
        } else if ft.is_file() {
            out.push(path);
        }
    }
}

/// Record files to start from: the fixtures and the example school.
fn seeds() -> Vec<Vec<u8>> {
    let mut paths = Vec::new();
    files_under(&manifest().join("tests/fixtures/invalid"), &mut paths);
    files_under(&manifest().join("tests/fixtures/base"), &mut paths);
    files_under(&manifest().join("examples/oakfield"), &mut paths);
    paths.retain(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"));
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter(|b| b.len() < 64 * 1024)
        .collect()
}

/// xorshift64*: a fixed seed, so a failure reproduces exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const FRAGMENTS: &[&[u8]] = &[
    b"\n",
    b": ",
    b"- ",
    b"  ",
    b"\t",
    b"\r\n",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"{",
    b"}",
    b"[",
    b"]",
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"!!binary ",
    b"!x ",
    b"---\n",
    b"...\n",
    b"|\n",
    b">-\n",
    b"\"",
    b"'",
    b"#",
    b"%YAML 1.2\n",
    b"? ",
    b"~",
    b"null",
    b"2026-02-30",
    b"0001-01-01",
    b"9999-12-31",
    b"-1",
    b"18446744073709551616",
    b"1e999",
    b".nan",
    b"sen:\n  status: E\n",
    b"review:\n  date: 2026-11-20\n  outcomes: {x: partly}\n",
    b"plan:\n  outcomes: [{id: a}]\n",
    b"provision: [{ref: nope}]\n",
    b"terms: [{name: A, start: 2026-09-01, end: 2026-08-01}]\n",
    b"\xCC\x81",
    b"\xF0\x9F\x98\x80",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(6) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            1 => {
                let frag = FRAGMENTS[rng.below(FRAGMENTS.len())];
                data.splice(at..at, frag.iter().copied());
            }
            2 if at < data.len() => {
                let end = (at + rng.below(64)).min(data.len());
                data.drain(at..end);
            }
            3 if at < data.len() => {
                let end = (at + rng.below(32)).min(data.len());
                let span = data[at..end].to_vec();
                for _ in 0..rng.below(8) {
                    data.splice(at..at, span.iter().copied());
                }
            }
            4 => data.truncate(at),
            _ => {
                let frag = FRAGMENTS[rng.below(FRAGMENTS.len())];
                data.splice(at..at, frag.iter().copied());
            }
        }
    }
    data
}

fn run(data: &[u8]) {
    let result = std::panic::catch_unwind(|| sen::fuzz::fuzz_one(data));
    assert!(
        result.is_ok(),
        "the loader panicked on this input:\n{}",
        String::from_utf8_lossy(data)
    );
}

#[test]
fn every_crash_the_fuzzer_found_stays_fixed() {
    let mut paths = Vec::new();
    files_under(&manifest().join("tests/fixtures/fuzz"), &mut paths);
    paths.sort();
    assert!(paths.len() >= 3, "the regression corpus is missing");
    for p in paths {
        let data = std::fs::read(&p).expect("read");
        run(&data);
    }
}

#[test]
fn the_seeds_load_without_panic() {
    let seeds = seeds();
    assert!(seeds.len() > 50, "too few seeds: {}", seeds.len());
    for s in &seeds {
        run(s);
    }
}

#[test]
fn mutations_of_the_seeds_load_without_panic() {
    let seeds = seeds();
    let mut rng = Rng(0x5EED_CAFE_F00D_0001);
    for _ in 0..2000 {
        let seed = &seeds[rng.below(seeds.len())];
        run(&mutate(&mut rng, seed));
    }
}

#[test]
fn arbitrary_bytes_load_without_panic() {
    let mut rng = Rng(0xB17E_5B17_E5B1_7E51);
    for _ in 0..1000 {
        let len = rng.below(256);
        let data: Vec<u8> = (0..len)
            .map(|_| {
                // Mostly YAML's own punctuation and letters, so the parser gets past byte 1.
                const ALPHABET: &[u8] =
                    b" \n\t:-[]{},&*!|>'\"#?%@`abcdeKEN0123456789\xC3\xA9\xFF\x1b\x07\\";
                ALPHABET[rng.below(ALPHABET.len())]
            })
            .collect();
        run(&data);
    }
}
