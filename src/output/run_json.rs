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
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// The inputs of a layer set with their digests.
pub fn inputs(l: &LayerSet) -> Vec<Input> {
    let mut v = Vec::new();
    let mut add = |role: &'static str, loc: Option<String>| {
        if let Some(source) = loc {
            let sha256 = Path::new(&source).is_file().then(|| sha256_file(Path::new(&source)).ok()).flatten();
            v.push(Input { role, source, sha256 });
        }
    };
    add("parks", l.parks.as_ref().map(|s| s.location.clone()));
    add("zones", l.zones.as_ref().map(|s| s.location.clone()));
    add("builtup", l.builtup.as_ref().map(|s| s.location.clone()));
    add("counties", l.counties.as_ref().map(|s| s.location.clone()));
    add("stats", l.stats.as_ref().map(|p| p.display().to_string()));
    add("enterprises", l.enterprises.as_ref().map(|p| p.display().to_string()));
    add("config", l.config.as_ref().map(|p| p.display().to_string()));
    v
}

/// Writes run.json.
pub fn write(w: &mut dyn Write, info: &RunInfo<'_>) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, info)?;
    w.write_all(b"\n")
}
