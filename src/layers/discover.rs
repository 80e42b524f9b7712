//! Finding the layers of a folder by name (`parks.*`, `zones.*` …), or
//! taking them from flags.

use super::LoadError;
use std::path::{Path, PathBuf};

/// Extensions tried, in order, for a layer named by its stem.
pub const EXTENSIONS: &[&str] = &["geojson", "json", "gpkg", "shp", "fgb", "gdb", "sqlite", "kml", "gml"];

/// A vector source: a file, folder (FileGDB) or GDAL connection string, and
/// the layer inside it if it holds several.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// Path or connection string (`PG:dbname=…`).
    pub location: String,
    /// Layer name inside a multi-layer source.
    pub layer: Option<String>,
    /// The flag that names the layer, for hints (`--parks-layer`).
    pub layer_flag: String,
}

impl Source {
    /// A source at `location`.
    pub fn new(location: impl Into<String>, layer: Option<String>, layer_flag: &str) -> Source {
        Source { location: location.into(), layer, layer_flag: layer_flag.to_owned() }
    }

    /// Whether the native GeoJSON reader can take it.
    pub fn is_geojson(&self) -> bool {
        if self.layer.is_some() || self.location.starts_with("PG:") {
            return false;
        }
        let ext = Path::new(&self.location).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        matches!(ext.as_deref(), Some("geojson") | Some("json"))
    }

    /// Whether [`super::read_source`] reads it natively (and so takes its
    /// sha256 while reading): GeoJSON with no CRS to apply.
    pub fn read_natively(&self, crs: Option<&str>) -> bool {
        self.is_geojson() && crs.is_none()
    }

    /// A plain file behind the source (for sha256 in run.json), if any.
    pub fn file(&self) -> Option<PathBuf> {
        let p = PathBuf::from(&self.location);
        p.is_file().then_some(p)
    }
}

/// Every input of a run.
#[derive(Clone, Debug, Default)]
pub struct LayerSet {
    /// The layers folder, if one was given.
    pub dir: Option<PathBuf>,
    /// Park blocks (required).
    pub parks: Option<Source>,
    /// Restricted and prohibited zones.
    pub zones: Option<Source>,
    /// Built-up parcels.
    pub builtup: Option<Source>,
    /// County boundaries.
    pub counties: Option<Source>,
    /// Statistics table.
    pub stats: Option<PathBuf>,
    /// Enterprises table.
    pub enterprises: Option<PathBuf>,
    /// Configuration file.
    pub config: Option<PathBuf>,
}

/// Inputs named explicitly on the command line; they win over the folder.
#[derive(Clone, Debug, Default)]
pub struct Named {
    /// `--parks`.
    pub parks: Option<String>,
    /// `--parks-layer`.
    pub parks_layer: Option<String>,
    /// `--zones`.
    pub zones: Option<String>,
    /// `--zones-layer`.
    pub zones_layer: Option<String>,
    /// `--builtup`.
    pub builtup: Option<String>,
    /// `--builtup-layer`.
    pub builtup_layer: Option<String>,
    /// `--counties`.
    pub counties: Option<String>,
    /// `--counties-layer`.
    pub counties_layer: Option<String>,
    /// `--stats`.
    pub stats: Option<PathBuf>,
    /// `--enterprises`.
    pub enterprises: Option<PathBuf>,
    /// `--config`.
    pub config: Option<PathBuf>,
}

fn find(dir: &Path, stem: &str) -> Option<PathBuf> {
    EXTENSIONS.iter().map(|e| dir.join(format!("{stem}.{e}"))).find(|p| p.exists())
}

/// Finds the layers of `dir` (if given) and applies the named overrides.
pub fn discover(dir: Option<&Path>, named: &Named) -> Result<LayerSet, LoadError> {
    if let Some(d) = dir {
        if !d.is_dir() {
            return Err(LoadError::Io {
                file: d.display().to_string(),
                message: "is not a folder (give the layers folder, e.g. layers/demo)".into(),
            });
        }
    }
    let pick = |flag: &Option<String>, layer: &Option<String>, stem: &str| -> Option<Source> {
        let layer_flag = format!("--{stem}-layer");
        match flag {
            Some(loc) => Some(Source::new(loc.clone(), layer.clone(), &layer_flag)),
            None => dir
                .and_then(|d| find(d, stem))
                .map(|p| Source::new(p.display().to_string(), layer.clone(), &layer_flag)),
        }
    };
    let file = |flag: &Option<PathBuf>, name: &str| -> Option<PathBuf> {
        flag.clone().or_else(|| dir.map(|d| d.join(name)).filter(|p| p.is_file()))
    };
    let set = LayerSet {
        dir: dir.map(Path::to_path_buf),
        parks: pick(&named.parks, &named.parks_layer, "parks"),
        zones: pick(&named.zones, &named.zones_layer, "zones"),
        builtup: pick(&named.builtup, &named.builtup_layer, "builtup"),
        counties: pick(&named.counties, &named.counties_layer, "counties"),
        stats: file(&named.stats, "stats.csv"),
        enterprises: file(&named.enterprises, "enterprises.csv"),
        config: file(&named.config, "yuanqu.toml"),
    };
    if set.parks.is_none() {
        return Err(LoadError::Missing {
            layer: "parks".into(),
            dir: dir.map(|d| d.display().to_string()).unwrap_or_else(|| ".".into()),
        });
    }
    Ok(set)
}
