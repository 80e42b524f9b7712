//! Loading layers: GeoJSON natively (streamed), anything else through GDAL.
//!
//! Every source ends up as a stream of [`RawFeature`]s in lon/lat: the
//! feature's properties and either its polygonal geometry or the problem
//! with it. [`records`] turns them into typed, validated records.

pub mod coords;
pub mod discover;
#[cfg(feature = "gdal")]
pub mod gdal;
pub mod geojson;
pub mod records;
pub mod split;

use geo::MultiPolygon;
use serde_json::{Map, Value};
use std::fmt;

pub use discover::{LayerSet, Source};

/// One feature as read: properties plus geometry (or why there is none).
#[derive(Debug)]
pub struct RawFeature {
    /// Zero-based index in the layer.
    pub index: usize,
    /// The properties (empty when the feature has none).
    pub properties: Map<String, Value>,
    /// The polygonal geometry in lon/lat, or the problem with it.
    pub geometry: Result<MultiPolygon<f64>, GeomProblem>,
    /// The geometry's validation, when the reader already ran it (in parallel).
    pub checked: Option<Result<(), crate::geom::validate::Invalid>>,
    /// Zone features: their overlaps with the park blocks, when the reader
    /// already measured them (in parallel, see [`crate::measure::overlap::Targets`]).
    pub pieces: Option<Vec<crate::measure::overlap::Piece>>,
    /// The bounding box of a geometry the reader found valid (computed
    /// there, in parallel, not again on the thread that takes the records).
    pub bbox: Option<geo::Rect<f64>>,
    /// The validation stopped at the structure (a zone far from every
    /// block, see [`crate::config::ZoningConfig::validate_far_zones`]).
    pub structure_only: bool,
}

impl RawFeature {
    /// A feature as read, with nothing done to it yet.
    pub fn new(index: usize, properties: Map<String, Value>, geometry: Result<MultiPolygon<f64>, GeomProblem>) -> Self {
        RawFeature { index, properties, geometry, checked: None, pieces: None, bbox: None, structure_only: false }
    }
}

/// Work done on every feature inside the reader, in parallel where the
/// reader is parallel, before the feature is handed on in file order.
pub type Work<'a> = &'a (dyn Fn(&mut RawFeature) + Sync);

/// The usual work: validate the geometry (half the cost of reading, so it is
/// done where the parsing is, in parallel), and box it when valid.
pub fn validate(f: &mut RawFeature) {
    use geo::BoundingRect;
    if let Ok(g) = &f.geometry {
        let checked = crate::geom::validate::check(g);
        if checked.is_ok() {
            f.bbox = g.bounding_rect();
        }
        f.checked = Some(checked);
    }
}

/// Why a feature has no usable geometry (before validation).
#[derive(Clone, Debug, PartialEq)]
pub enum GeomProblem {
    /// `"geometry": null`.
    Null,
    /// No geometry member at all.
    Missing,
    /// No coordinates.
    Empty,
    /// A ring whose last position is not its first.
    Unclosed(String),
    /// A point, a line, a collection …
    NotPolygonal(String),
    /// Anything else that could not be read.
    Unreadable(String),
    /// The feature's text is not JSON: nothing of it, properties included, can be read.
    NotJson(String),
}

impl fmt::Display for GeomProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GeomProblem::Null => f.write_str("the geometry is null"),
            GeomProblem::Missing => f.write_str("the feature has no geometry"),
            GeomProblem::Empty => f.write_str("the geometry is empty (no coordinates)"),
            GeomProblem::Unclosed(m) => f.write_str(m),
            GeomProblem::NotPolygonal(k) => write!(f, "the geometry is {k}, not a Polygon or MultiPolygon"),
            GeomProblem::Unreadable(m) => write!(f, "the geometry cannot be read: {m}"),
            GeomProblem::NotJson(m) => f.write_str(m),
        }
    }
}

/// A layer that could not be read at all.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be opened or read.
    Io {
        /// The file.
        file: String,
        /// The OS error.
        message: String,
    },
    /// The text is not JSON (or not GeoJSON) at a position.
    Syntax {
        /// The file.
        file: String,
        /// One-based line.
        line: usize,
        /// One-based column.
        column: usize,
        /// What the parser says.
        message: String,
    },
    /// A required layer is not in the folder.
    Missing {
        /// Which layer (`parks`, `zones` …).
        layer: String,
        /// Where it was looked for.
        dir: String,
    },
    /// The coordinate reference system is missing, unknown or unusable.
    Crs {
        /// The file.
        file: String,
        /// What is wrong and which flag fixes it.
        message: String,
    },
    /// GDAL could not open or read the source.
    Gdal {
        /// The source.
        file: String,
        /// GDAL's message.
        message: String,
    },
    /// A source with several layers and no layer named.
    WhichLayer {
        /// The source.
        file: String,
        /// Its layers.
        layers: Vec<String>,
        /// The flag that names one, e.g. `--parks-layer`.
        flag: String,
    },
}

impl LoadError {
    pub(crate) fn io(file: &str, e: std::io::Error) -> LoadError {
        LoadError::Io { file: file.to_owned(), message: e.to_string() }
    }

