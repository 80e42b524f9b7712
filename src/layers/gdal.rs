//! Reading any GDAL vector source (Shapefile, GeoPackage, FileGDB, PostGIS …)
//! and transforming it to lon/lat on load.
//!
//! Axis order: EPSG:4490 is latitude-first by authority; both ends of every
//! transformation are set to the traditional GIS order (x = lon, y = lat).

use super::{GeomProblem, LoadError, RawFeature, ReadOptions, Source};
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::{FieldValue, LayerAccess};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use geo::{Geometry, MultiPolygon};
use serde_json::{Map, Number, Value};

fn gdal_err(src: &Source, e: impl std::fmt::Display) -> LoadError {
    LoadError::Gdal { file: src.location.clone(), message: e.to_string() }
}

/// Parses a CRS given by the user (`EPSG:4546`, a WKT, a PROJ string).
pub fn parse_crs(def: &str, file: &str) -> Result<SpatialRef, LoadError> {
    let mut s = SpatialRef::from_definition(def).map_err(|e| LoadError::Crs {
        file: file.to_owned(),
        message: format!("--crs {def} is not a CRS GDAL knows ({e}); give it as EPSG:4546, a WKT or a PROJ string"),
    })?;
    s.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Ok(s)
}

/// CGCS2000 lon/lat, the output CRS, in traditional GIS axis order.
pub fn cgcs2000() -> Result<SpatialRef, gdal::errors::GdalError> {
    let mut s = SpatialRef::from_epsg(4490)?;
    s.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Ok(s)
}

/// Reads `src` through GDAL.
pub fn read(src: &Source, opts: &ReadOptions, each: &mut dyn FnMut(RawFeature)) -> Result<(), LoadError> {
    let path = std::path::Path::new(&src.location);
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("shp"))
        && !path.with_extension("dbf").exists()
        && !path.with_extension("DBF").exists()
    {
        return Err(LoadError::Gdal {
            file: src.location.clone(),
            message: "its .dbf (the attribute table) is missing, so no feature has a park_id or block_id\nhint: copy the .dbf (and .prj, .cpg) that belongs with it into the same folder".into(),
        });
    }
    let ds = Dataset::open_ex(
        &src.location,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            ..Default::default()
        },
    )
    .map_err(|e| gdal_err(src, e))?;
    let mut layer = match &src.layer {
        Some(name) => ds.layer_by_name(name).map_err(|_| LoadError::WhichLayer {
            file: src.location.clone(),
            layers: ds.layers().map(|l| l.name()).collect(),
            flag: src.layer_flag.clone(),
        })?,
        None if ds.layer_count() == 1 => ds.layer(0).map_err(|e| gdal_err(src, e))?,
        None if ds.layer_count() == 0 => {
            return Err(LoadError::Gdal { file: src.location.clone(), message: "holds no vector layer".into() })
        }
        None => {
            return Err(LoadError::WhichLayer {
                file: src.location.clone(),
                layers: ds.layers().map(|l| l.name()).collect(),
                flag: src.layer_flag.clone(),
            })
        }
    };

    let source_srs = match &opts.crs {
        Some(def) => Some(parse_crs(def, &src.location)?),
        None => layer.spatial_ref().map(|mut s| {
            s.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
            s
        }),
    };
    let transform = match &source_srs {
        Some(s) if !is_cgcs2000_or_wgs84(s) => {
            let dst = cgcs2000().map_err(|e| gdal_err(src, e))?;
            Some(CoordTransform::new(s, &dst).map_err(|e| LoadError::Crs {
                file: src.location.clone(),
                message: format!("cannot transform from its CRS to EPSG:4490: {e}"),
            })?)
        }
        Some(_) => None,
        None => {
            if let Ok(ext) = layer.get_extent() {
                if ext.MinX < -180.5 || ext.MaxX > 180.5 || ext.MinY < -90.5 || ext.MaxY > 90.5 {
                    return Err(LoadError::Crs {
                        file: src.location.clone(),
                        message: format!(
                            "has no CRS (no .prj or SRS) and its coordinates are not lon/lat (x {:.0}..{:.0}, y {:.0}..{:.0}: metres?)\nhint: give its CRS with --crs, e.g. --crs EPSG:4546 for CGCS2000 3-degree Gauss-Krüger CM 111E",
                            ext.MinX, ext.MaxX, ext.MinY, ext.MaxY
                        ),
                    });
                }
            }
            None
        }
    };

    for (index, feature) in layer.features().enumerate() {
        let mut properties = Map::new();
        for (name, value) in feature.fields() {
            properties.insert(name, value.map_or(Value::Null, field_json));
        }
        let geometry = match feature.geometry() {
            None => Err(GeomProblem::Null),
            Some(g) if g.is_empty() => Err(GeomProblem::Empty),
            Some(g) => {
                let g = match &transform {
                    Some(ct) => {
                        g.transform(ct).map_err(|e| GeomProblem::Unreadable(format!("cannot be transformed: {e}")))
                    }
                    None => Ok(g.clone()),
                };
                g.and_then(|g| g.to_geo().map_err(|e| GeomProblem::Unreadable(e.to_string()))).and_then(polygonal)
            }
        };
        each(RawFeature::new(index, properties, geometry));
    }
    Ok(())
}

fn is_cgcs2000_or_wgs84(s: &SpatialRef) -> bool {
    s.is_geographic() && matches!(s.auth_code().ok(), Some(4490) | Some(4326))
}

fn polygonal(g: Geometry<f64>) -> Result<MultiPolygon<f64>, GeomProblem> {
    match g {
        Geometry::Polygon(p) => Ok(MultiPolygon(vec![p])),
        Geometry::MultiPolygon(m) if m.0.is_empty() => Err(GeomProblem::Empty),
        Geometry::MultiPolygon(m) => Ok(m),
        Geometry::GeometryCollection(c) => {
            let mut polys = Vec::new();
            for g in c {
                match g {
                    Geometry::Polygon(p) => polys.push(p),
                    Geometry::MultiPolygon(m) => polys.extend(m.0),
                    _ => {
                        return Err(GeomProblem::NotPolygonal("a GeometryCollection with non-polygonal members".into()))
                    }
                }
            }
            if polys.is_empty() {
                Err(GeomProblem::Empty)
            } else {
                Ok(MultiPolygon(polys))
            }
        }
        Geometry::Point(_) | Geometry::MultiPoint(_) => Err(GeomProblem::NotPolygonal("a point".into())),
        _ => Err(GeomProblem::NotPolygonal("a line".into())),
    }
}

fn field_json(v: FieldValue) -> Value {
    match v {
        FieldValue::IntegerValue(i) => Value::from(i),
        FieldValue::Integer64Value(i) => Value::from(i),
        FieldValue::RealValue(x) => Number::from_f64(x).map_or(Value::Null, Value::Number),
        FieldValue::StringValue(s) => Value::String(s),
        FieldValue::DateValue(d) => Value::String(d.to_string()),
        FieldValue::DateTimeValue(d) => Value::String(d.to_string()),
        FieldValue::StringListValue(v) => Value::from(v),
        FieldValue::IntegerListValue(v) => Value::from(v),
        FieldValue::Integer64ListValue(v) => Value::from(v),
        FieldValue::RealListValue(v) => Value::from(v),
    }
}
