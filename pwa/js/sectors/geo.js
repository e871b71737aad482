// Geometry on the phone: which sector contains a point, and drawing the sectors as SVG paths.
// The position from "Use my location" is only ever passed to these functions: it never leaves the device.
//
//   import { findSector, mapProjection, geometryPath } from '/js/sectors/geo.js';
//   const feature = findSector(collection, lon, lat);     // the GeoJSON feature, or null

/** Ray casting: is [lon, lat] inside the closed ring [[lon, lat], ...]? */
export function pointInRing(lon, lat, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inPolygon(lon, lat, rings) {
  if (!rings.length || !pointInRing(lon, lat, rings[0])) return false;
  return !rings.slice(1).some((hole) => pointInRing(lon, lat, hole));
}

/** Is the point inside a GeoJSON Polygon or MultiPolygon (holes excluded)? */
export function pointInGeometry(lon, lat, geometry) {
  if (!geometry) return false;
  if (geometry.type === 'Polygon') return inPolygon(lon, lat, geometry.coordinates);
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.some((rings) => inPolygon(lon, lat, rings));
  return false;
}

/** The feature of a FeatureCollection that contains the point, or null. */
export function findSector(collection, lon, lat) {
  return (collection.features || []).find((feature) => pointInGeometry(lon, lat, feature.geometry)) || null;
}

function outerRings(geometry) {
  if (geometry.type === 'Polygon') return [geometry.coordinates[0]];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.map((rings) => rings[0]);
  return [];
}

/** [west, south, east, north] of the collection (its bbox, or computed). */
export function bounds(collection) {
  if (Array.isArray(collection.bbox) && collection.bbox.length === 4) return collection.bbox;
  let box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const feature of collection.features || []) {
    for (const ring of outerRings(feature.geometry)) {
      for (const [x, y] of ring) box = [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)];
    }
  }
  return box;
}

/**
 * A simple equirectangular projection that fits the collection into `width` SVG units
 * (longitudes shrink by cos(latitude), so northern cities keep their shape).
 */
export function mapProjection(collection, width = 1000, padding = 10) {
  const [west, south, east, north] = bounds(collection);
  const squash = Math.cos(((south + north) / 2) * (Math.PI / 180)) || 1;
  const spanX = Math.max((east - west) * squash, 1e-9);
  const spanY = Math.max(north - south, 1e-9);
  const scale = (width - 2 * padding) / spanX;
  const height = Math.round(spanY * scale + 2 * padding);
  return {
    width,
    height,
    project: ([lon, lat]) => [padding + (lon - west) * squash * scale, padding + (north - lat) * scale],
    contains: (lon, lat) => lon >= west && lon <= east && lat >= south && lat <= north,
  };
}

/** An SVG path "d" attribute for a Polygon or MultiPolygon (use fill-rule evenodd for holes). */
export function geometryPath(geometry, project) {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates || [];
  return polygons.map((rings) => rings.map((ring) => ring.map((point, i) => {
    const [x, y] = project(point);
    return `${i ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`;
  }).join('') + 'Z').join('')).join('');
}

/** The area-weighted centre of a closed ring (null for a ring without area). */
export function ringCentroid(ring) {
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
    area += cross;
    cx += (ring[j][0] + ring[i][0]) * cross;
    cy += (ring[j][1] + ring[i][1]) * cross;
  }
  return area ? [cx / (3 * area), cy / (3 * area)] : null;
}

/**
 * A point for the sector's label, inside its largest part: the part's centre of area if that is inside
 * (a real district usually), else the middle of the widest horizontal run through it (a crescent or an L).
 */
export function labelPoint(geometry) {
  let best = null;
  let bestArea = -1;
  for (const ring of outerRings(geometry)) {
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    const area = (Math.max(...xs) - Math.min(...xs)) * (Math.max(...ys) - Math.min(...ys));
    if (area > bestArea) { bestArea = area; best = ring; }
  }
  if (!best) return null;
  const centre = ringCentroid(best);
  if (centre && pointInGeometry(centre[0], centre[1], geometry)) return centre;
  const ys = best.map((p) => p[1]);
  const [south, north] = [Math.min(...ys), Math.max(...ys)];
  let widest = null;
  for (let step = 1; step < 10; step += 1) {
    const lat = south + ((north - south) * step) / 10;
    const crossings = [];
    for (let i = 0, j = best.length - 1; i < best.length; j = i, i += 1) {
      const [xi, yi] = best[i];
      const [xj, yj] = best[j];
      if ((yi > lat) !== (yj > lat)) crossings.push(xi + ((lat - yi) * (xj - xi)) / (yj - yi));
    }
    crossings.sort((a, b) => a - b);
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      const width = crossings[k + 1] - crossings[k];
      if (!widest || width > widest.width) widest = { width, point: [(crossings[k] + crossings[k + 1]) / 2, lat] };
    }
  }
  return widest ? widest.point : best[0];
}
