//! Helpers shared by the integration tests.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the repository.
pub fn shared() -> PathBuf {
    root().join("..").join("shared")
}

/// Runs the yuanqu binary with `args`.
pub fn yuanqu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yuanqu")).args(args).output().expect("the yuanqu binary runs")
}

/// Runs yuanqu and insists on exit code `code`, returning stdout+stderr.
pub fn yuanqu_ok(args: &[&str], code: i32) -> String {
    let o = yuanqu(args);
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(code), "yuanqu {args:?} exited {:?}:\n{text}", o.status.code());
    text
}

/// Runs `python3 ../shared/bench/gen_layers.py` with `args` into `out`.
pub fn gen_layers(out: &Path, args: &[&str]) {
    let script = shared().join("bench").join("gen_layers.py");
    let o = Command::new("python3")
        .arg(script)
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .expect("python3 runs (scripts/setup.sh installs it)");
    assert!(
        o.status.success(),
        "gen_layers.py failed (run scripts/setup.sh for shapely/numpy):\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The properties of every feature of a GeoJSON file.
pub fn props(path: &Path) -> Vec<serde_json::Map<String, Value>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Value = serde_json::from_str(&text).expect("output GeoJSON is JSON");
    v["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["properties"].as_object().cloned().unwrap_or_default())
        .collect()
}

/// Findings of an output folder (findings.json).
pub fn findings(out: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(out.join("findings.json")).expect("findings.json");
    serde_json::from_str::<Vec<Value>>(&text).expect("findings.json is an array")
}

/// A fresh temporary folder.
pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

/// Writes a FeatureCollection of (properties JSON, geometry JSON) to `path`.
pub fn write_fc(path: &Path, feats: &[(&str, &str)]) {
    let body: Vec<String> =
        feats.iter().map(|(p, g)| format!("{{\"type\":\"Feature\",\"properties\":{p},\"geometry\":{g}}}")).collect();
    std::fs::write(path, format!("{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n", body.join(",\n")))
        .expect("write test layer");
}

/// A lon/lat rectangle as GeoJSON Polygon text, counter-clockwise.
pub fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> String {
    format!("{{\"type\":\"Polygon\",\"coordinates\":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}")
}