    /// The file or source the error is about.
    pub fn file(&self) -> &str {
        match self {
            LoadError::Io { file, .. }
            | LoadError::Syntax { file, .. }
            | LoadError::Crs { file, .. }
            | LoadError::Gdal { file, .. }
            | LoadError::WhichLayer { file, .. } => file,
            LoadError::Missing { dir, .. } => dir,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { file, message } => write!(f, "{file}: cannot be read: {message}"),
            LoadError::Syntax { file, line, column, message } => {
                write!(f, "{file}: not valid GeoJSON at line {line} column {column}: {message}")?;
                f.write_str("\nhint: GeoJSON must be plain JSON (no NaN or Infinity, no trailing text); a truncated file ends early. Re-export the layer, or check it with `ogrinfo -al -so FILE`")
            }
            LoadError::Missing { layer, dir } => write!(
                f,
                "{dir}: no {layer} layer found (looked for {layer}.geojson, {layer}.json, {layer}.gpkg, {layer}.shp, {layer}.fgb, {layer}.gdb)\nhint: put the file in the folder under that name, or name it with --{layer} FILE"
            ),
            LoadError::Crs { file, message } => write!(f, "{file}: {message}"),
            LoadError::Gdal { file, message } => write!(f, "{file}: GDAL cannot read it: {message}"),
            LoadError::WhichLayer { file, layers, flag } => write!(
                f,
                "{file}: holds {} layers ({}) and none was named\nhint: choose one with {flag} NAME",
                layers.len(),
                layers.join(", ")
            ),
        }
    }
}

impl std::error::Error for LoadError {}

/// Options that apply to reading any layer.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// The CRS to assume for a source that carries none (`--crs EPSG:4546`).
    pub crs: Option<String>,
    /// Take the sha256 of a file read natively as it is read (for run.json).
    pub digest: bool,
}

/// Reads a source, calling `each` for every feature in order, in lon/lat,
/// after `work` (usually [`validate`]) was done on it. Returns the sha256 of
/// the bytes read when the source is a file read natively and
/// [`ReadOptions::digest`] asks for it.
///
/// GeoJSON is read natively unless a CRS must be applied; everything else
/// goes through GDAL (when built with the `gdal` feature).
pub fn read_source(
    src: &Source,
    opts: &ReadOptions,
    work: Work<'_>,
    each: &mut dyn FnMut(RawFeature),
) -> Result<Option<String>, LoadError> {
    if src.read_natively(opts.crs.as_deref()) {
        let path = std::path::Path::new(&src.location);
        let info = if opts.digest {
            geojson::read_file_digesting(path, work, each)
        } else {
            geojson::read_file_with(path, work, each)
        };
        return match info {
            Ok(info) => match info.crs {
                Some(name) if !is_lon_lat_crs(&name) => Err(LoadError::Crs {
                    file: src.location.clone(),
                    message: format!(
                        "declares the CRS {name}; GeoJSON coordinates must be lon/lat (RFC 7946)\nhint: convert it with `ogr2ogr -t_srs EPSG:4490 out.geojson {}`, or give the file's CRS with --crs so it is transformed on load",
                        src.location
                    ),
                }),
                _ => Ok(info.sha256),
            },
            Err(e) => Err(e),
        };
    }
    // GDAL hands features over one at a time; the work on them is done in
    // parallel, a batch at a time, and the batch handed on in order
    use rayon::prelude::*;
    const BATCH: usize = 1024;
    let mut batch: Vec<RawFeature> = Vec::with_capacity(BATCH);
    let flush = |batch: &mut Vec<RawFeature>, each: &mut dyn FnMut(RawFeature)| {
        batch.par_iter_mut().for_each(work);
        batch.drain(..).for_each(&mut *each);
    };
    read_with_gdal(src, opts, &mut |f| {
        batch.push(f);
        if batch.len() == BATCH {
            flush(&mut batch, each);
        }
    })?;
    flush(&mut batch, each);
    Ok(None)
}

#[cfg(feature = "gdal")]
fn read_with_gdal(src: &Source, opts: &ReadOptions, each: &mut dyn FnMut(RawFeature)) -> Result<(), LoadError> {
    gdal::read(src, opts, each)
}

#[cfg(not(feature = "gdal"))]
fn read_with_gdal(src: &Source, opts: &ReadOptions, _each: &mut dyn FnMut(RawFeature)) -> Result<(), LoadError> {
    let why = if opts.crs.is_some() { "applying --crs" } else { "this format" };
    Err(LoadError::Gdal {
        file: src.location.clone(),
        message: format!(
            "{why} needs GDAL, and this yuanqu was built without it\nhint: rebuild with the default features (`cargo install --path .`, needs libgdal-dev), or convert the layer to lon/lat GeoJSON with ogr2ogr"
        ),
    })
}

/// Whether a legacy GeoJSON `crs` name means lon/lat (WGS84, CGCS2000 …).
pub fn is_lon_lat_crs(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    ["CRS84", "EPSG::4326", "EPSG:4326", "EPSG::4490", "EPSG:4490", "EPSG::4610", "EPSG:4610"]
        .iter()
        .any(|k| n.ends_with(k))
}

/// Reads a text property; numbers are turned into their decimal text
/// (adcodes are sometimes stored as integers).
pub fn prop_str(props: &Map<String, Value>, key: &str) -> Option<String> {
    match lookup(props, key)? {
        Value::String(s) => {
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_owned())
        }
        Value::Number(n) => Some(match n.as_i64() {
            Some(i) => i.to_string(),
            None => n.to_string(),
        }),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A property as it is, by exact name, else case-insensitively (DBF field
/// names are upper-cased by some tools).
pub fn lookup<'a>(props: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    props.get(key).or_else(|| props.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
}
