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

/// A copy of the demo layers in `dir`/layers.
fn copy_of_demo(dir: &Path) -> std::path::PathBuf {
    let layers = dir.join("layers");
    std::fs::create_dir_all(&layers).unwrap();
    for e in std::fs::read_dir(root().join("layers").join("demo")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, layers.join(p.file_name().unwrap())).unwrap();
    }
    layers
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

/// A second run into the same folder leaves that run's outputs only: the
/// maps of the first are gone when the second could not draw any (here: no
/// usable font), and everything else the second computed is written all the
/// same, with the maps' error in run.json and exit code 2. A file of the
/// user's beside the outputs stays.
#[test]
fn a_rerun_leaves_one_runs_outputs_and_maps_that_fail_cost_only_the_maps() {
    let demo = root().join("layers").join("demo");
    let t = tmp();
    let out = t.path().join("out");
    let o = out.to_str().unwrap();
    yuanqu_ok(&["analyze", demo.to_str().unwrap(), "--out", o, "-q"], 0);
    let sheets = std::fs::read_dir(out.join("maps")).unwrap().count();
    let first: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let first_listed: Vec<String> =
        first["outputs"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    assert!(first_listed.iter().any(|n| n == "map.png") && first_listed.iter().any(|n| n == "relocations.csv"));
    assert!(out.join("map.png").is_file() && sheets > 0, "the first run drew no maps");
    std::fs::write(out.join("notes.txt"), "mine").unwrap();

    // the same layers, with a font that is not there
    let layers = copy_of_demo(t.path());
    std::fs::write(layers.join("yuanqu.toml"), "[maps]\nfont_path = \"/nonexistent/cjk.ttc\"\n").unwrap();
    let text = yuanqu_ok(&["analyze", layers.to_str().unwrap(), "--out", o, "-q"], 2);
    assert!(text.contains("/nonexistent/cjk.ttc") && text.contains("--no-maps"), "{text}");

    assert!(!out.join("map.png").exists() && !out.join("map.svg").exists(), "the old overview is still there");
    assert!(!out.join("maps").exists(), "the old sheets are still there");
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    let run: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert!(run["maps_error"].as_str().unwrap().contains("/nonexistent/cjk.ttc"), "{run}");
    let listed: Vec<&str> = run["outputs"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    for name in &listed {
        assert!(out.join(name).exists(), "{name} is listed and missing");
    }
    // the first run (maps and all) wrote only names the input check knows
    for name in first_listed.iter().filter(|n| !n.ends_with('/')) {
        assert!(yuanqu::commands::OUTPUT_FILES.contains(&name.as_str()), "{name} is not in OUTPUT_FILES");
    }
    for name in ["parks.geojson", "merges.geojson", "findings.csv", "report.md", "indicators.csv"] {
        assert!(listed.contains(&name), "{name} not written: {listed:?}");
    }
    // the analysis is the one a run without maps makes
    let plain = t.path().join("plain");
    yuanqu_ok(&["analyze", layers.to_str().unwrap(), "--out", plain.to_str().unwrap(), "-q", "--no-maps"], 0);
    for name in ["parks.geojson", "merges.geojson", "findings.csv"] {
        assert_eq!(std::fs::read(out.join(name)).unwrap(), std::fs::read(plain.join(name)).unwrap(), "{name}");
    }
}

/// Every `.yuanqu-*.tmp` under `dir`, one folder down too.
fn temporaries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            found.extend(temporaries(&p));
        } else if p.file_name().unwrap().to_string_lossy().starts_with(".yuanqu-") {
            found.push(p);
        }
    }
    found
}

/// Ctrl-C (SIGINT) while the maps are written leaves no temporary file
/// behind, and the run exits 130.
#[test]
fn an_interrupted_run_removes_its_temporary_files() {
    let demo = root().join("layers").join("demo");
    let t = tmp();
    let out = t.path().join("out");
    let mut caught = 0;
    for _ in 0..20 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_yuanqu"))
            .args(["analyze", demo.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"])
            .spawn()
            .unwrap();
        let start = Instant::now();
        loop {
            if !temporaries(&out).is_empty() {
                // SAFETY: sends SIGINT to our own child process.
                unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
                let status = child.wait().unwrap();
                // (it may have finished in between)
                if status.code() == Some(130) {
                    caught += 1;
                    let left = temporaries(&out);
                    assert!(left.is_empty(), "left behind: {left:?}");
                }
                break;
            }
            if child.try_wait().unwrap().is_some() || start.elapsed() > Duration::from_secs(60) {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        child.wait().ok();
        if caught >= 2 {
            break;
        }
    }
    assert!(caught >= 1, "never caught a run while it was writing");
}

/// `--out` on the layers folder would write the results' parks.geojson over
/// the parks read: the run refuses before it writes anything.
#[test]
fn an_output_folder_that_holds_the_inputs_is_refused() {
    let t = tmp();
    let layers = copy_of_demo(t.path());
    let before = std::fs::read(layers.join("parks.geojson")).unwrap();
    let l = layers.to_str().unwrap();
    let text = yuanqu_ok(&["analyze", l, "--out", l, "-q", "--no-maps"], 2);
    assert!(text.contains("parks.geojson") && text.contains("--out"), "{text}");
    assert_eq!(std::fs::read(layers.join("parks.geojson")).unwrap(), before);
    assert!(!layers.join("findings.csv").exists() && !layers.join("run.json").exists());
    // a folder of its own inside it is fine
    let out = layers.join("out");
    yuanqu_ok(&["analyze", l, "--out", out.to_str().unwrap(), "-q", "--no-maps"], 0);
    assert_eq!(std::fs::read(layers.join("parks.geojson")).unwrap(), before);
}
