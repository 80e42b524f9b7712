//! `run.json`: what ran, on which inputs (with sha256), with which
//! configuration, and the account of every input feature.
//!
//! Everything in it is a function of the inputs and the configuration,
//! except the `timestamp` member, kept apart at the end so that two runs
//! can be compared byte for byte without it.

use crate::config::Config;
use crate::layers::LayerSet;
use crate::pipeline::Account;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::Path;

/// One input and its digest.
#[derive(Serialize)]
pub struct Input {
    /// Which input (`parks`, `zones` …).
    pub role: &'static str,
    /// The path or connection string as given.
    pub source: String,
    /// sha256 of the file, when it is a plain file.
    pub sha256: Option<String>,
}

/// The whole run.json.
#[derive(Serialize)]
pub struct RunInfo<'a> {
    /// `yuanqu` and its version.
    pub tool: String,
    /// The command (`analyze`, `check` …).
    pub command: &'a str,
    /// Inputs with digests.
    pub inputs: Vec<Input>,
    /// The configuration used (defaults filled in).
    pub config: &'a Config,
    /// Counts of the inputs.
    pub account: &'a Account,
    /// Findings by severity.
    pub findings: FindingCounts,
    /// Output files written.
    pub outputs: Vec<String>,
    /// Why the maps were not drawn, or not all of them (`analyze` without
    /// `--no-maps`); the other outputs are complete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maps_error: Option<String>,
    /// Shapefile field names shortened to 10 characters (long → short).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub shapefile_fields: std::collections::BTreeMap<String, String>,
    /// The day enterprises were judged at (`--as-of`, else the end of the
    /// statistics year), when enterprises.csv was screened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enterprises_as_of: Option<crate::enterprises::AsOf>,
    /// When the run happened (the one member that differs between runs).
    pub timestamp: String,
}

/// Findings by severity.
#[derive(Serialize)]
pub struct FindingCounts {
    /// Violations.
    pub violation: usize,
    /// Warnings.
    pub warning: usize,
    /// Infos.
    pub info: usize,
}

/// sha256 of a file, hex.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The inputs of a layer set, by role and location, in run.json's order.
fn sources(l: &LayerSet) -> Vec<(&'static str, String)> {
    let layer = |s: &Option<crate::layers::Source>| s.as_ref().map(|s| s.location.clone());
    let file = |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| p.display().to_string());
    [
        ("parks", layer(&l.parks)),
        ("zones", layer(&l.zones)),
        ("builtup", layer(&l.builtup)),
        ("counties", layer(&l.counties)),
        ("stats", file(&l.stats)),
        ("enterprises", file(&l.enterprises)),
        ("config", file(&l.config)),
    ]
    .into_iter()
    .filter_map(|(role, loc)| Some((role, loc?)))
    .collect()
}

/// sha256 of every input that is a plain file, by location, except the
/// layers the reader hashes as it reads them (read natively with `crs`,
/// see [`crate::layers::Source::read_natively`]).
pub fn digests_not_read(l: &LayerSet, crs: Option<&str>) -> BTreeMap<String, String> {
    let read: Vec<&str> = [&l.parks, &l.zones, &l.builtup, &l.counties]
        .into_iter()
        .flatten()
        .filter(|s| s.read_natively(crs))
        .map(|s| s.location.as_str())
        .collect();
    sources(l)
        .into_iter()
        .filter(|(_, loc)| !read.contains(&loc.as_str()) && Path::new(loc).is_file())
        .filter_map(|(_, loc)| sha256_file(Path::new(&loc)).ok().map(|h| (loc, h)))
        .collect()
}

/// The inputs of a layer set with their digests: from `known` (by
/// location) where it has them, else computed now.
pub fn inputs(l: &LayerSet, known: &BTreeMap<String, String>) -> Vec<Input> {
    sources(l)
        .into_iter()
        .map(|(role, source)| {
            let sha256 = known
                .get(&source)
                .cloned()
                .or_else(|| Path::new(&source).is_file().then(|| sha256_file(Path::new(&source)).ok()).flatten());
            Input { role, source, sha256 }
        })
        .collect()
}

/// Writes run.json.
pub fn write(w: &mut dyn Write, info: &RunInfo<'_>) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, info)?;
    w.write_all(b"\n")
}
