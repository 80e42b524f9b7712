//! Same input, same bytes, whatever the thread count.

use crate::common::*;
use std::process::Command;

fn run(layers: &std::path::Path, out: &std::path::Path, threads: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_yuanqu"))
        .args(["analyze", layers.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q", "--no-maps"])
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn without_timestamp(text: &str) -> String {
    text.lines().filter(|l| !l.trim_start().starts_with("\"timestamp\"")).collect::<Vec<_>>().join("\n")
}

#[test]
fn outputs_are_identical_across_runs_and_thread_counts() {
    let layers = root().join("layers").join("demo");
    let t = tmp();
    let (a, b, c) = (t.path().join("a"), t.path().join("b"), t.path().join("c"));
    run(&layers, &a, "1");
    run(&layers, &b, "2");
    run(&layers, &c, "2");
    let mut names: Vec<_> = std::fs::read_dir(&a).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert!(names.len() >= 6);
    for name in names {
        let pa = a.join(&name);
        if pa.is_dir() {
            continue;
        }
        let (x, y, z) =
            (std::fs::read(&pa).unwrap(), std::fs::read(b.join(&name)).unwrap(), std::fs::read(c.join(&name)).unwrap());
        if name == "run.json" {
            let s = |v: &[u8]| {
                without_timestamp(
                    &String::from_utf8_lossy(v)
                        .replace(&a.display().to_string(), "OUT")
                        .replace(&b.display().to_string(), "OUT")
                        .replace(&c.display().to_string(), "OUT"),
                )
            };
            assert_eq!(s(&x), s(&y));
            assert_eq!(s(&y), s(&z));
        } else {
            assert!(x == y, "{name:?} differs between 1 and 2 threads");
            assert!(y == z, "{name:?} differs between two runs");
        }
    }
}
