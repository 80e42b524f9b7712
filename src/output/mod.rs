//! Writing the results: GeoJSON layers, findings tables, run.json.
//!
//! Every file is first written to a temporary file in the output folder;
//! only when all are written are they renamed into place, so a run that is
//! killed or fails leaves the previous outputs whole.

pub mod atomic;
pub mod features;
#[cfg(feature = "gdal")]
pub mod gdal_export;
pub mod geojson;
pub mod map_data;
pub mod report;
pub mod run_json;
pub mod tables;

pub use atomic::OutputSet;

/// One output feature: its properties and geometry.
pub type OutFeature<'a> = (serde_json::Map<String, serde_json::Value>, Option<OutGeometry<'a>>);

/// The geometry of an output feature, borrowed from the analysis where it
/// is there already (polygons are never copied to be written).
#[derive(Clone, Debug)]
pub enum OutGeometry<'a> {
    /// A MultiPolygon of the analysis (a block, an overlap, a park).
    MultiPolygon(&'a geo::MultiPolygon<f64>),
    /// The polygons of several MultiPolygons, in order, as one MultiPolygon
    /// (a park with the parks merged into it).
    Combined(Vec<&'a geo::MultiPolygon<f64>>),
    /// A line made for the output (a merge).
    LineString(geo::LineString<f64>),
}

/// An output folder that could not be written.
#[derive(Debug)]
pub struct WriteError {
    /// The file or folder.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: cannot be written: {}\nhint: choose a folder you can write to with --out DIR",
            self.path, self.message
        )
    }
}

impl std::error::Error for WriteError {}
