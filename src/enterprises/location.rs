//! D11: where an enterprise with coordinates lies, against the blocks of its
//! declared park and of every other park.
//!
//! * Outside every block of its declared park: warning, with the geodesic
//!   distance (GRS80, metres) to the park's nearest block boundary.
//! * Inside a block of another park: warning, naming the block; with the
//!   above in one finding when both hold.
//! * Inside its own park and another's (parks that overlap): info.
//!
//! **On the border counts as inside**: a point on a block's boundary is in
//! that block (coordinates are rounded, and a gate on the park's edge belongs
//! to the park). Point-in-polygon is decided in lon/lat with geo's robust
//! predicates, on the straight lon/lat edges the layers store (DATA.md), the
//! same plane the overlap checks use. The distance comes from
//! [`closest_points`] between the park and a square of 2·10⁻⁹° (≈ 0.2 mm)
//! around the point, measured again from the point itself: within 0.2 mm of
//! the exact point-to-boundary geodesic distance.

use super::table::Entry;
use super::{EnterpriseFinding, Outcome, ParkSite};
use crate::findings::Severity;
use crate::geom::distance::{closest_points, geodesic_distance};
use crate::geom::index::BoxIndex;
use crate::measure::bbox;
use crate::rules::D11;
use crate::units::{round_to, Metres};
use geo::{coordinate_position::CoordPos, Coord, CoordinatePosition, MultiPolygon, Polygon, Rect};

/// Where a point lies relative to a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// In the interior.
    Inside,
    /// On the boundary (counts as inside).
    OnBorder,
    /// Outside.
    Outside,
}

/// The position of `p` relative to `g`: inside one of its polygons, on a
/// boundary, or outside all.
pub fn position(g: &MultiPolygon<f64>, p: Coord<f64>) -> Position {
    let mut on_border = false;
    for poly in g {
        match poly.coordinate_position(&p) {
            CoordPos::Inside => return Position::Inside,
            CoordPos::OnBoundary => on_border = true,
            CoordPos::Outside => {}
        }
    }
    if on_border {
        Position::OnBorder
    } else {
        Position::Outside
    }
}

/// Half the side of the square standing for a point in [`closest_points`], degrees.
const POINT_HALF_SIDE_DEG: f64 = 1e-9;

/// Geodesic distance (GRS80) from `p` to the nearest boundary point of `g`;
/// 0 inside or on the boundary. `None` for an empty or non-finite geometry.
pub fn distance_to(p: Coord<f64>, g: &MultiPolygon<f64>) -> Option<Metres> {
    if position(g, p) != Position::Outside {
        return Some(Metres(0.0));
    }
    let h = POINT_HALF_SIDE_DEG;
    let square = MultiPolygon(vec![Polygon::new(
        vec![
            Coord { x: p.x - h, y: p.y - h },
            Coord { x: p.x + h, y: p.y - h },
            Coord { x: p.x + h, y: p.y + h },
            Coord { x: p.x - h, y: p.y + h },
            Coord { x: p.x - h, y: p.y - h },
        ]
        .into(),
        vec![],
    )]);
    closest_points(&square, g).map(|c| geodesic_distance(p, c.on_b))
}

/// The blocks of every park, indexed by bounding box.
pub struct Locator<'a> {
    parks: &'a [ParkSite<'a>],
    /// (park index, block index within the park), by index in `index`.
    blocks: Vec<(usize, usize)>,
    index: BoxIndex,
}

impl<'a> Locator<'a> {
    /// Indexes the blocks of `parks`.
    pub fn new(parks: &'a [ParkSite<'a>]) -> Locator<'a> {
        let blocks: Vec<(usize, usize)> =
            parks.iter().enumerate().flat_map(|(i, p)| (0..p.blocks.len()).map(move |j| (i, j))).collect();
        let index = BoxIndex::new(blocks.iter().map(|&(i, j)| bbox(parks[i].blocks[j].1)));
        Locator { parks, blocks, index }
    }

    /// Every block containing `p` (border included): (park, block id, on its border), in park then block order.
    pub fn blocks_at(&self, p: Coord<f64>) -> Vec<(&'a ParkSite<'a>, &'a str, bool)> {
        self.index
            .intersecting_candidates(Rect::new(p, p))
            .into_iter()
            .filter_map(|k| self.blocks.get(k).copied())
            .filter_map(|(i, j)| {
                let park = &self.parks[i];
                let (id, g) = park.blocks[j];
                match position(g, p) {
                    Position::Inside => Some((park, id, false)),
                    Position::OnBorder => Some((park, id, true)),
                    Position::Outside => None,
                }
            })
            .collect()
    }

    /// D11 for a row with coordinates; `park` is its declared park if known.
    pub fn check(&self, e: &Entry, file: &str, park: Option<&ParkSite<'_>>) -> Option<EnterpriseFinding> {
        let p = e.position?;
        let at = self.blocks_at(p);
        let own = |x: &&(&ParkSite<'_>, &str, bool)| park.is_some_and(|q| q.park_id == x.0.park_id);
        let inside_own = at.iter().any(|x| own(&x));
        let others: Vec<&(&ParkSite<'_>, &str, bool)> = at.iter().filter(|x| !own(x)).collect();
        let where_ = format!("({:.6}, {:.6})", p.x, p.y);
        let others_text = others
            .iter()
            .map(|(q, b, border)| {
                format!(
                    "{} block {b} of park {}{}",
                    if *border { "on the border of" } else { "inside" },
                    q.park_id,
                    q.park_name.map(|n| format!(" {n}")).unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let who = e.who();
        let (severity, message, distance) = match park {
            None if others.is_empty() => return None,
            None => (
                Severity::Info,
                format!(
                    "{who} at {where_} lies {others_text}; its park_id ({}) names no analysed park",
                    e.park_id.as_deref().unwrap_or("not reported")
                ),
                None,
            ),
            Some(_) if inside_own && others.is_empty() => return None,
            Some(q) if inside_own => (
                Severity::Info,
                format!(
                    "{who} at {where_} lies in its park {} and also {others_text}: the parks overlap there",
                    q.park_id
                ),
                None,
            ),
            Some(q) => {
                let d = distance_to(p, q.geom);
                let dist_text = d.map_or_else(|| "an unknown distance".to_owned(), |m| format!("{:.1} m", m.0));
                let also = if others.is_empty() { String::new() } else { format!(", {others_text}") };
                (
                    Severity::Warning,
                    format!(
                        "{who} at {where_} lies outside every block of its park {}{}: {dist_text} from the nearest \
                         block{also}. Check the coordinates or the park_id",
                        q.park_id,
                        q.park_name.map(|n| format!(" {n}")).unwrap_or_default()
                    ),
                    d,
                )
            }
        };
        let mut f = EnterpriseFinding::of(e, file, D11, severity, Outcome::Flagged, message);
        f.block_id = others.first().map(|(_, b, _)| (*b).to_owned());
        f.value = distance.map(|m| round_to(m.0, 3));
        Some(f)
    }
}
