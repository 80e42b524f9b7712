//! A run killed while it writes leaves the previous outputs whole.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect()
}

fn without_timestamp(b: &[u8]) -> String {
    String::from_utf8_lossy(b).lines().filter(|l| !l.contains("\"timestamp\"")).collect::<Vec<_>>().join("\n")
}

#[test]
fn killing_a_run_midway_never_leaves_a_half_written_file() {
    let demo = root().join("layers").join("demo");
    let t = tmp();
    let out = t.path().join("out");
    let reference = t.path().join("reference");
    // the previous outputs: `check`; the interrupted run: `analyze` (different bytes)
    yuanqu_ok(&["check", demo.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"], 0);
    yuanqu_ok(&["analyze", demo.to_str().unwrap(), "--out", reference.to_str().unwrap(), "-q", "--no-maps"], 0);
    let old = snapshot(&out);
    let new = snapshot(&reference);
    let mut caught = 0;
    for _ in 0..40 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_yuanqu"))
            .args(["analyze", demo.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q", "--no-maps"])
            .spawn()
            .unwrap();
        let start = Instant::now();
        // wait until it has begun writing temporary files, then kill it
        loop {
            let writing = std::fs::read_dir(&out)
                .unwrap()
                .any(|e| e.unwrap().file_name().to_string_lossy().starts_with(".yuanqu-"));
            if writing {
                child.kill().ok();
                caught += 1;
                break;
            }
            if child.try_wait().unwrap().is_some() || start.elapsed() > Duration::from_secs(30) {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        child.wait().ok();
        // every output file is whole: the previous version or the complete new one
        for (name, bytes) in snapshot(&out) {
            let is_old = old.get(&name).is_some_and(|o| {
                if name == "run.json" {
                    without_timestamp(o) == without_timestamp(&bytes)
                } else {
                    *o == bytes
                }
            });
            let is_new = new.get(&name).is_some_and(|n| {
                if name == "run.json" {
                    without_timestamp(n).replace(&reference.display().to_string(), "X")
                        == without_timestamp(&bytes).replace(&out.display().to_string(), "X")
                } else {
                    *n == bytes
                }
            });
            assert!(is_old || is_new, "{name} is neither the previous nor a complete new version");
        }
        // reset to the previous outputs for the next attempt
        yuanqu_ok(&["check", demo.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"], 0);
        for f in std::fs::read_dir(&out).unwrap() {
            let p = f.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if !old.contains_key(&name) && p.is_file() {
                std::fs::remove_file(&p).unwrap();
            }
        }
        if caught >= 3 {
            break;
        }
    }
    assert!(caught >= 1, "never caught a run while it was writing");
}
